package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes a number as Python's {@code json} module does: floats in {@code repr} form
 * ({@code 726100000.0}, not Jackson's {@code 7.261E8}), so records keep MVT's bytes.
 */
final class PyNumberSerializer extends StdSerializer<Number> {
    PyNumberSerializer() {
        super(Number.class);
    }

    @Override
    public void serialize(Number value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        if (value instanceof Double || value instanceof Float) {
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                gen.writeNumber(d);
            } else {
                gen.writeNumber(Support.pyFloat(d));
            }
        } else {
            gen.writeNumber(value.longValue());
        }
    }
}
