package org.vigil.core.model;

import java.util.Map;

/**
 * One indicator file loaded for a run, for info.json and the report.
 *
 * @param path absolute path
 * @param sha256 digest of the file
 * @param indicatorCount indicators loaded from it
 * @param countsByType indicators per MVT list name (kept sorted by name)
 * @param collections collection (malware/report) names in the file
 * @param skipped patterns skipped (unsupported types), by reason
 */
public record IndicatorFileInfo(
        String path,
        String sha256,
        int indicatorCount,
        Map<String, Integer> countsByType,
        java.util.List<String> collections,
        Map<String, Integer> skipped) {
    public IndicatorFileInfo {
        countsByType = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(countsByType));
        collections = java.util.List.copyOf(collections);
        skipped = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(skipped));
    }
}
