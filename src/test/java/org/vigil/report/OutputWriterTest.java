package org.vigil.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.model.Alert;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.IndicatorRef;
import org.vigil.core.model.InputHash;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.TimelineEvent;
import org.vigil.core.model.UrlRecord;

class OutputWriterTest {
    @TempDir
    Path tmp;

    private static RunResult sample() {
        Map<String, Object> sms = new LinkedHashMap<>();
        sms.put("text", "Visit https://bad.example.org/x");
        sms.put("isodate", "2019-08-29 23:13:30.000000");
        Alert critical = new Alert(Level.CRITICAL, "sms", "Found a sub-domain with a suspicious top level",
                "2019-08-29 23:13:30.000000", sms, new IndicatorRef("example.org", "domains", "TestMalware", "t.stix2"));
        Alert untimed = new Alert(Level.INFORMATIONAL, "global_preferences", "Lockdown mode enabled", "", Map.of("entry", "LDMGlobalEnabled"), null);
        ModuleOutcome smsOut = new ModuleOutcome("sms", "SMS", ModuleStatus.CHECKED, "", List.of(sms), List.of(critical),
                List.of(new TimelineEvent("2019-08-29 23:13:30.000000", "SMS", "sms_received", "x")),
                List.of(new UrlRecord("https://bad.example.org/x", null, "2019-08-29 23:13:30.000000", "sms")));
        ModuleOutcome prefs = new ModuleOutcome("global_preferences", "GlobalPreferences", ModuleStatus.CHECKED, "",
                List.of(Map.of("entry", "LDMGlobalEnabled", "value", true)), List.of(untimed),
                List.of(new TimelineEvent("2018-01-01 00:00:00.000000", "GlobalPreferences", "e", "earlier")), List.of());
        ModuleOutcome missing = new ModuleOutcome("calls", "Calls", ModuleStatus.NOT_PRESENT, "CallHistory.storedata not in the backup",
                null, List.of(), List.of(), List.of());
        ModuleOutcome broken = new ModuleOutcome("tcc", "TCC", ModuleStatus.UNREADABLE, "TCC.db: not an SQLite database",
                null, List.of(), List.of(), List.of());
        RunInfo info = new RunInfo("ios check-backup", "/evidence/backup", "iOS backup", "0.1.0", "2026-01-01 10:00:00.000000",
                List.of(new IndicatorFileInfo("/iocs/t.stix2", "ab", 9, Map.of("domains", 2, "urls", 1), List.of("TestMalware"), Map.of())),
                List.of(new InputHash("/evidence/backup/Manifest.db", "cd")), Map.of("Product Version", "14.3"), false);
        return new RunResult(info, List.of(smsOut, prefs, missing, broken));
    }

    @Test
    void writesMvtFilesAndCoverage() throws Exception {
        new OutputWriter().write(sample(), tmp);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "alerts.json", "alerts_timeline.csv", "coverage.json", "global_preferences.json",
                    "global_preferences_detected.json", "info.json", "report.html", "sms.json", "sms_detected.json",
                    "timeline.csv", "urls.json");
        }
        ObjectMapper m = new ObjectMapper();
        JsonNode alerts = m.readTree(tmp.resolve("alerts.json").toFile());
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).get("level").asText()).isEqualTo("CRITICAL");
        assertThat(alerts.get(0).get("module").asText()).isEqualTo("sms");
        assertThat(alerts.get(0).get("event").get("text").asText()).startsWith("Visit");
        assertThat(alerts.get(0).get("matched_indicator").get("stix2_file_name").asText()).isEqualTo("t.stix2");
        assertThat(alerts.get(1).get("matched_indicator").isNull()).isTrue();
        assertThat(alerts.get(1).get("event_time").asText()).isEmpty();

        List<String> timeline = Files.readAllLines(tmp.resolve("timeline.csv"), StandardCharsets.UTF_8);
        assertThat(timeline).containsExactly("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"",
                "\"2018-01-01 00:00:00.000000\",\"GlobalPreferences\",\"e\",\"earlier\"",
                "\"2019-08-29 23:13:30.000000\",\"SMS\",\"sms_received\",\"x\"");
        List<String> alertsTimeline = Files.readAllLines(tmp.resolve("alerts_timeline.csv"));
        assertThat(alertsTimeline).hasSize(2); // header + the one alert with a time
        assertThat(alertsTimeline.get(1)).isEqualTo("\"2019-08-29 23:13:30.000000\",\"sms\","
                + "\"Found a sub-domain with a suspicious top level\","
                + "\"{'text': 'Visit https://bad.example.org/x', 'isodate': '2019-08-29 23:13:30.000000'}\"");

        JsonNode urls = m.readTree(tmp.resolve("urls.json").toFile());
        assertThat(urls.get(0).has("expanded_url")).isTrue();
        assertThat(urls.get(0).get("expanded_url").isNull()).isTrue();
        assertThat(urls.get(0).get("source").asText()).isEqualTo("sms");

        JsonNode cov = m.readTree(tmp.resolve("coverage.json").toFile());
        assertThat(cov.get("summary").get("checked").asInt()).isEqualTo(2);
        assertThat(cov.get("summary").get("not_present").asInt()).isEqualTo(1);
        assertThat(cov.get("summary").get("unreadable").asInt()).isEqualTo(1);
        assertThat(cov.get("modules").get(3).get("status").asText()).isEqualTo("unreadable");
        assertThat(cov.get("modules").get(3).get("reason").asText()).isEqualTo("TCC.db: not an SQLite database");
        assertThat(cov.get("modules").get(0).get("records").asInt()).isEqualTo(1);

        JsonNode info = m.readTree(tmp.resolve("info.json").toFile());
        assertThat(info.get("target_path").asText()).isEqualTo("/evidence/backup");
        assertThat(info.get("ioc_files").get(0).asText()).isEqualTo("/iocs/t.stix2");
        assertThat(info.get("indicator_files").get(0).get("sha256").asText()).isEqualTo("ab");
        assertThat(info.get("hashes").get(0).get("file_path").asText()).isEqualTo("/evidence/backup/Manifest.db");
    }

    @Test
    void sameRunGivesSameBytes() throws Exception {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        new OutputWriter().write(sample(), a);
        new OutputWriter().write(sample(), b);
        try (Stream<Path> s = Files.list(a)) {
            for (Path p : s.toList()) {
                assertThat(Files.readAllBytes(b.resolve(p.getFileName()))).as(p.getFileName().toString())
                        .isEqualTo(Files.readAllBytes(p));
            }
        }
    }

    @Test
    void noAlertsMeansNoAlertsJsonButAnAlertsTimeline() throws Exception {
        RunResult r = new RunResult(sample().info(), List.of());
        new OutputWriter().write(r, tmp);
        assertThat(tmp.resolve("alerts.json")).doesNotExist();
        assertThat(tmp.resolve("timeline.csv")).doesNotExist();
        assertThat(Files.readAllLines(tmp.resolve("alerts_timeline.csv"))).containsExactly("\"Event Time\",\"Module\",\"Message\",\"Event\"");
    }
}
