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

    CsvWriter(Writer out) {
        this.out = out;
    }

    void row(List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            field(fields.get(i));
        }
        out.write("\r\n");
    }

    /** One row of four fields, without a list (the timeline's hot path). */
    void row(String a, String b, String c, String d) throws IOException {
        field(a);
        out.write(',');
        field(b);
        out.write(',');
        field(c);
        out.write(',');
        field(d);
        out.write("\r\n");
    }

    private void field(String f) throws IOException {
        out.write('"');
        if (f != null) {
            int start = 0;
            int n = f.length();
            for (int j = 0; j < n; j++) {
                char c = f.charAt(j);
                if (c == '"' || c == '\\') {
                    out.write(f, start, j - start);
                    out.write(c == '"' ? "\"\"" : "\\\\");
                    start = j + 1;
                }
            }
            out.write(f, start, n - start);
        }
        out.write('"');
    }
}
