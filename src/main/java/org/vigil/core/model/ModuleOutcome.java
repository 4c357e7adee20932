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
 * @param results the records: a {@link List} of records, or a {@link Map} for modules whose MVT
 *     output is one JSON object (e.g. backup_info); null when nothing was extracted
 * @param alerts alerts raised
 * @param timeline timeline rows (deduplicated)
 * @param urls urls.json entries
 */
public record ModuleOutcome(
        String slug,
        String pluginName,
        ModuleStatus status,
        String reason,
        Object results,
        List<Alert> alerts,
        List<TimelineEvent> timeline,
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

    /** Number of records: list size, object key count, 0 when nothing. */
    public int recordCount() {
        if (results instanceof List<?> l) {
            return l.size();
        }
        if (results instanceof Map<?, ?> m) {
            return m.size();
        }
        return 0;
    }

    /** True when there is something to write to {@code <slug>.json}. */
    public boolean hasResults() {
        return recordCount() > 0;
    }
}
