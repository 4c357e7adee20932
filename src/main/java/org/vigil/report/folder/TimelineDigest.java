package org.vigil.report.folder;

import java.util.List;
import java.util.Objects;
import org.vigil.core.model.TimelineEvent;

/**
 * timeline.csv in bounded form: every row counted per day, the first rows kept for the table.
 *
 * @param present false when the folder has no timeline.csv
 * @param deviceLocal true when the times are the device's local time (Android header), not UTC
 * @param total rows read
 * @param untimed rows without a usable date
 * @param days rows per day
 * @param rows the first rows, in file order (time order)
 */
public record TimelineDigest(boolean present, boolean deviceLocal, long total, long untimed, DayCounts days,
        List<TimelineEvent> rows) {
    public TimelineDigest {
        Objects.requireNonNull(days, "days");
        rows = List.copyOf(rows);
    }

    /** No timeline. */
    public static TimelineDigest absent() {
        return new TimelineDigest(false, false, 0, 0, new DayCounts(), List.of());
    }

    /** Rows counted but not kept. */
    public long omitted() {
        return total - rows.size();
    }
}
