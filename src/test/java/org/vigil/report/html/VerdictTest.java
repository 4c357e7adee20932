package org.vigil.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vigil.core.model.Alert;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.IndicatorRef;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleStatus;
import org.vigil.report.folder.AlertSummary;
import org.vigil.report.folder.ModuleCoverage;
import org.vigil.report.folder.ResultFolder;
import org.vigil.report.folder.RunDescription;
import org.vigil.report.folder.TimelineDigest;
import org.vigil.report.html.Verdict.Finding;
import org.vigil.report.html.Verdict.GapKind;
import org.vigil.report.html.Verdict.Outcome;

/** The verdict rules: three outcomes (and the suspicious middle), never more certain than the evidence. */
class VerdictTest {
    private static final IndicatorFileInfo IOCS = new IndicatorFileInfo("/i/pegasus.stix2", "00", 10, Map.of(),
            List.of("Pegasus"), Map.of());

    private static Alert match(Level level, String collection) {
        return new Alert(level, "sms", "match", "2024-01-01 00:00:00.000000", Map.of(),
                new IndicatorRef("bad.example", "domains", collection, "f.stix2"));
    }

    private static Alert heuristic(Level level, String module) {
        return new Alert(level, module, "odd", "", Map.of(), null);
    }

    private static ModuleCoverage mod(String slug, ModuleStatus s, String reason) {
        return new ModuleCoverage(slug, s, reason, 1, 0, 0);
    }

    private static Verdict verdict(List<Alert> alerts, List<ModuleCoverage> coverage, boolean iocs) {
        RunDescription run = new RunDescription("Vigil", "1", "2024-01-02 00:00:00.000000", "check", "/x", "iOS backup",
                Map.of(), iocs ? List.of(IOCS) : List.of(), List.of());
        return Verdict.of(ResultFolder.of(run, coverage, AlertSummary.of(alerts), TimelineDigest.absent()));
    }

    private static final List<ModuleCoverage> ALL_CHECKED = List.of(mod("sms", ModuleStatus.CHECKED, ""),
            mod("safari_history", ModuleStatus.CHECKED, ""));

    @Test
    void indicatorMatchAtCriticalIsKnownSpywareWithItsCollection() {
        Verdict v = verdict(List.of(match(Level.CRITICAL, "Pegasus"), match(Level.CRITICAL, "Pegasus"),
                match(Level.HIGH, "Predator")), ALL_CHECKED, true);
        assertThat(v.outcome()).isEqualTo(Outcome.KNOWN_SPYWARE);
        assertThat(v.collections()).containsExactly(Map.entry("Pegasus", 2L), Map.entry("Predator", 1L));
        assertThat(v.gaps()).isEmpty();
    }

    @Test
    void strongHeuristicWithoutIndicatorIsOnlySuspicious() {
        Verdict v = verdict(List.of(heuristic(Level.HIGH, "datausage"), heuristic(Level.CRITICAL, "shutdown_log")),
                ALL_CHECKED, true);
        assertThat(v.finding()).isEqualTo(Finding.SUSPICIOUS);
        assertThat(v.outcome()).isEqualTo(Outcome.SUSPICIOUS);
        assertThat(v.heuristicModules()).containsExactly("datausage", "shutdown_log");
        assertThat(v.collections()).isEmpty();
    }

    @Test
    void indicatorMatchInWeakEvidenceIsSuspiciousNotSpyware() {
        Verdict v = verdict(List.of(match(Level.MEDIUM, "Pegasus")), ALL_CHECKED, true);
        assertThat(v.outcome()).isEqualTo(Outcome.SUSPICIOUS);
        assertThat(v.weakCollections()).containsOnlyKeys("Pegasus");
    }

    @Test
    void lowerLevelHeuristicsAreNotesOfACleanResult() {
        Verdict v = verdict(List.of(heuristic(Level.MEDIUM, "aqf_settings"), heuristic(Level.LOW, "profile_events"),
                heuristic(Level.INFORMATIONAL, "global_preferences")), ALL_CHECKED, true);
        assertThat(v.outcome()).isEqualTo(Outcome.NOTHING_FOUND);
        assertThat(v.notes()).isEqualTo(3);
    }

