package org.vigil.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.vigil.core.model.Alert;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.InputHash;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.TimelineEvent;
import org.vigil.core.model.UrlRecord;

/**
 * Writes a run's results with MVT's file names and shapes, plus Vigil's coverage.json:
 * {@code <slug>.json}, {@code <slug>_detected.json}, {@code alerts.json},
 * {@code alerts_timeline.csv}, {@code timeline.csv}, {@code urls.json}, {@code info.json},
 * {@code coverage.json}, and the HTML report {@code report.html}. Output bytes depend only on the run's content (and the date in
 * info.json).
 */
public final class OutputWriter {
    /** The files this writer may produce besides per-module files. */
    public static final List<String> FIXED_FILES = List.of("alerts.json", "alerts_timeline.csv",
            "timeline.csv", "urls.json", "info.json", "coverage.json", "report.html");

    private final ObjectMapper mapper = MvtJson.mapper();
    private final ObjectWriter writer = MvtJson.writer(mapper);

    /** Writes every output of {@code run} (whose records are all in memory) into {@code dir}. */
    public List<Path> write(RunResult run, Path dir) throws IOException {
        try (StreamingOutput out = new StreamingOutput(dir)) {
            return out.finish(run);
        }
    }

    /**
     * The run-level files: {@code <slug>_detected.json}, alerts.json, alerts_timeline.csv,
     * urls.json, info.json and coverage.json.
     */
    List<Path> writeRunFiles(RunResult run, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        for (ModuleOutcome o : run.outcomes()) {
            if (!o.alerts().isEmpty()) {
                written.add(json(dir.resolve(o.slug() + "_detected.json"), alertsNode(o.alerts())));
            }
        }
        written.addAll(writeAlerts(run.alerts(), dir));
        List<UrlRecord> urls = new ArrayList<>();
        run.outcomes().forEach(o -> urls.addAll(o.urls()));
        if (!urls.isEmpty()) {
            written.add(json(dir.resolve("urls.json"), urls));
        }
        written.add(json(dir.resolve("info.json"), infoNode(run.info())));
        written.add(json(dir.resolve("coverage.json"), coverageNode(run)));
        return written;
    }

    /** Writes alerts.json (when there are alerts) and alerts_timeline.csv (always). */
    public List<Path> writeAlerts(List<Alert> alerts, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        if (!alerts.isEmpty()) {
            written.add(json(dir.resolve("alerts.json"), alertsNode(alerts)));
        }
        written.add(alertsTimeline(dir.resolve("alerts_timeline.csv"), alerts));
        return written;
    }

    /** Writes {@code <slug>_detected.json} for re-checked alerts. */
    public Path writeDetected(String slug, List<Alert> alerts, Path dir) throws IOException {
        return json(dir.resolve(slug + "_detected.json"), alertsNode(alerts));
    }

    /** MVT's alert JSON shape. */
    public ArrayNode alertsNode(List<Alert> alerts) {
        ArrayNode arr = mapper.createArrayNode();
        for (Alert a : alerts) {
            arr.add(alertNode(a));
        }
        return arr;
    }

    private ObjectNode alertNode(Alert a) {
        ObjectNode n = mapper.createObjectNode();
        n.put("level", a.level().name());
        n.put("module", a.module());
        n.put("message", a.message());
        n.put("event_time", a.eventTime());
        JsonNode event = mapper.valueToTree(a.event());
        JsonNode matched = a.matchedIndicator() == null ? null : mapper.valueToTree(a.matchedIndicator());
        if (event instanceof ObjectNode eo && eo.has("matched_indicator")) {
            // MVT moves a record's own matched_indicator to the alert
            JsonNode nested = eo.remove("matched_indicator");
            if (matched == null && nested != null && !nested.isNull()) {
                matched = nested;
            }
        }
        n.set("event", event);
        n.set("matched_indicator", matched);
        return n;
    }

    private ObjectNode infoNode(RunInfo info) {
        ObjectNode n = mapper.createObjectNode();
        n.put("target_path", info.targetPath());
        n.put("vigil_version", info.vigilVersion());
        n.put("date", info.date());
        n.put("command", info.command());
        n.put("source_kind", info.sourceKind());
        ArrayNode files = n.putArray("ioc_files");
        info.indicatorFiles().forEach(f -> files.add(f.path()));
        ArrayNode details = n.putArray("indicator_files");
        for (IndicatorFileInfo f : info.indicatorFiles()) {
            ObjectNode d = details.addObject();
            d.put("path", f.path());
            d.put("sha256", f.sha256());
            d.put("indicators", f.indicatorCount());
            d.put("updated", f.updated());
            ObjectNode types = d.putObject("types");
            f.countsByType().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> types.put(e.getKey(), e.getValue()));
            ArrayNode cols = d.putArray("collections");
            f.collections().forEach(cols::add);
            if (!f.skipped().isEmpty()) {
                ObjectNode skipped = d.putObject("skipped_patterns");
                f.skipped().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> skipped.put(e.getKey(), e.getValue()));
            }
        }
        ObjectNode device = n.putObject("device");
        info.device().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> device.put(e.getKey(), e.getValue()));
        ArrayNode hashes = n.putArray("hashes");
        for (InputHash h : info.hashes()) {
            hashes.add(mapper.valueToTree(h));
        }
        return n;
    }

    private ObjectNode coverageNode(RunResult run) {
        ObjectNode n = mapper.createObjectNode();
        ObjectNode summary = n.putObject("summary");
        for (Map.Entry<ModuleStatus, Integer> e : run.statusCounts().entrySet()) {
            summary.put(e.getKey().jsonName(), e.getValue());
        }
        ArrayNode modules = n.putArray("modules");
        for (ModuleOutcome o : run.outcomes()) {
            ObjectNode m = modules.addObject();
            m.put("module", o.slug());
            m.put("status", o.status().jsonName());
            m.put("reason", o.reason());
            m.put("records", o.recordCount());
            m.put("alerts", o.alerts().size());
            m.put("timeline_events", o.timelineCount());
        }
        return n;
    }

    Path json(Path file, Object value) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            writer.writeValue(out, value);
        }
        return file;
    }

    private Path alertsTimeline(Path file, List<Alert> alerts) throws IOException {
        List<Alert> timed = new ArrayList<>();
        for (Alert a : alerts) {
            if (!a.eventTime().isEmpty()) {
                timed.add(a);
            }
        }
        timed.sort(Comparator.comparing(Alert::eventTime));
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            CsvWriter csv = new CsvWriter(w);
            csv.row(List.of("Event Time", "Module", "Message", "Event"));
            for (Alert a : timed) {
                JsonNode event = mapper.valueToTree(a.event());
                csv.row(List.of(a.eventTime(), a.module(), a.message(), PythonRepr.of(event)));
            }
        }
        return file;
    }

    /** Levels in ascending order, for summaries. */
    public static List<Level> levels() {
        return List.of(Level.values());
    }
}
