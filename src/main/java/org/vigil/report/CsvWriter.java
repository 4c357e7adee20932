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
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String f = fields.get(i) == null ? "" : fields.get(i);
            sb.append('"');
            for (int j = 0; j < f.length(); j++) {
                char c = f.charAt(j);
                if (c == '"') {
                    sb.append("\"\"");
                } else if (c == '\\') {
                    sb.append("\\\\");
                } else {
                    sb.append(c);
                }
            }
            sb.append('"');
        }
        sb.append("\r\n");
        out.write(sb.toString());
    }
}
