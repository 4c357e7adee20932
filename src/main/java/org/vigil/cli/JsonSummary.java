package org.vigil.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vigil.core.VigilVersion;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunResult;

/**
 * The object {@code --json-summary} prints on standard output at the end of a check, for scripts.
 * Its keys are stable and always present (null when unknown) and documented in
 * {@code docs/console.md}; new keys may be added, none removed or renamed without a new
 * {@value #SCHEMA} .
 */
final class JsonSummary {
    /** Version of the summary's shape. */
    static final int SCHEMA = 1;

    /** What is known about the check when it ends (result null when it failed before running). */
    record Facts(String command, Path input, Path output, Path report, RunResult result, Level failOn,
            int exitCode, String error) {}

    private JsonSummary() {}

    /** The verdict key: {@code traces_found}, {@code incomplete}, {@code nothing_found}. */
    static String verdict(RunResult run) {
        // the same classification as report.html's verdict (org.vigil.report.html.Verdict)
        org.vigil.report.folder.AlertSummary alerts = alertSummary(run);
        if (alerts.strongMatches() > 0) {
            return "traces_found";
        }
        if (alerts.strongHeuristics() > 0 || alerts.weakMatches() > 0) {
            return "suspicious_signs";
        }
        Map<ModuleStatus, Integer> st = run.statusCounts();
        return st.get(ModuleStatus.UNREADABLE) + st.get(ModuleStatus.FAILED) > 0 ? "incomplete" : "nothing_found";
    }

    /** The run's alerts counted as report.html counts them (indicator matches vs heuristics). */
    static org.vigil.report.folder.AlertSummary alertSummary(RunResult run) {
        org.vigil.report.folder.AlertSummary s = new org.vigil.report.folder.AlertSummary(0);
        run.alerts().forEach(s::add);
        return s;
    }

    /** The summary as a map in key order. */
    static Map<String, Object> map(Facts f) {
        Map<String, Object> m = new LinkedHashMap<>();
        RunResult run = f.result();
        m.put("summary_schema", SCHEMA);
        m.put("vigil_version", VigilVersion.get());
        m.put("command", f.command());
        m.put("input", f.input() == null ? null : f.input().toString());
        m.put("source_kind", run == null ? null : run.info().sourceKind());
        m.put("output", f.output() == null ? null : f.output().toString());
        m.put("report", f.report() == null ? null : f.report().toString());
        Map<String, Object> modules = new LinkedHashMap<>();
        Map<String, Object> alerts = new LinkedHashMap<>();
        List<Map<String, Object>> notChecked = new ArrayList<>();
        Map<String, Object> indicators = new LinkedHashMap<>();
        if (run != null) {
            Map<ModuleStatus, Integer> st = run.statusCounts();
            modules.put("total", run.outcomes().size());
            for (ModuleStatus s : ModuleStatus.values()) {
                modules.put(s.jsonName(), st.get(s));
            }
            for (ModuleOutcome o : run.outcomes()) {
                if (o.status() == ModuleStatus.UNREADABLE || o.status() == ModuleStatus.FAILED) {
                    Map<String, Object> n = new LinkedHashMap<>();
                    n.put("module", o.slug());
                    n.put("status", o.status().jsonName());
                    n.put("reason", o.reason());
                    notChecked.add(n);
                }
            }
            Map<Level, Integer> counts = run.alertCounts();
            alerts.put("total", run.alerts().size());
            for (Level l : SummaryTable.LEVELS) {
                alerts.put(l.name().toLowerCase(Locale.ROOT), counts.get(l));
            }
            indicators.put("files", run.info().indicatorFiles().size());
            indicators.put("count", run.info().indicatorFiles().stream()
                    .mapToLong(IndicatorFileInfo::indicatorCount).sum());
        }
        m.put("modules", run == null ? null : modules);
        m.put("not_checked", run == null ? null : notChecked);
        m.put("alerts", run == null ? null : alerts);
        Level max = run == null ? null : run.highestLevel();
        m.put("highest_level", max == null ? null : max.name());
        m.put("indicators", run == null ? null : indicators);
        m.put("verdict", run == null ? null : verdict(run));
        m.put("fail_on", f.failOn() == null ? null : f.failOn().name());
        m.put("exit_code", f.exitCode());
        m.put("error", f.error());
        return m;
    }

    /** The summary as one line of JSON. */
    static String json(Facts f) {
        try {
            return new ObjectMapper().writeValueAsString(map(f));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON summary", e);
        }
    }
}
