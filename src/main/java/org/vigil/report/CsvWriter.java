package org.vigil.report;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * CSV as MVT writes it (Python csv with QUOTE_ALL and escapechar {@code \}): every field quoted,
 * quotes doubled, backslashes escaped, rows ended by CRLF.
 */
final class CsvWriter {
    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);

    CsvWriter(Writer out) {
        this.out = out;
    }

    void row(List<String> fields) throws IOException {
        line.setLength(0);
        appendRow(line, fields.toArray(new String[0]));
        out.append(line);
    }

    /** Appends one CSV row (with its CRLF) to {@code sb}. */
    static void appendRow(StringBuilder sb, String... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendField(sb, fields[i]);
        }
        sb.append("\r\n");
    }

    /**
     * One CSV row (with its CRLF) as UTF-8 bytes: the bytes of {@link #appendRow} followed by
     * {@code String.getBytes(UTF_8)} (a lone surrogate becomes {@code ?}), encoded in one pass
     * into {@code buf}, which is returned (grown when needed) with the length in {@code len[0]}.
     */
    static byte[] encodeRow(byte[] buf, int[] len, String... fields) {
        int n = 0;
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i] == null ? "" : fields[i];
            // worst case per char: a doubled quote or backslash (2 bytes) or 3 UTF-8 bytes
            int need = n + 3 * f.length() + 4;
            if (need > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(need + 2, buf.length * 2));
            }
            if (i > 0) {
                buf[n++] = ',';
            }
            buf[n++] = '"';
            int m = f.length();
            for (int j = 0; j < m; j++) {
                char c = f.charAt(j);
                if (c < 0x80) {
                    if (c == '"' || c == '\\') {
                        buf[n++] = (byte) c;
                    }
                    buf[n++] = (byte) c;
                } else if (c < 0x800) {
                    buf[n++] = (byte) (0xc0 | (c >> 6));
                    buf[n++] = (byte) (0x80 | (c & 0x3f));
                } else if (Character.isHighSurrogate(c) && j + 1 < m && Character.isLowSurrogate(f.charAt(j + 1))) {
                    int cp = Character.toCodePoint(c, f.charAt(++j));
                    buf[n++] = (byte) (0xf0 | (cp >> 18));
                    buf[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    buf[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    buf[n++] = (byte) (0x80 | (cp & 0x3f));
                } else if (Character.isSurrogate(c)) {
                    buf[n++] = '?'; // as String.getBytes(UTF_8) replaces a lone surrogate
                } else {
                    buf[n++] = (byte) (0xe0 | (c >> 12));
                    buf[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                    buf[n++] = (byte) (0x80 | (c & 0x3f));
                }
            }
            buf[n++] = '"';
        }
        if (n + 2 > buf.length) {
            buf = java.util.Arrays.copyOf(buf, n + 2);
        }
        buf[n++] = '\r';
        buf[n++] = '\n';
        len[0] = n;
        return buf;
    }

    private static void appendField(StringBuilder sb, String f) {
        sb.append('"');
        if (f != null) {
            int start = 0;
            int n = f.length();
            for (int j = 0; j < n; j++) {
                char c = f.charAt(j);
                if (c == '"' || c == '\\') {
                    sb.append(f, start, j).append(c == '"' ? "\"\"" : "\\\\");
                    start = j + 1;
                }
            }
            sb.append(f, start, n);
        }
        sb.append('"');
    }
}
