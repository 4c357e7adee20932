package org.vigil.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.core.model.UrlRecord;
import org.vigil.ioc.IndicatorMatch;

/**
 * What a module returns: its records, alerts, timeline rows and URLs. Built with {@link Builder};
 * timeline rows are deduplicated per module, as MVT does.
 */
public final class ModuleResult {
    private final Object results;
    private final List<Alert> alerts;
    private final List<TimelineEvent> timeline;
    private final List<UrlRecord> urls;

    private ModuleResult(Builder b) {
        this.results = b.objectResults != null ? b.objectResults : List.copyOf(b.records);
        this.alerts = List.copyOf(b.alerts);
        this.timeline = List.copyOf(b.timeline);
        this.urls = List.copyOf(b.urls);
    }

    /** A builder for the module described by {@code descriptor}. */
    public static Builder builder(ModuleDescriptor descriptor) {
        return new Builder(descriptor);
    }

    /** The records: a list, or a map for object-shaped outputs. */
    public Object results() {
        return results;
    }

    public List<Alert> alerts() {
        return alerts;
    }

    public List<TimelineEvent> timeline() {
        return timeline;
    }

    public List<UrlRecord> urls() {
        return urls;
    }

    /** Collects a module's output. Not thread-safe; one per module run. */
    public static final class Builder {
        private final ModuleDescriptor descriptor;
        private final List<Object> records = new ArrayList<>();
        private Map<String, ?> objectResults;
        private final List<Alert> alerts = new ArrayList<>();
        private final Set<TimelineEvent> timeline = new LinkedHashSet<>();
        private final List<UrlRecord> urls = new ArrayList<>();

        private Builder(ModuleDescriptor descriptor) {
            this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
        }

        /** Adds one record (serialised to {@code <slug>.json} as it is, by Jackson). */
        public Builder record(Object record) {
            records.add(Objects.requireNonNull(record, "record"));
            return this;
        }

        /** Number of records added so far. */
        public int recordCount() {
            return objectResults != null ? objectResults.size() : records.size();
        }

        /** Sets object-shaped results (a JSON object rather than a list), e.g. backup_info. */
        public Builder objectResults(Map<String, ?> results) {
            this.objectResults = Objects.requireNonNull(results, "results");
            return this;
        }

        /** Adds a heuristic alert (no indicator). */
        public Builder alert(Level level, String message, String eventTime, Object event) {
            alerts.add(new Alert(level, descriptor.slug(), message, eventTime, event, null));
            return this;
        }

        /** Adds an indicator alert with the match's own message. */
        public Builder alert(Level level, IndicatorMatch match, String eventTime, Object event) {
            return alert(level, match.message(), match, eventTime, event);
        }

        /** Adds an indicator alert with a module-specific message. */
        public Builder alert(Level level, String message, IndicatorMatch match, String eventTime, Object event) {
            alerts.add(new Alert(level, descriptor.slug(), message, eventTime, event,
                    match == null ? null : match.indicator().toRef()));
            return this;
        }

        /** Adds a timeline row for this module (duplicates are dropped). */
        public Builder timeline(String timestamp, String event, String data) {
            timeline.add(new TimelineEvent(timestamp, descriptor.pluginName(), event, data));
            return this;
        }

        /** Adds a urls.json entry. */
        public Builder url(UrlRecord url) {
            urls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        /** The result. */
        public ModuleResult build() {
            return new ModuleResult(this);
        }
    }
}
