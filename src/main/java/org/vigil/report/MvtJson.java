package org.vigil.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import org.vigil.io.PyFormat;
import org.vigil.io.Times;

/**
 * JSON in the layout MVT writes (Python's {@code json.dump(indent=4)}): four-space indent,
 * {@code ": "} between key and value, non-ASCII characters escaped as {@code \\uXXXX}, floats
 * written as Python writes them ({@code 726100000.0}, not {@code 7.261E8}), byte arrays as
 * Python-style escaped strings, instants in MVT's ISO format.
 */
public final class MvtJson {
    private MvtJson() {}

    /** A mapper with Vigil's serialisers (not pretty-printing by itself). */
    public static ObjectMapper mapper() {
        SimpleModule m = new SimpleModule("vigil-mvt");
        m.addSerializer(Double.class, new DoubleSerializer());
        m.addSerializer(double.class, new DoubleSerializer());
        m.addSerializer(Float.class, new FloatSerializer());
        m.addSerializer(byte[].class, new BytesSerializer());
        m.addSerializer(Instant.class, new InstantSerializer());
        JsonMapper mapper = JsonMapper.builder()
                .addModule(m)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .build();
        mapper.getFactory().setCharacterEscapes(new PythonAsciiEscapes());
        return mapper;
    }

    /**
     * Python's {@code ensure_ascii} also escapes DEL (0x7f), which Jackson writes raw; everything
     * else is Jackson's standard escaping.
     */
    private static final class PythonAsciiEscapes extends CharacterEscapes {
        private static final int[] ASCII;

        static {
            int[] codes = CharacterEscapes.standardAsciiEscapesForJSON();
            codes[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
            ASCII = codes;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII.clone();
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    /** A writer producing MVT's layout. */
    public static ObjectWriter writer(ObjectMapper mapper) {
        return mapper.writer(prettyPrinter());
    }

    /** Python's {@code indent=4} layout: four spaces, {@code ": "}, {@code []} and {@code {}} when empty. */
    public static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter indenter = new DefaultIndenter("    ", "\n");
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        pp.indentArraysWith(indenter);
        pp.indentObjectsWith(indenter);
        return pp;
    }

    /** Python's repr of a float, as json.dumps writes it. */
    public static String pythonFloat(double d) {
        return PyFormat.floatRepr(d);
    }

    /** MVT's rendering of bytes in JSON. */
    public static String pythonBytes(byte[] bytes) {
        return PyFormat.bytes(bytes);
    }

    private static final class DoubleSerializer extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeNumber(pythonFloat(value));
        }
    }

    private static final class FloatSerializer extends JsonSerializer<Float> {
        @Override
        public void serialize(Float value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeNumber(pythonFloat(Double.parseDouble(value.toString())));
        }
    }

    private static final class BytesSerializer extends JsonSerializer<byte[]> {
        @Override
        public void serialize(byte[] value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(pythonBytes(value));
        }
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(Times.format(value));
        }
    }
}
