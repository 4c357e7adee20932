package org.vigil.report.folder;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.vigil.core.model.Level;

/**
 * Counts of events per calendar day (with the highest alert level of each day, when the events
 * are alerts). The number of distinct keys is bounded: past {@link #MAX_KEYS} days the counts are
 * folded into months, then into years, so that a hostile timeline spread over millennia cannot
 * exhaust memory. Not thread-safe; build it, then read it.
 */
public final class DayCounts {
    /** The precision of the keys. */
    public enum Granularity {
        /** Keys are days. */
        DAY,
        /** Keys are the first day of a month. */
        MONTH,
        /** Keys are the first day of a year. */
        YEAR
    }

    static final int MAX_KEYS = 20_000;

    private final int maxKeys;
    private TreeMap<LocalDate, long[]> counts = new TreeMap<>();
    private final TreeMap<LocalDate, Level> highest = new TreeMap<>();
    private Granularity granularity = Granularity.DAY;
    private long total;

    /** Empty counts with the default bound. */
    public DayCounts() {
        this(MAX_KEYS);
    }

    DayCounts(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /**
     * The day of an ISO timestamp ({@code yyyy-MM-dd...}), or null when it does not start with a
     * valid date.
     */
    public static LocalDate dayOf(String timestamp) {
        if (timestamp == null || timestamp.length() < 10) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            char c = timestamp.charAt(i);
            boolean dash = i == 4 || i == 7;
            if (dash ? c != '-' : c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return LocalDate.of(Integer.parseInt(timestamp.substring(0, 4)),
                    Integer.parseInt(timestamp.substring(5, 7)), Integer.parseInt(timestamp.substring(8, 10)));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Counts one event on {@code day}; {@code level} is its alert level, or null for a plain event. */
    public void add(LocalDate day, Level level) {
        add(day, level, 1);
    }

    /** Counts {@code n} events on {@code day}, of alert level {@code level} (null for plain events). */
    public void add(LocalDate day, Level level, long n) {
        if (n <= 0) {
            return;
        }
        LocalDate key = fold(day, granularity);
        counts.computeIfAbsent(key, k -> new long[1])[0] += n;
        total += n;
        if (level != null) {
            highest.merge(key, level, (a, b) -> b.atLeast(a) ? b : a);
        }
        if (counts.size() > maxKeys && granularity != Granularity.YEAR) {
            coarsen(granularity == Granularity.DAY ? Granularity.MONTH : Granularity.YEAR);
        }
    }

    /** Folds the keys to {@code target} (coarser than the current granularity). */
    public void coarsen(Granularity target) {
        if (target.ordinal() <= granularity.ordinal()) {
            return;
        }
        TreeMap<LocalDate, long[]> folded = new TreeMap<>();
        counts.forEach((d, n) -> folded.computeIfAbsent(fold(d, target), k -> new long[1])[0] += n[0]);
        TreeMap<LocalDate, Level> levels = new TreeMap<>();
        highest.forEach((d, l) -> levels.merge(fold(d, target), l, (a, b) -> b.atLeast(a) ? b : a));
        counts = folded;
        highest.clear();
        highest.putAll(levels);
        granularity = target;
    }

    private static LocalDate fold(LocalDate day, Granularity g) {
        return switch (g) {
            case DAY -> day;
            case MONTH -> day.withDayOfMonth(1);
            case YEAR -> day.withDayOfYear(1);
        };
    }

    /** The precision of the keys. */
    public Granularity granularity() {
        return granularity;
    }

    /** Every event counted. */
    public long total() {
        return total;
    }

    /** Events per key, in date order (read-only view). */
    public NavigableMap<LocalDate, Long> counts() {
        TreeMap<LocalDate, Long> m = new TreeMap<>();
        for (Map.Entry<LocalDate, long[]> e : counts.entrySet()) {
            m.put(e.getKey(), e.getValue()[0]);
        }
        return Collections.unmodifiableNavigableMap(m);
    }

    /** The highest alert level per key (keys without alerts are absent). */
    public NavigableMap<LocalDate, Level> highestLevels() {
        return Collections.unmodifiableNavigableMap(new TreeMap<>(highest));
    }

    /** True when nothing was counted. */
    public boolean isEmpty() {
        return total == 0;
    }
}
