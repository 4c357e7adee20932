package org.vigil.report.folder;

import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A result folder read back for the report.
 *
 * @param run what info.json says
 * @param coverage coverage.json's modules in run order, or null when the folder has none (MVT)
 * @param alerts every alert, counted, and a bounded number kept
 * @param timeline timeline.csv, counted, and a bounded number of rows kept
 * @param resultFiles records per {@code <slug>.json} file found (slug to count; -1 when unreadable)
 * @param problems files that could not be read, each naming the file and the cause
 */
public record ResultFolder(RunDescription run, List<ModuleCoverage> coverage, AlertSummary alerts,
        TimelineDigest timeline, SortedMap<String, Long> resultFiles, List<String> problems) {
    public ResultFolder {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(timeline, "timeline");
        coverage = coverage == null ? null : List.copyOf(coverage);
        resultFiles = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(resultFiles));
        problems = List.copyOf(problems);
    }

    /** A folder built in memory (tests, or a caller holding the parts). */
    public static ResultFolder of(RunDescription run, List<ModuleCoverage> coverage, AlertSummary alerts,
            TimelineDigest timeline) {
        return new ResultFolder(run, coverage, alerts, timeline, new TreeMap<>(), List.of());
    }

    /** True when the folder says which modules were checked. */
    public boolean coverageKnown() {
        return coverage != null;
    }
}
