package org.vigil.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.vigil.core.Progress;

/**
 * Reports the bytes read through it to a {@link Progress.Step} (e.g. the compressed bytes of an
 * archive being indexed, against the archive's size). Skipped bytes count as read.
 */
public final class ProgressInputStream extends FilterInputStream {
    private final Progress.Step step;

    /** Wraps {@code in}, advancing {@code step} by every byte read or skipped. */
    public ProgressInputStream(InputStream in, Progress.Step step) {
        super(Objects.requireNonNull(in, "in"));
        this.step = Objects.requireNonNull(step, "step");
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            step.advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            step.advance(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            step.advance(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
