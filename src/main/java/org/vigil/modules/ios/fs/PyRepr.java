package org.vigil.modules.ios.fs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vigil.io.PyFormat;

/**
 * Python's {@code repr()} of a record as MVT puts it in a timeline row ({@code f"{record}"}):
 * {@code {'key': 'value', 'n': 1, 'x': None, 'b': True, 'd': b'\x00'}}. Values are the plain Java
 * values the modules hold (maps, lists, strings, numbers, booleans, byte arrays, null). Output is
 * capped at {@link #MAX_CHARS} characters (a timeline cell, not a dump).
 */
final class PyRepr {
    /** Longest text produced; longer reprs end with {@code ...}. */
    static final int MAX_CHARS = 65_536;
    private static final int MAX_DEPTH = 64;

    private PyRepr() {}

    static String of(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, 0);
        if (sb.length() > MAX_CHARS) {
            sb.setLength(MAX_CHARS);
            sb.append("...");
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object v, int depth) {
        if (sb.length() > MAX_CHARS) {
            return;
        }
        if (depth > MAX_DEPTH) {
            sb.append("...");
        } else if (v == null) {
            sb.append("None");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof byte[] b) {
            bytes(sb, b);
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                append(sb, e.getKey(), depth + 1);
                sb.append(": ");
                append(sb, e.getValue(), depth + 1);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, l.get(i), depth + 1);
            }
            sb.append(']');
        } else {
            sb.append(PyFormat.str(v));
        }
    }

    /** Python's str repr. */
    static void string(StringBuilder sb, String s) {
        PyFormat.appendRepr(sb, s);
    }

    /** Python's bytes repr: {@code b'...'} with {@code \xNN} escapes. */
    static void bytes(StringBuilder sb, byte[] b) {
        boolean single = false;
        boolean dbl = false;
        for (byte x : b) {
            single |= x == '\'';
            dbl |= x == '"';
        }
        char q = single && !dbl ? '"' : '\'';
        sb.append('b').append(q);
        for (byte x : b) {
            int c = x & 0xff;
            if (c == q || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", c));
            } else {
                sb.append((char) c);
            }
        }
        sb.append(q);
    }
}
