package org.vigil.report.folder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vigil.core.model.Alert;
import org.vigil.core.model.IndicatorRef;
import org.vigil.core.model.Level;

/**
 * Every alert of a run counted exactly (per level, with or without an indicator, per day), and a
 * bounded number of them kept for display: when there are more than the bound, the highest levels
 * are kept. Not thread-safe; build it with {@link #add}, then read it.
 */
public final class AlertSummary {
    /** Default number of alerts kept for display. */
    public static final int DEFAULT_KEPT = 2_000;
    private static final int MAX_NAMES = 200;

    private final int keep;
    private final EnumMap<Level, List<Alert>> kept = new EnumMap<>(Level.class);
    private int keptCount;
    private long total;
    private long untimed;
    private final EnumMap<Level, Long> counts = new EnumMap<>(Level.class);
    private final TreeMap<String, Long> spywareCollections = new TreeMap<>();
    private final TreeMap<String, Long> weakCollections = new TreeMap<>();
    private final TreeSet<String> heuristicModules = new TreeSet<>();
    private long strongMatches;
    private long weakMatches;
    private long strongHeuristics;
    private final DayCounts days = new DayCounts();

    /** An empty summary keeping {@link #DEFAULT_KEPT} alerts. */
    public AlertSummary() {
        this(DEFAULT_KEPT);
    }

    /** An empty summary keeping at most {@code keep} alerts for display. */
    public AlertSummary(int keep) {
        this.keep = keep;
        for (Level l : Level.values()) {
            counts.put(l, 0L);
            kept.put(l, new ArrayList<>());
        }
    }

    /** A summary of {@code alerts}. */
    public static AlertSummary of(List<Alert> alerts) {
        AlertSummary s = new AlertSummary();
        alerts.forEach(s::add);
        return s;
    }

    /**
     * The collection an indicator belongs to, as shown to a reader: its collection (malware or
     * report) name, else its file name, else "".
     */
    public static String collectionOf(IndicatorRef ref) {
        if (ref.name() != null && !ref.name().isBlank()) {
            return ref.name().strip();
        }
        return ref.stix2FileName() == null ? "" : ref.stix2FileName().strip();
    }

    /** Counts one alert, and keeps it for display if the bound allows. */
    public void add(Alert a) {
        total++;
        counts.merge(a.level(), 1L, Long::sum);
        boolean strong = a.level().atLeast(Level.HIGH);
        if (a.matchedIndicator() != null) {
            String c = collectionOf(a.matchedIndicator());
            if (strong) {
                strongMatches++;
                addName(spywareCollections, c);
            } else {
                weakMatches++;
                addName(weakCollections, c);
            }
        } else if (strong) {
            strongHeuristics++;
            if (heuristicModules.size() < MAX_NAMES) {
                heuristicModules.add(a.module());
            }
        }
        java.time.LocalDate day = DayCounts.dayOf(a.eventTime());
        if (day == null) {
            untimed++;
        } else {
            days.add(day, a.level());
        }
        keep(a);
    }

    private static void addName(TreeMap<String, Long> names, String name) {
        if (names.size() < MAX_NAMES || names.containsKey(name)) {
            names.merge(name, 1L, Long::sum);
        }
    }

    private void keep(Alert a) {
        if (keptCount < keep) {
            kept.get(a.level()).add(a);
            keptCount++;
            return;
        }
        for (Level l : Level.values()) {
            if (l == a.level() || !a.level().atLeast(l)) {
                return; // nothing kept is lower than this alert
            }
            List<Alert> lower = kept.get(l);
            if (!lower.isEmpty()) {
                lower.remove(lower.size() - 1);
                kept.get(a.level()).add(a);
                return;
            }
        }
    }

    /** Every alert counted. */
    public long total() {
        return total;
    }

    /** Alerts without a usable time. */
    public long untimed() {
        return untimed;
    }

    /** Alerts per level (every level present). */
    public Map<Level, Long> counts() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /** Indicator matches at HIGH or CRITICAL. */
    public long strongMatches() {
        return strongMatches;
    }

    /** Indicator matches below HIGH (the module judged the evidence weak). */
    public long weakMatches() {
        return weakMatches;
    }

    /** Alerts at HIGH or CRITICAL without an indicator (heuristics). */
    public long strongHeuristics() {
        return strongHeuristics;
    }

    /** Collections matched at HIGH or CRITICAL, with their alert counts. */
    public SortedMap<String, Long> spywareCollections() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(spywareCollections));
    }

    /** Collections matched only below HIGH, with their alert counts. */
    public SortedMap<String, Long> weakCollections() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(weakCollections));
    }

    /** Modules that raised HIGH or CRITICAL alerts without an indicator. */
    public SortedSet<String> heuristicModules() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(heuristicModules));
    }

    /** Alerts per day, with the highest level of each day. */
    public DayCounts days() {
        return days;
    }

    /**
     * The alerts kept for display: highest level first, then by time (untimed last), module and
     * message; at most the bound given at construction.
     */
    public List<Alert> shown() {
        List<Alert> all = new ArrayList<>(keptCount);
        for (Level l : Level.values()) {
            all.addAll(kept.get(l));
        }
        all.sort(Comparator.comparing((Alert a) -> -a.level().value())
                .thenComparing(a -> a.eventTime().isEmpty() ? "\uffff" : a.eventTime())
                .thenComparing(Alert::module).thenComparing(Alert::message));
        return all;
    }

    /** Alerts counted but not kept for display. */
    public long notShown() {
        return total - keptCount;
    }
}
