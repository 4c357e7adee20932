package org.vigil.io.archive;

import java.nio.charset.Charset;
import java.nio.charset.spi.CharsetProvider;
import java.util.Iterator;
import java.util.List;

/**
 * Makes {@link RawUtf8Charset} available by name ({@code Charset.forName}), through
 * {@code META-INF/services/java.nio.charset.spi.CharsetProvider}.
 */
public final class RawUtf8CharsetProvider extends CharsetProvider {
    @Override
    public Iterator<Charset> charsets() {
        return List.<Charset>of(RawUtf8Charset.INSTANCE).iterator();
    }

    @Override
    public Charset charsetForName(String charsetName) {
        return RawUtf8Charset.NAME.equalsIgnoreCase(charsetName) ? RawUtf8Charset.INSTANCE : null;
    }
}
