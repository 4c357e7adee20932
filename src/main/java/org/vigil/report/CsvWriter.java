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
