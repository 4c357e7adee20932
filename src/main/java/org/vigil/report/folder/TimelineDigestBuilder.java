package org.vigil.report.folder;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.vigil.core.model.TimelineEvent;

/**
 * Builds a {@link TimelineDigest} from timeline rows given in file order, so that the digest of a
 * timeline.csv being written (the check's final merge) is the one {@link FolderReader} computes by
 * reading the file back, without the second read of a file that holds millions of rows.
 *
 * <p>Both paths count days with the same code ({@link #count}). The rows kept for the table are the
 * CSV bytes of the most recent rows, parsed at the end by the same CSV reader as the read-back, so
 * every quirk of the file (escapes, replaced invalid UTF-16, fields cut at the length bound) is the
 * same. Day counts use the row's timestamp as given: a date is recognised only from ten ASCII
 * digits and dashes, which the CSV encoding keeps as they are, so the written and the read-back
 * values give the same days (a test compares both on hostile timestamps).
 */
public final class TimelineDigestBuilder {
    private final int keepRows;
    private final boolean deviceLocal;
    private final DayCounts days = new DayCounts();
    private final byte[][] last;
    private long total;
    private long untimed;
    private LocalDate runDay;
    private String runText = "";
    private long run;

    /**
     * A builder keeping the {@code keepRows} most recent rows.
     *
     * @param deviceLocal whether the header says the times are the device's local time
     */
    public TimelineDigestBuilder(int keepRows, boolean deviceLocal) {
        this.keepRows = Math.max(0, keepRows);
        this.deviceLocal = deviceLocal;
        this.last = new byte[Math.max(1, this.keepRows)][];
    }

    /** A builder with {@link FolderReader#DEFAULT_ROWS}. */
    public static TimelineDigestBuilder withDefaults(boolean deviceLocal) {
        return new TimelineDigestBuilder(FolderReader.DEFAULT_ROWS, deviceLocal);
    }

    /**
     * Adds the next row written: its timestamp and its CSV line (the bytes written to the file,
     * line end included). The array is kept, not copied: it must not change afterwards.
     */
    public void row(String timestamp, byte[] csvLine) {
        last[(int) (total % last.length)] = csvLine;
        count(timestamp);
    }

    /**
     * Counts one row by its timestamp; rows are sorted by time, so a run of rows on the same day
     * is parsed once. Returns the row's index.
     */
    long count(String ts) {
        long index = total++;
        if (runDay != null && ts.length() >= 10 && ts.regionMatches(0, runText, 0, 10)) {
            run++;
        } else {
            if (runDay != null) {
                days.add(runDay, null, run);
            }
            runDay = DayCounts.dayOf(ts);
            run = 1;
            if (runDay == null) {
                untimed++;
            } else {
                runText = ts.substring(0, 10);
            }
        }
        return index;
    }

    /** Rows counted so far. */
    long total() {
        return total;
    }

    /** Ends the day counting and returns the digest with {@code rows} as the kept rows. */
    TimelineDigest finish(List<TimelineEvent> rows) {
        if (runDay != null) {
            days.add(runDay, null, run);
            runDay = null;
        }
        return new TimelineDigest(true, deviceLocal, total, untimed, days, rows);
    }

    /** The digest of the rows given to {@link #row}. */
    public TimelineDigest build() {
        long kept = Math.min(total, keepRows);
        List<InputStream> parts = new ArrayList<>();
        for (long i = total - kept; i < total; i++) {
            parts.add(new ByteArrayInputStream(last[(int) (i % last.length)]));
        }
        List<TimelineEvent> rows;
        try {
            rows = parse(new SequenceInputStream(Collections.enumeration(parts)), kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading bytes in memory
        }
        return finish(rows);
    }

    /**
     * Parses up to {@code kept} non-blank rows from {@code in} (UTF-8, invalid bytes replaced), as
     * the table shows them.
     */
    static List<TimelineEvent> parse(InputStream in, long kept) throws IOException {
        List<TimelineEvent> rows = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16);
        CsvRows csv = new CsvRows(r, FolderReader.MAX_FIELD);
        for (List<String> row = csv.next(); row != null && rows.size() < kept; row = csv.next()) {
            if (row.size() == 1 && row.get(0).isEmpty()) {
                continue;
            }
            rows.add(new TimelineEvent(field(row, 0), field(row, 1), field(row, 2), field(row, 3)));
        }
        return rows;
    }

    private static String field(List<String> row, int i) {
        return i < row.size() ? row.get(i) : "";
    }
}
