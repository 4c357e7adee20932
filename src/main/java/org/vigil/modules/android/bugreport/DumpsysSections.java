package org.vigil.modules.android.bugreport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.android.BugreportSource;

/**
 * Finds sections in a bug report's dumpstate text, by structure. A service section is the lines
 * after the exact line {@code DUMP OF SERVICE <name>:} (surrounding blanks ignored) up to a line
 * starting with 78 dashes, as MVT reads it; unlike MVT, a following {@code DUMP OF SERVICE}
 * header also ends it, so an unterminated section does not swallow the rest of the report.
 * Blank lines and vendor fields inside a section are kept as they are: the parsers of each
 * section decide what they mean.
 *
 * <p>The text is streamed once per call, decoded as UTF-8 with undecodable bytes dropped (as
 * MVT's {@code errors="ignore"}); lines longer than {@value #MAX_LINE_CHARS} characters are cut,
 * and a section stops growing at {@value #MAX_SECTION_CHARS} characters (a warning says so).
 */
public final class DumpsysSections {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysSections.class);

    /** The line that ends a section. */
    public static final String END = "-".repeat(78);
    static final String HEADER = "DUMP OF SERVICE ";
    static final int MAX_LINE_CHARS = 1 << 20;
    static final long MAX_SECTION_CHARS = 256L * 1024 * 1024;

    private DumpsysSections() {}

    /** The section of service {@code service}, or empty when the text has none. */
    public static Optional<List<String>> service(Reader text, String service, String fileName) throws IOException {
        String header = HEADER + service + ":";
        LineReader lines = new LineReader(text);
        if (!lines.skipPast(header)) {
            return Optional.empty();
        }
        return Optional.of(collect(lines, l -> l.strip().startsWith(END) || l.startsWith(HEADER), fileName));
    }

    /**
     * The lines after the first line matching {@code start}, up to (not including) the first line
     * matching {@code end} or the end of the text; empty when no line matches {@code start}.
     */
    public static Optional<List<String>> block(Reader text, Predicate<String> start, Predicate<String> end,
            String fileName) throws IOException {
        LineReader lines = new LineReader(text);
        String line;
        while ((line = lines.next()) != null) {
            if (start.test(line)) {
                return Optional.of(collect(lines, end, fileName));
            }
        }
        return Optional.empty();
    }

    private static List<String> collect(LineReader lines, Predicate<String> end, String fileName) throws IOException {
        List<String> out = new ArrayList<>();
        long chars = 0;
        String line;
        while ((line = lines.next()) != null) {
            if (end.test(line)) {
                return out;
            }
            chars += line.length() + 1;
            if (chars > MAX_SECTION_CHARS) {
                LOG.warn("{}: section longer than {} characters; the rest is not read", fileName, MAX_SECTION_CHARS);
                return out;
            }
            out.add(line);
        }
        return out;
    }

    /** A reader of the dumpstate text: UTF-8, bad bytes dropped. */
    static Reader reader(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.IGNORE)
                .onUnmappableCharacter(CodingErrorAction.IGNORE));
    }

    /** The dumpstate text file of the source. */
    static ArtifactRef dumpstate(AcquisitionSource source) throws IOException, ArtifactNotFoundException {
        return source.byId(BugreportSource.DUMPSTATE_ID).orElseThrow(() -> new ArtifactNotFoundException(
                "no dumpstate text (main_entry.txt, dumpState_*.log or */dumpsys.txt) in " + source.root()));
    }

    /**
     * The section of {@code service} in the source's dumpstate.
     *
     * @throws ArtifactNotFoundException when there is no dumpstate or no such section
     */
    static List<String> service(AcquisitionSource source, String service) throws IOException, ArtifactNotFoundException {
        ArtifactRef ref = dumpstate(source);
        try (Reader r = reader(source.open(ref))) {
            return service(r, service, ref.displayName()).orElseThrow(() -> new ArtifactNotFoundException(
                    ref.displayName() + ": no \"" + HEADER + service + ":\" section"));
        }
    }

    /** Splits text into lines as the dumpstate reader does (for tests and single-section files). */
    static List<String> lines(String text) {
        try {
            LineReader lr = new LineReader(new java.io.StringReader(text));
            List<String> out = new ArrayList<>();
            String l;
            while ((l = lr.next()) != null) {
                out.add(l);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Lines split on \n, \r\n or \r; overlong lines cut at {@link #MAX_LINE_CHARS}. */
    static final class LineReader {
        private final Reader in;
        private final char[] buf = new char[8192];
        private int pos;
        private int len;
        private boolean eof;

        LineReader(Reader in) {
            this.in = in;
        }

        String next() throws IOException {
            StringBuilder sb = null;
            boolean cut = false;
            int count = 0;
            while (true) {
                if (pos >= len) {
                    if (eof || !fill()) {
                        return sb == null ? null : sb.toString();
                    }
                }
                int start = pos;
                while (pos < len) {
                    char c = buf[pos];
                    if (c == '\n' || c == '\r') {
                        sb = append(sb, start, pos, count, cut);
                        pos++;
                        if (c == '\r') {
                            if (pos >= len && !eof) {
                                fill();
                            }
                            if (pos < len && buf[pos] == '\n') {
                                pos++;
                            }
                        }
                        return sb.toString();
                    }
                    pos++;
                }
                sb = append(sb, start, pos, count, cut);
                count = sb.length();
                cut = count >= MAX_LINE_CHARS;
            }
        }

        private StringBuilder append(StringBuilder sb, int from, int to, int count, boolean cut) {
            if (sb == null) {
                sb = new StringBuilder(Math.max(16, to - from));
            }
            if (!cut) {
                int n = Math.min(to - from, MAX_LINE_CHARS - count);
                sb.append(buf, from, n);
            }
            return sb;
        }

        /**
         * Skips lines up to and including the first one equal to {@code line} once stripped (as
         * {@code next().strip().equals(line)}), without building the skipped lines: the section
         * searches of every module pass over most of a large dumpstate. False at the end of the text.
         */
        boolean skipPast(String line) throws IOException {
            int matched = 0; // characters of line matched on this line so far; -1: this line does not match
            boolean leading = true;
            int count = 0;
            while (true) {
                if (pos >= len && (eof || !fill())) {
                    return matched == line.length(); // a last line without its line break
                }
                while (pos < len) {
                    char c = buf[pos++];
                    if (c == '\n' || c == '\r') {
                        if (matched == line.length()) {
                            if (c == '\r') {
                                if (pos >= len && !eof) {
                                    fill();
                                }
                                if (pos < len && buf[pos] == '\n') {
                                    pos++;
                                }
                            }
                            return true;
                        }
                        matched = 0;
                        leading = true;
                        count = 0;
                        continue;
                    }
                    if (++count > MAX_LINE_CHARS || matched < 0) {
                        // next() cuts overlong lines: past the cut, characters are not part of the line
                        continue;
                    }
                    if (Character.isWhitespace(c) && (leading || matched == line.length())) {
                        continue;
                    }
                    leading = false;
                    matched = matched < line.length() && line.charAt(matched) == c ? matched + 1 : -1;
                }
            }
        }

        private boolean fill() throws IOException {
            int n = in.read(buf, 0, buf.length);
            pos = 0;
            len = Math.max(n, 0);
            if (n <= 0) {
                eof = true;
                return false;
            }
            return true;
        }
    }
}