    @Test
    void nothingFoundAndEverythingCheckedIsTheCleanOutcome() {
        Verdict v = verdict(List.of(), ALL_CHECKED, true);
        assertThat(v.outcome()).isEqualTo(Outcome.NOTHING_FOUND);
        assertThat(v.incomplete()).isFalse();
    }

    @Test
    void absentDataIsListedButIsNotAGap() {
        List<ModuleCoverage> cov = new ArrayList<>(ALL_CHECKED);
        cov.add(mod("whatsapp", ModuleStatus.NOT_PRESENT, "not installed"));
        Verdict v = verdict(List.of(), cov, true);
        assertThat(v.outcome()).isEqualTo(Outcome.NOTHING_FOUND);
        assertThat(v.notPresent()).extracting(ModuleCoverage::module).containsExactly("whatsapp");
    }

    @Test
    void unreadableOrFailedModulesMakeACleanResultIncomplete() {
        List<ModuleCoverage> cov = new ArrayList<>(ALL_CHECKED);
        cov.add(mod("tcc", ModuleStatus.UNREADABLE, "TCC.db: not an SQLite database"));
        cov.add(mod("calls", ModuleStatus.FAILED, "NullPointerException"));
        Verdict v = verdict(List.of(heuristic(Level.LOW, "x")), cov, true);
        assertThat(v.outcome()).isEqualTo(Outcome.INCOMPLETE);
        assertThat(v.gaps()).containsExactly(new Verdict.Gap(GapKind.UNREADABLE, "tcc", "TCC.db: not an SQLite database"),
                new Verdict.Gap(GapKind.FAILED, "calls", "NullPointerException"));
    }

    @Test
    void spywareFoundStillListsWhatCouldNotBeChecked() {
        List<ModuleCoverage> cov = new ArrayList<>(ALL_CHECKED);
        cov.add(mod("tcc", ModuleStatus.UNREADABLE, "corrupt"));
        Verdict v = verdict(List.of(match(Level.CRITICAL, "Pegasus"), heuristic(Level.HIGH, "datausage")), cov, true);
        assertThat(v.outcome()).isEqualTo(Outcome.KNOWN_SPYWARE);
        assertThat(v.gaps()).extracting(Verdict.Gap::kind).containsExactly(GapKind.UNREADABLE);
        assertThat(v.heuristicModules()).containsExactly("datausage");
    }

    @Test
    void withoutIndicatorsNothingFoundIsIncomplete() {
        Verdict v = verdict(List.of(), ALL_CHECKED, false);
        assertThat(v.outcome()).isEqualTo(Outcome.INCOMPLETE);
        assertThat(v.gaps()).extracting(Verdict.Gap::kind).containsExactly(GapKind.NO_INDICATORS);
    }

    @Test
    void nothingCheckedIsNeverClean() {
        Verdict v = verdict(List.of(), List.of(mod("sms", ModuleStatus.NOT_PRESENT, "")), true);
        assertThat(v.outcome()).isEqualTo(Outcome.INCOMPLETE);
        assertThat(v.gaps()).extracting(Verdict.Gap::kind).containsExactly(GapKind.NOTHING_CHECKED);
    }

    @Test
    void unknownCoverageFromMvtIsIncomplete() {
        Verdict v = verdict(List.of(), null, true);
        assertThat(v.outcome()).isEqualTo(Outcome.INCOMPLETE);
        assertThat(v.gaps()).extracting(Verdict.Gap::kind).containsExactly(GapKind.COVERAGE_UNKNOWN);
    }

    @Test
    void unreadableResultFilesAreGaps() {
        RunDescription run = new RunDescription("Vigil", "1", "", "", "", "", Map.of(), List.of(IOCS), List.of());
        ResultFolder f = new ResultFolder(run, ALL_CHECKED, AlertSummary.of(List.of()), TimelineDigest.absent(),
                new java.util.TreeMap<>(), List.of("alerts.json: Unexpected end-of-input"));
        Verdict v = Verdict.of(f);
        assertThat(v.outcome()).isEqualTo(Outcome.INCOMPLETE);
        assertThat(v.gaps()).containsExactly(new Verdict.Gap(GapKind.RESULTS_UNREADABLE, "", "alerts.json: Unexpected end-of-input"));
    }
}
