package org.vigil.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunResult;

/**
 * The end-of-run table: alerts by level beside modules by status, the modules that could not be
 * checked with their reasons, and where the outputs and the report are. Pure: lines in, no I/O.
 *
 * <pre>
 * Summary
 *   Alerts by level          Modules by status
 *     CRITICAL          3      checked           25
 *     HIGH              2      not present        2
 *     MEDIUM            1      unreadable         1
 *     LOW               1      failed             0
 *     INFORMATIONAL     0
 *     total             7      total             28
 *
 *   Not checked (1):
 *     sms_attachments  unreadable  no table attachment in sms.db
 *   Outputs: /cases/42/results
 *   Report:  /cases/42/results/report.html
 * </pre>
 */
final class SummaryTable {
    /** Alert levels, highest first. */
    static final List<Level> LEVELS = List.of(Level.CRITICAL, Level.HIGH, Level.MEDIUM, Level.LOW,
            Level.INFORMATIONAL);
    private static final int NAME = 14;
    private static final int NUMBER = 6;
    private static final int LEFT = 4 + NAME + NUMBER + 6;

    private SummaryTable() {}

    /**
     * The table's lines.
     *
     * @param run the run
     * @param outputDir where the outputs were written, or null when none were
     * @param report the HTML report, or null when there is none
     * @param style colours (or none)
     */
    static List<String> render(RunResult run, Path outputDir, Path report, Style style) {
        Map<Level, Integer> alerts = run.alertCounts();
        Map<ModuleStatus, Integer> modules = run.statusCounts();
        List<String[]> left = new ArrayList<>();
        int alertTotal = 0;
        for (Level l : LEVELS) {
            int n = alerts.get(l);
            alertTotal += n;
            left.add(cell(l.name(), n, n > 0 ? style.level(l, pad(l.name())) : pad(l.name())));
        }
        left.add(cell("total", alertTotal, style.bold(pad("total"))));
        List<String[]> right = new ArrayList<>();
        int moduleTotal = 0;
        for (ModuleStatus s : ModuleStatus.values()) {
            int n = modules.get(s);
            moduleTotal += n;
            String name = label(s);
            right.add(cell(name, n, n > 0 && s != ModuleStatus.NOT_PRESENT ? style.status(s, pad(name)) : pad(name)));
        }
        List<String> lines = new ArrayList<>();
        lines.add(style.bold("Summary"));
        lines.add(padRight("  Alerts by level", LEFT) + "Modules by status");
        int rows = Math.max(left.size(), right.size() + 1);
        for (int i = 0; i < rows; i++) {
            boolean last = i == rows - 1;
            String l = i < left.size() ? left.get(i)[1] : "";
            String lPlain = i < left.size() ? left.get(i)[0] : "";
            String r = last ? cell("total", moduleTotal, style.bold(pad("total")))[1]
                    : i < right.size() ? right.get(i)[1] : "";
            String row = "    " + l + " ".repeat(Math.max(0, LEFT - 4 - lPlain.length())) + r;
            lines.add(row.stripTrailing());
        }
        List<ModuleOutcome> notChecked = run.outcomes().stream()
                .filter(o -> o.status() == ModuleStatus.UNREADABLE || o.status() == ModuleStatus.FAILED).toList();
        lines.add("");
        if (!notChecked.isEmpty()) {
            lines.add("  Not checked (" + notChecked.size() + "):");
            int slug = notChecked.stream().mapToInt(o -> Style.clean(o.slug()).length()).max().orElse(0);
            for (ModuleOutcome o : notChecked) {
                String name = Style.clean(o.slug());
                lines.add("    " + name + " ".repeat(slug - name.length()) + "  "
                        + style.status(o.status(), padRight(o.status().jsonName(), 10)) + "  " + Style.clean(o.reason()));
            }
        }
        lines.add(outputDir == null ? "  Outputs: none written (use --output DIR to keep the results)"
                : "  Outputs: " + Style.clean(outputDir.toString()));
        if (report != null) {
            lines.add("  Report:  " + style.bold(report.toString()));
        }
        return lines;
    }

    /** The status as a person reads it ({@code not present}). */
    static String label(ModuleStatus s) {
        return s.jsonName().replace('_', ' ');
    }

    /** {plain text, styled text} of a "name  count" cell. */
    private static String[] cell(String name, int count, String styledName) {
        String number = String.format(Locale.ROOT, "%" + NUMBER + "d", count);
        return new String[] {pad(name) + number, styledName + number};
    }

    private static String pad(String name) {
        return padRight(name, NAME);
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
