package org.vigil.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.TimelineEvent;
import org.vigil.core.model.UrlRecord;
import org.vigil.ioc.IndicatorMatch;

/**
 * What a module returns: its records, alerts, timeline rows and URLs. Built with a
 * {@link Builder}: in a run, from {@link ModuleContext#newResult(ModuleDescriptor)}, which streams
 * records and timeline rows to the run's outputs as they come; elsewhere (tests, re-checks) from
 * {@link #builder(ModuleDescriptor)}, which keeps everything in memory. Timeline rows are
 * deduplicated per module, as MVT does.
 */
public final class ModuleResult {
    private final Object results;
    private final long recordCount;
    private final List<Alert> alerts;
    private final List<TimelineEvent> timeline;
    private final long timelineCount;
    private final List<UrlRecord> urls;

    private ModuleResult(Builder b, long timelineCount) {
        if (b.objectResults != null) {
            this.results = b.objectResults;
            this.recordCount = b.objectResults.size();
        } else {
            this.results = b.records == null ? null : List.copyOf(b.records);
            this.recordCount = b.recordCount;
        }
        this.alerts = List.copyOf(b.alerts);
        this.timeline = b.timeline == null ? List.of() : List.copyOf(b.timeline);
        this.timelineCount = b.timeline == null ? timelineCount : b.timeline.size();
        this.urls = List.copyOf(b.urls);
    }

    /** A builder that keeps every record and timeline row in memory. */
    public static Builder builder(ModuleDescriptor descriptor) {
        return new Builder(descriptor, null, true);
    }

    /**
     * A builder that sends records and timeline rows to {@code sink} as they come.
     *
     * @param retain also keep the records in memory (for modules other modules depend on)
     */
    public static Builder streaming(ModuleDescriptor descriptor, ResultSink sink, boolean retain) {
        return new Builder(descriptor, Objects.requireNonNull(sink, "sink"), retain);
    }

    /** The records kept in memory (a list, or a map for object-shaped outputs), or null when streamed. */
    public Object results() {
        return results;
    }

    /** Number of records produced, streamed or not. */
    public long recordCount() {
        return recordCount;
    }

    public List<Alert> alerts() {
        return alerts;
    }

    /** Timeline rows kept in memory; empty when they were streamed. */
    public List<TimelineEvent> timeline() {
        return timeline;
    }

    /** Number of distinct timeline rows, streamed or not. */
    public long timelineCount() {
        return timelineCount;
    }

    public List<UrlRecord> urls() {
        return urls;
    }

    /** Collects a module's output. Not thread-safe; one per module run. */
    public static final class Builder {
        private final ModuleDescriptor descriptor;
        private final ResultSink sink;
        private final List<Object> records;
        private long recordCount;
        private Map<String, ?> objectResults;
        private final List<Alert> alerts = new ArrayList<>();
        private final Set<TimelineEvent> timeline;
        private final List<UrlRecord> urls = new ArrayList<>();
        private boolean built;
        private Progress.Step progress = Progress.Step.NONE;

        private Builder(ModuleDescriptor descriptor, ResultSink sink, boolean retain) {
            this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
            this.sink = sink;
            this.records = retain ? new ArrayList<>() : null;
            this.timeline = sink == null ? new LinkedHashSet<>() : null;
        }

        /** Adds one record (serialised to {@code <slug>.json} as it is, by Jackson). */
        public Builder record(Object record) {
            Objects.requireNonNull(record, "record");
            if (sink != null) {
                sink.record(record);
            }
            if (records != null) {
                records.add(record);
            }
            recordCount++;
            progress.advance(1);
            return this;
        }

        /** Reports each record added to {@code step} (set by {@link ModuleContext#newResult}). */
        Builder progress(Progress.Step step) {
            this.progress = Objects.requireNonNull(step, "step");
            return this;
        }

        /** Number of records added so far. */
        public long recordCount() {
            return objectResults != null ? objectResults.size() : recordCount;
        }

        /**
         * Sets object-shaped results (a JSON object rather than a list), e.g. backup_info. They are
         * always kept in memory (such outputs are small).
         */
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
            TimelineEvent row = new TimelineEvent(timestamp, descriptor.pluginName(), event, data);
            if (sink != null) {
                sink.timeline(row);
            } else {
                timeline.add(row);
            }
            return this;
        }

        /** Adds a urls.json entry. */
        public Builder url(UrlRecord url) {
            urls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        /** The result; with a sink, completes the module's streamed outputs. Call once. */
        public ModuleResult build() {
            if (built) {
                throw new IllegalStateException("build() called twice for " + descriptor.slug());
            }
            built = true;
            long rows = sink != null ? sink.finish() : timeline.size();
            return new ModuleResult(this, rows);
        }
    }
}
