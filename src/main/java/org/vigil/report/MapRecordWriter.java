package org.vigil.report;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.vigil.io.PyFormat;
import org.vigil.io.RowMap;
import org.vigil.io.Times;

/**
 * Writes map-shaped records (a table row with every column: {@code sms.json} holds millions of
 * them) straight into bytes, in exactly the layout {@link MvtJson}'s Jackson writer produces:
 * four-space indent, {@code ": "}, non-ASCII as lower-case {@code \\uXXXX}, Python floats, bytes
 * and instants rendered as {@link MvtJson} does. Jackson spends most of its time in the pretty
 * printer and in per-value serializer lookups; here a field name with its indentation is encoded
 * once and copied for every row.
 *
 * <p>Only plain values are handled: strings, integral numbers, floats, booleans, null, byte
 * arrays, instants, and maps (string keys) and collections of those. {@link #append} returns
 * false for anything else and the caller falls back to Jackson. Not thread-safe: one instance per
 * serialising thread.
 */
final class MapRecordWriter {
    /** Nesting bound: deeper values go through Jackson. */
    private static final int MAX_DEPTH = 32;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    /** Encoded {@code "\n" + indent + "\"key\": "} per (depth, key); bounded. */
    private final Map<String, byte[]>[] names;
    /**
     * Per depth, the last {@link RowMap.Columns} written and its encoded names by position: the
     * rows of one query share their columns and come in sequence, so one slot per depth saves a
     * hash lookup per cell (bounded: one array per depth).
     */
    private final RowMap.Columns[] rowColumns = new RowMap.Columns[MAX_DEPTH + 2];
    private final byte[][][] rowNames = new byte[MAX_DEPTH + 2][][];
    private byte[] buf = new byte[1 << 16];
    private int len;

    @SuppressWarnings("unchecked")
    MapRecordWriter() {
        names = new Map[MAX_DEPTH + 2];
    }

    /** Bytes written since the last {@link #reset()}. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    int length() {
        return len;
    }

    void reset() {
        len = 0;
    }

    void truncate(int length) {
        len = length;
    }

    /**
     * Appends {@code value} as a JSON value whose container sits at {@code depth} (a record in the
     * top-level array: depth 1). Returns false, leaving the buffer in an undefined state past its
     * previous length, when the value holds something this writer does not render.
     */
    boolean append(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (value == null) {
            raw(NULL);
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Long l) {
            integer(l);
        } else if (value instanceof Integer i) {
            integer(i);
        } else if (value instanceof Short || value instanceof Byte) {
            integer(((Number) value).longValue());
        } else if (value instanceof Double d) {
            ascii(PyFormat.floatRepr(d));
        } else if (value instanceof Float f) {
            ascii(PyFormat.floatRepr(Double.parseDouble(f.toString())));
        } else if (value instanceof Boolean b) {
            raw(b ? TRUE : FALSE);
        } else if (value instanceof byte[] bytes) {
            string(PyFormat.bytes(bytes));
        } else if (value instanceof Instant t) {
            string(Times.format(t));
        } else if (value instanceof Map<?, ?> map) {
            return object(map, depth);
        } else if (value instanceof Collection<?> list) {
            return array(list, depth);
        } else {
            return false;
        }
        return true;
    }

    private boolean object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            byte1('{');
            byte1('}');
            return true;
        }
        byte1('{');
        if (map instanceof RowMap row) {
            // a table row: keys and values by position, no entry objects, names encoded once
            byte[][] encoded = rowNames(row.columns(), depth + 1);
            boolean first = true;
            for (int i = 0; i < encoded.length; i++) {
                if (!row.isPresent(i)) {
                    continue;
                }
                if (!first) {
                    byte1(',');
                }
                first = false;
                raw(encoded[i]);
                if (!append(row.valueAt(i), depth + 1)) {
                    return false;
                }
            }
            newline(depth);
            byte1('}');
            return true;
        }
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                return false;
            }
            if (!first) {
                byte1(',');
            }
            first = false;
            raw(fieldName(key, depth + 1));
            if (!append(e.getValue(), depth + 1)) {
                return false;
            }
        }
        newline(depth);
        byte1('}');
        return true;
    }

    private boolean array(Collection<?> list, int depth) {
        if (list.isEmpty()) {
            byte1('[');
            byte1(']');
            return true;
        }
        byte1('[');
        boolean first = true;
        for (Object item : list) {
            if (!first) {
                byte1(',');
            }
            first = false;
            newline(depth + 1);
            if (!append(item, depth + 1)) {
                return false;
            }
        }
        newline(depth);
        byte1(']');
        return true;
    }

    /** A newline and the indentation of {@code depth}. */
    void newline(int depth) {
        ensure(1 + 4 * depth);
        buf[len++] = '\n';
        Arrays.fill(buf, len, len + 4 * depth, (byte) ' ');
        len += 4 * depth;
    }

    void byte1(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    private byte[][] rowNames(RowMap.Columns columns, int depth) {
        if (rowColumns[depth] != columns) {
            byte[][] encoded = new byte[columns.size()][];
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = fieldName(columns.name(i), depth);
            }
            rowColumns[depth] = columns;
            rowNames[depth] = encoded;
        }
        return rowNames[depth];
    }

    private byte[] fieldName(String key, int depth) {
        Map<String, byte[]> cache = names[depth];
        if (cache == null) {
            cache = new HashMap<>();
            names[depth] = cache;
        }
        byte[] b = cache.get(key);
        if (b == null) {
            int mark = len;
            newline(depth);
            string(key);
            byte1(':');
            byte1(' ');
            b = Arrays.copyOfRange(buf, mark, len);
            len = mark;
            if (cache.size() < 4096) {
                cache.put(key, b);
            }
        }
        return b;
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** An integer in decimal, as {@code Long.toString} writes it, without a String per value. */
    private void integer(long value) {
        if (value == Long.MIN_VALUE) {
            ascii(Long.toString(value)); // no positive counterpart
            return;
        }
        ensure(20);
        long v = value;
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        len = end;
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** A JSON string: {@code "} and {@code \} escaped, control and non-ASCII characters as escapes. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): exact for printable ASCII
    private void string(String s) {
        int n = s.length();
        ensure(n + 2);
        buf[len++] = '"';
        int i = 0;
        while (i < n) {
            // a run of characters written as they are, copied in one go
            int end = i;
            while (end < n && isPlain(s.charAt(end))) {
                end++;
            }
            if (end > i) {
                ensure(end - i); // escapes may have used the room reserved above
                s.getBytes(i, end, buf, len);
                len += end - i;
            }
            if (end < n) {
                escape(s.charAt(end++));
            }
            i = end;
        }
        ensure(1);
        buf[len++] = '"';
    }

    /** Printable ASCII other than {@code "} and {@code \}: written as it is. */
    private static boolean isPlain(char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    }

    private void escape(char c) {
        ensure(6);
        buf[len++] = '\\';
        switch (c) {
            case '"' -> buf[len++] = '"';
            case '\\' -> buf[len++] = '\\';
            case '\n' -> buf[len++] = 'n';
            case '\r' -> buf[len++] = 'r';
            case '\t' -> buf[len++] = 't';
            case '\b' -> buf[len++] = 'b';
            case '\f' -> buf[len++] = 'f';
            default -> {
                buf[len++] = 'u';
                buf[len++] = HEX[(c >> 12) & 0xf];
                buf[len++] = HEX[(c >> 8) & 0xf];
                buf[len++] = HEX[(c >> 4) & 0xf];
                buf[len++] = HEX[c & 0xf];
            }
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
