package org.vigil.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one module produced in a run.
 *
 * @param slug module slug
 * @param pluginName MVT-style class name (timeline "Plugin" column)
 * @param status checked / not_present / unreadable / failed
 * @param reason why it is not {@code checked} ("" when checked)
 * @param results the records when they were kept in memory: a {@link List}, or a {@link Map} for
 *     modules whose MVT output is one JSON object (e.g. backup_info); null when nothing was
 *     extracted or when the records were streamed to a {@link ResultSink}
 * @param recordCount number of records (list size or object key count)
 * @param alerts alerts raised
 * @param timeline timeline rows kept in memory (deduplicated); empty when they were streamed
 * @param timelineCount number of distinct timeline rows, streamed or not
 * @param urls urls.json entries
 */
public record ModuleOutcome(
        String slug,
        String pluginName,
        ModuleStatus status,
        String reason,
        Object results,
        long recordCount,
        List<Alert> alerts,
        List<TimelineEvent> timeline,
        long timelineCount,
        List<UrlRecord> urls) {
    public ModuleOutcome {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
        alerts = List.copyOf(alerts);
        timeline = List.copyOf(timeline);
        urls = List.copyOf(urls);
    }

    /** An outcome whose records and timeline are all in memory (counts derived). */
    public ModuleOutcome(String slug, String pluginName, ModuleStatus status, String reason, Object results,
            List<Alert> alerts, List<TimelineEvent> timeline, List<UrlRecord> urls) {
        this(slug, pluginName, status, reason, results, sizeOf(results), alerts, timeline, timeline.size(), urls);
    }

    /** An outcome without records (not present, unreadable, failed), with the reason. */
    public static ModuleOutcome without(String slug, String pluginName, ModuleStatus status, String reason) {
        return new ModuleOutcome(slug, pluginName, status, reason, null, 0, List.of(), List.of(), 0, List.of());
    }

    private static long sizeOf(Object results) {
        if (results instanceof List<?> l) {
            return l.size();
        }
        if (results instanceof Map<?, ?> m) {
            return m.size();
        }
        return 0;
    }

    /** True when records are held in memory and there is something to write to {@code <slug>.json}. */
    public boolean hasResults() {
        return results != null && sizeOf(results) > 0;
    }
}
