package org.vigil.report.folder;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming reader of CSV as MVT and Vigil write it (Python csv, QUOTE_ALL, quotes doubled,
 * escapechar {@code \}); unquoted fields and LF or CRLF line ends are accepted too. Fields longer
 * than a bound are cut (the rest of the field is skipped), so a hostile file cannot exhaust memory.
 */
final class CsvRows {
    private final Reader in;
    private final int maxField;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int len;
    private int pushedBack = -2;

    CsvRows(Reader in, int maxField) {
        this.in = in;
        this.maxField = maxField;
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        if (pos == len) {
            len = in.read(buf, 0, buf.length);
            pos = 0;
            if (len <= 0) {
                len = 0;
                return -1;
            }
        }
        return buf[pos++];
    }

    /** The next row, or null at the end of the input. */
    List<String> next() throws IOException {
        int c = read();
        if (c == -1) {
            return null;
        }
        List<String> row = new ArrayList<>(4);
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            if (c == -1) {
                row.add(field.toString());
                return row;
            }
            if (quoted) {
                if (c == '"') {
                    int d = read();
                    if (d == '"') {
                        append(field, '"');
                    } else {
                        quoted = false;
                        pushedBack = d;
                    }
                } else if (c == '\\') {
                    int d = read();
                    if (d == -1) {
                        append(field, '\\');
                    } else {
                        append(field, (char) d);
                    }
                } else {
                    append(field, (char) c);
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                fieldStart = true;
                c = read();
                continue;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r') {
                    int d = read();
                    if (d != '\n') {
                        pushedBack = d;
                    }
                }
                row.add(field.toString());
                return row;
            } else if (c == '\\') {
                int d = read();
                append(field, d == -1 ? '\\' : (char) d);
            } else {
                append(field, (char) c);
            }
            fieldStart = false;
            c = read();
        }
    }

    private void append(StringBuilder field, char c) {
        if (field.length() < maxField) {
            field.append(c);
        }
    }
}
