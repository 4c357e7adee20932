package org.vigil.report.folder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads only the first field of each CSV row, straight from the bytes, in the same dialect as
 * {@link CsvRows} (quoted fields, doubled quotes, backslash escapes, CRLF/LF/CR). A timeline's
 * day counts need only its timestamps: the rest of each row (most of a 400 MB timeline.csv) is
 * skipped without decoding. The structural characters are ASCII, so scanning UTF-8 bytes is safe;
 * the first field is decoded at the end of its row.
 */
final class CsvFirstFields {
    private final InputStream in;
    private final int maxField;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    /** Bytes consumed before {@code buf[0]}. */
    private long base;
    private byte[] field = new byte[64];
    private int fieldLen;
    private boolean blank;
    private long rowStart;

    CsvFirstFields(InputStream in, int maxField) {
        this.in = in;
        this.maxField = maxField;
    }

    private int read() throws IOException {
        if (pos == len) {
            base += len;
            len = in.read(buf, 0, buf.length);
            pos = 0;
            if (len <= 0) {
                len = 0;
                return -1;
            }
        }
        return buf[pos++] & 0xff;
    }

    private void unread() {
        pos--;
    }

    /** The first field of the next row, or null at the end of the input. */
    String next() throws IOException {
        rowStart = base + pos;
        int c = read();
        if (c == -1) {
            return null;
        }
        fieldLen = 0;
        boolean quoted = false;
        boolean fieldStart = true;
        boolean inFirst = true;
        while (true) {
            if (c == -1) {
                return end(inFirst);
            }
            if (quoted) {
                if (c == '"') {
                    int d = read();
                    if (d == '"') {
                        add(inFirst, '"');
                    } else {
                        quoted = false;
                        if (d != -1) {
                            unread();
                        }
                    }
                } else if (c == '\\') {
                    int d = read();
                    add(inFirst, d == -1 ? '\\' : d);
                } else {
                    add(inFirst, c);
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
            } else if (c == ',') {
                inFirst = false;
                fieldStart = true;
                c = read();
                continue;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r') {
                    int d = read();
                    if (d != '\n' && d != -1) {
                        unread();
                    }
                }
                return end(inFirst);
            } else if (c == '\\') {
                int d = read();
                add(inFirst, d == -1 ? '\\' : d);
            } else {
                add(inFirst, c);
            }
            fieldStart = false;
            c = read();
        }
    }

    private String end(boolean inFirst) {
        blank = inFirst && fieldLen == 0;
        return new String(field, 0, fieldLen, StandardCharsets.UTF_8);
    }

    private void add(boolean inFirst, int b) {
        if (!inFirst || fieldLen >= maxField) {
            return;
        }
        if (fieldLen == field.length) {
            field = Arrays.copyOf(field, Math.min(maxField, field.length * 2));
        }
        field[fieldLen++] = (byte) b;
    }

    /** True when the row {@link #next()} last read was an empty line (or a single empty field). */
    boolean wasBlank() {
        return blank;
    }

    /** The byte offset at which the row {@link #next()} last read starts. */
    long rowStart() {
        return rowStart;
    }
}
