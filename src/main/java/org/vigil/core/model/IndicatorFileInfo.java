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
 * @param updated the latest {@code modified} (else {@code created}) time of the file's STIX objects,
 *     as written there (ISO 8601), or "" when the file has none: the date of the indicator set
 */
public record IndicatorFileInfo(
        String path,
        String sha256,
        int indicatorCount,
        Map<String, Integer> countsByType,
        java.util.List<String> collections,
        Map<String, Integer> skipped,
        String updated) {
    public IndicatorFileInfo {
        updated = updated == null ? "" : updated;
        countsByType = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(countsByType));
        collections = java.util.List.copyOf(collections);
        skipped = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(skipped));
    }

    /** A file whose date is unknown. */
    public IndicatorFileInfo(String path, String sha256, int indicatorCount, Map<String, Integer> countsByType,
            java.util.List<String> collections, Map<String, Integer> skipped) {
        this(path, sha256, indicatorCount, countsByType, collections, skipped, "");
    }
}
