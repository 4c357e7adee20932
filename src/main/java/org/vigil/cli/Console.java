package org.vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleRunner;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunResult;

/** What a check prints: a line per module, then a summary a person can read. */
final class Console implements ModuleRunner.Listener {
    private final PrintWriter out;
    private final boolean quiet;
    private int total;
    private int done;

    Console(PrintWriter out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    void line(String text) {
        if (!quiet) {
            out.println(text);
            out.flush();
        }
    }

    @Override
    public void started(ModuleDescriptor descriptor, int index, int total) {
        this.total = total;
    }

    @Override
    public void finished(ModuleOutcome o, long millis) {
        if (quiet) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        String counter = total > 0 ? String.format("[%" + String.valueOf(total).length() + "d/%d] ", ++done, total) : "";
        sb.append(String.format("  %s%-32s %-12s", counter, o.slug(), o.status().jsonName()));
        if (o.status() == ModuleStatus.CHECKED) {
            sb.append(String.format("%7d record%s", o.recordCount(), o.recordCount() == 1 ? "" : "s"));
            if (!o.alerts().isEmpty()) {
                sb.append(", ").append(alertPhrase(o.alerts()));
            }
        } else {
            sb.append(' ').append(o.reason());
        }
        out.println(sb);
        out.flush();
    }

    private static String alertPhrase(List<Alert> alerts) {
        Level max = Level.INFORMATIONAL;
        for (Alert a : alerts) {
            if (a.level().atLeast(max)) {
                max = a.level();
            }
        }
        return alerts.size() + " alert" + (alerts.size() == 1 ? "" : "s") + " (highest " + max + ")";
    }

    /** The end-of-run summary. */
    void summary(RunResult run, Path outputDir, boolean indicatorsLoaded) {
        if (quiet) {
            return;
        }
        out.println();
        out.println("Summary");
        Map<Level, Integer> counts = run.alertCounts();
        StringBuilder alerts = new StringBuilder("  Alerts:  ");
        List<Level> order = List.of(Level.CRITICAL, Level.HIGH, Level.MEDIUM, Level.LOW, Level.INFORMATIONAL);
        for (int i = 0; i < order.size(); i++) {
            alerts.append(i > 0 ? ", " : "").append(order.get(i)).append(' ').append(counts.get(order.get(i)));
        }
        out.println(alerts);
        Map<ModuleStatus, Integer> st = run.statusCounts();
        out.printf("  Modules: %d checked, %d not present, %d unreadable, %d failed%n",
                st.get(ModuleStatus.CHECKED), st.get(ModuleStatus.NOT_PRESENT),
                st.get(ModuleStatus.UNREADABLE), st.get(ModuleStatus.FAILED));
        for (ModuleOutcome o : run.outcomes()) {
            if (o.status() == ModuleStatus.UNREADABLE || o.status() == ModuleStatus.FAILED) {
                out.printf("  Not checked: %s (%s: %s)%n", o.slug(), o.status().jsonName(), o.reason());
            }
        }
        if (outputDir != null) {
            out.println("  Outputs: " + outputDir);
        } else {
            out.println("  Outputs: none written (use --output DIR to keep the results)");
        }
        out.println();
        for (String line : verdict(run, indicatorsLoaded)) {
            out.println(line);
        }
        out.flush();
    }

    /** The plain-language meaning of the result; never more certain than the evidence. */
    static List<String> verdict(RunResult run, boolean indicatorsLoaded) {
        Map<ModuleStatus, Integer> st = run.statusCounts();
        int incomplete = st.get(ModuleStatus.UNREADABLE) + st.get(ModuleStatus.FAILED);
        Level max = run.highestLevel();
        List<String> lines = new java.util.ArrayList<>();
        if (max != null && max.atLeast(Level.HIGH)) {
            lines.add("Vigil found traces that match known spyware indicators or strong heuristics (see alerts.json).");
            lines.add("This is not proof of infection: only an expert review of the alerts can confirm it.");
            lines.add("Seek expert help, e.g. Amnesty International's Security Lab or Access Now's Digital Security Helpline.");
        } else {
            if (incomplete > 0) {
                lines.add("No severe alert in what could be checked, but " + incomplete + " module"
                        + (incomplete == 1 ? "" : "s") + " could not be checked: the result is incomplete.");
            } else {
                lines.add("No severe alert in what could be checked.");
            }
            if (max != null) {
                lines.add("Lower-level alerts are context or weak signals; review them in alerts.json.");
            }
            lines.add("This does not prove the device is clean: indicators cover known campaigns only,"
                    + " and spyware can erase its traces.");
        }
        if (!indicatorsLoaded) {
            lines.add("No indicators were loaded, so only heuristics ran: run `vigil iocs update` or pass --iocs FILE.");
        }
        return lines;
    }
}
