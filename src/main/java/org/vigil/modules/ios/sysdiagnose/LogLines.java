package org.vigil.modules.ios.sysdiagnose;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Lines of a text log from a hostile source: invalid UTF-8 becomes U+FFFD, a line is cut at
 * {@code max} characters (the rest of it is dropped, not read into memory), a trailing CR is
 * removed. Not thread-safe; the caller closes the stream.
 */
final class LogLines {
    private final Reader in;
    private final int max;
    private final char[] buf = new char[8192];
    private int pos;
    private int len;
    private boolean eof;
    private long truncated;

    LogLines(InputStream in, int max) {
        this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
        this.max = max;
    }

    /** The next line, or null at the end. */
    String next() throws IOException {
        StringBuilder sb = new StringBuilder();
        boolean any = false;
        boolean cut = false;
        while (true) {
            if (pos == len) {
                if (eof) {
                    return any ? finish(sb, cut) : null;
                }
                len = in.read(buf);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    eof = true;
                    continue;
                }
            }
            char c = buf[pos++];
            any = true;
            if (c == '\n') {
                return finish(sb, cut);
            }
            if (sb.length() < max) {
                sb.append(c);
            } else {
                cut = true;
            }
        }
    }

    private String finish(StringBuilder sb, boolean cut) {
        if (cut) {
            truncated++;
        }
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
        }
        return sb.toString();
    }

    /** How many lines were longer than the cap. */
    long truncated() {
        return truncated;
    }
}
