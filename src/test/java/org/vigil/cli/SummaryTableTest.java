package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;

/** The summary table, the module line and the JSON summary, from hand-made results. */
class SummaryTableTest {
    static RunResult run() {
        List<ModuleOutcome> outcomes = new ArrayList<>();
        outcomes.add(checked("sms", Level.CRITICAL, Level.CRITICAL, Level.LOW));
        outcomes.add(checked("datausage", Level.HIGH));
        outcomes.add(checked("tcc"));
        outcomes.add(ModuleOutcome.without("whatsapp", "WhatsApp", ModuleStatus.NOT_PRESENT, "ChatStorage.sqlite not found"));
        outcomes.add(ModuleOutcome.without("calls", "Calls", ModuleStatus.UNREADABLE,
                "CallHistory.storedata: file is not a database"));
        outcomes.add(ModuleOutcome.without("shortcuts", "Shortcuts", ModuleStatus.FAILED,
                "NullPointerException: \u001b[31mred\u001b[0m\nnext"));
        RunInfo info = new RunInfo("ios check-backup", "/cases/42/backup", "iOS backup", "0.1.0",
                "2026-01-02 03:04:05.000000", List.of(), List.of(), Map.of(), false);
        return new RunResult(info, outcomes);
    }

    private static ModuleOutcome checked(String slug, Level... levels) {
        List<Alert> alerts = new ArrayList<>();
        for (Level l : levels) {
            alerts.add(new Alert(l, slug, "m", null, null, null));
        }
        return new ModuleOutcome(slug, slug, ModuleStatus.CHECKED, "", List.of(), alerts, List.of(), List.of());
    }

    @Test
    void rendersAlertsBesideModulesThenWhatWasNotCheckedAndWhere() {
        List<String> lines = SummaryTable.render(run(), Path.of("/cases/42/results"),
                Path.of("/cases/42/results/report.html"), Style.of(false));
        assertThat(lines).containsExactly(
                "Summary",
                "  Alerts by level             Modules by status",
                "    CRITICAL           2      checked            3",
                "    HIGH               1      not present        1",
                "    MEDIUM             0      unreadable         1",
                "    LOW                1      failed             1",
                "    INFORMATIONAL      0",
                "    total              4      total              6",
                "",
                "  Not checked (2):",
                "    calls      unreadable  CallHistory.storedata: file is not a database",
                "    shortcuts  failed      NullPointerException: \\u001b[31mred\\u001b[0m\\u000anext",
                "  Outputs: /cases/42/results",
                "  Report:  /cases/42/results/report.html");
    }

    @Test
    void saysWhenNothingWasWrittenAndOmitsAbsentSections() {
        RunResult clean = new RunResult(run().info(), List.of(checked("tcc")));
        List<String> lines = SummaryTable.render(clean, null, null, Style.of(false));
        assertThat(lines).doesNotContain("  Not checked (0):").noneMatch(l -> l.startsWith("  Report:"));
        assertThat(lines).contains("  Outputs: none written (use --output DIR to keep the results)",
                "    total              0      total              1");
    }

    @Test
    void colourKeepsTheColumnsAligned() {
        List<String> plain = SummaryTable.render(run(), null, null, Style.of(false));
        List<String> colour = SummaryTable.render(run(), null, null, Style.of(true));
        assertThat(String.join("\n", colour)).contains("\u001b[");
        for (int i = 0; i < plain.size(); i++) {
            assertThat(colour.get(i).replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain.get(i));
        }
        // device-derived text cannot inject its own escape sequences
        assertThat(String.join("\n", colour)).doesNotContain("\u001b[31mred");
    }

    @Test
    void moduleLineHasStatusRecordsAlertsAndTime() {
        ModuleOutcome sms = checked("sms", Level.CRITICAL, Level.LOW);
        assertThat(Console.moduleLine(sms, 1234, 3, 28, Style.of(false))).isEqualTo(
                "  [ 3/28] sms                              checked             0 records, 2 alerts (highest CRITICAL)"
                        + "  1.2 s");
        ModuleOutcome calls = ModuleOutcome.without("calls", "Calls", ModuleStatus.UNREADABLE, "not a database");
        assertThat(Console.moduleLine(calls, -1, 0, 0, Style.of(false)))
                .isEqualTo("  calls                            unreadable  not a database");
    }

    @Test
    void jsonSummaryListsWhatWasNotCheckedAndTheVerdict() {
        Map<String, Object> m = JsonSummary.map(new JsonSummary.Facts("ios check-backup", Path.of("/cases/42/backup"),
                Path.of("/cases/42/results"), null, run(), Level.HIGH, ExitCodes.ALERTS_FOUND, null));
        assertThat(m.get("verdict")).isEqualTo("suspicious_signs"); // heuristic alerts, no indicator
        assertThat(m.get("highest_level")).isEqualTo("CRITICAL");
        assertThat(m.get("exit_code")).isEqualTo(11);
        assertThat(m.get("fail_on")).isEqualTo("HIGH");
        assertThat(m.get("modules")).isEqualTo(Map.of("total", 6, "checked", 3, "not_present", 1, "unreadable", 1,
                "failed", 1));
        assertThat(m.get("alerts")).isEqualTo(Map.of("total", 4, "critical", 2, "high", 1, "medium", 0, "low", 1,
                "informational", 0));
        assertThat(m.get("not_checked")).isEqualTo(List.of(
                Map.of("module", "calls", "status", "unreadable", "reason", "CallHistory.storedata: file is not a database"),
                Map.of("module", "shortcuts", "status", "failed", "reason",
                        "NullPointerException: \u001b[31mred\u001b[0m\nnext")));
    }

    @Test
    void verdictIsIncompleteWhenNothingSevereButSomethingUnread() {
        RunResult run = run();
        List<ModuleOutcome> mild = run.outcomes().stream()
                .filter(o -> !o.slug().equals("sms") && !o.slug().equals("datausage")).toList();
        assertThat(JsonSummary.verdict(new RunResult(run.info(), mild))).isEqualTo("incomplete");
        assertThat(JsonSummary.verdict(new RunResult(run.info(), List.of(checked("sms", Level.MEDIUM)))))
                .isEqualTo("nothing_found");
        assertThat(Console.exitCode(run, null)).isZero();
        assertThat(Console.exitCode(run, Level.CRITICAL)).isEqualTo(ExitCodes.ALERTS_FOUND);
        assertThat(Console.exitCode(new RunResult(run.info(), mild), Level.INFORMATIONAL)).isZero();
    }
}
