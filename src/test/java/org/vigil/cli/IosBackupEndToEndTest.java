package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.cli.CheckCommandTest.hashTree;
import static org.vigil.cli.CheckCommandTest.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.testing.SharedData;

/**
 * The whole check on MVT's real sample backup with MVT's generated test indicators: the numbers
 * of mvt-behaviour.md section 8 for the modules Vigil has, the files written, evidence unchanged,
 * same bytes on a second run, and check-iocs on the results.
 */
class IosBackupEndToEndTest {
    @TempDir
    Path tmp;

    private static Map<String, JsonNode> coverage(Path out) throws Exception {
        Map<String, JsonNode> byModule = new java.util.LinkedHashMap<>();
        for (JsonNode m : json(out.resolve("coverage.json")).get("modules")) {
            byModule.put(m.get("module").asText(), m);
        }
        return byModule;
    }

    @Test
    void checkBackupReproducesMvtAndLeavesTheEvidenceAlone() throws Exception {
        Path backup = SharedData.iosBackup();
        Path iocs = SharedData.generatedIocs();
        Map<String, String> before = hashTree(backup);
        Path out = tmp.resolve("out");
        CliRunner cli = new CliRunner(tmp.resolve("home"));

        CliRunner.Result r = cli.run("ios", "check-backup", "--iocs", iocs.toString(), "--hashes", "-o", out.toString(),
                backup.toString());
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        assertThat(hashTree(backup)).isEqualTo(before);

        Map<String, JsonNode> cov = coverage(out);
        // MVT's order, interaction_c moved after whatsapp_contacts (its dependency), as MVT's topological sort does
        assertThat(cov.keySet()).containsExactlyElementsOf(org.vigil.core.ModuleRunner.order(
                org.vigil.modules.ModuleRegistry.iosBackupModules(), List.of()).stream()
                .map(m -> m.descriptor().slug()).toList());
        assertThat(List.copyOf(cov.keySet()).subList(21, 24))
                .containsExactly("whatsapp", "whatsapp_contacts", "interaction_c");
        // mvt-behaviour.md section 8: records per module
        Map<String, Integer> records = Map.ofEntries(Map.entry("backup_info", 18), Map.entry("calendar", 1),
                Map.entry("datausage", 42), Map.entry("global_preferences", 16), Map.entry("interaction_c", 3),
                Map.entry("manifest", 3721), Map.entry("safari_browser_state", 1), Map.entry("sms", 1),
                Map.entry("tcc", 11), Map.entry("webkit_resource_load_statistics", 2), Map.entry("whatsapp", 6),
                Map.entry("whatsapp_contacts", 2));
        records.forEach((m, n) -> {
            assertThat(cov.get(m).get("status").asText()).as(m).isEqualTo("checked");
            assertThat(cov.get(m).get("records").asInt()).as(m).isEqualTo(n);
        });
        // timeline rows per module (MVT: Manifest 5881, Datausage 60, TCC 11, Whatsapp 9, InteractionC 6,
        // WhatsappContacts 5, Calendar 4, SMS 2, WebkitResourceLoadStatistics 2, SafariBrowserState 1)
        Map<String, Integer> rows = Map.of("manifest", 5881, "datausage", 60, "tcc", 11, "whatsapp", 9,
                "interaction_c", 6, "whatsapp_contacts", 5, "calendar", 4, "sms", 2,
                "webkit_resource_load_statistics", 2, "safari_browser_state", 1);
        rows.forEach((m, n) -> assertThat(cov.get(m).get("timeline_events").asInt()).as(m).isEqualTo(n));
        // artifacts the sample lacks: listed in Manifest.db without content, or not there at all
        for (String absent : List.of("safari_history", "configuration_profiles", "profile_events", "id_status_cache",
                "locationd_clients", "os_analytics_ad_daily", "shortcuts", "webkit_session_resource_log", "calls",
                "contacts", "chrome_favicon", "chrome_history", "firefox_favicon", "firefox_history")) {
            assertThat(cov.get(absent).get("status").asText()).as(absent).isEqualTo("not_present");
        }
        // the sample's sms.db was trimmed: no attachment table
        assertThat(cov.get("sms_attachments").get("status").asText()).isEqualTo("unreadable");
        assertThat(cov.get("sms_attachments").get("reason").asText()).contains("no table attachment");

        JsonNode alerts = json(out.resolve("alerts.json"));
        List<String> levels = new ArrayList<>();
        alerts.forEach(a -> levels.add(a.get("module").asText() + ":" + a.get("level").asText()));
        // section 8: datausage LOW, global_preferences INFO, sms, tcc and whatsapp CRITICAL (module order)
        assertThat(levels).containsExactly("datausage:LOW", "tcc:CRITICAL", "sms:CRITICAL", "whatsapp:CRITICAL",
                "global_preferences:INFORMATIONAL");
        JsonNode sms = alerts.get(2);
        assertThat(sms.get("message").asText()).contains("badbadbad.example.org").contains("example.org");
        assertThat(sms.get("matched_indicator").get("value").asText()).isEqualTo("example.org");
        assertThat(sms.get("matched_indicator").get("type").asText()).isEqualTo("domains");
        assertThat(sms.get("matched_indicator").get("name").asText()).isEqualTo("TestMalware");

        assertThat(Files.readAllLines(out.resolve("timeline.csv"))).hasSize(1 + 5981);
        JsonNode urls = json(out.resolve("urls.json"));
        assertThat(urls).hasSize(2);
        assertThat(urls.get(0).get("url").asText()).isEqualTo("https://badbadbad.example.org/");
        assertThat(urls.get(0).get("source").asText()).isEqualTo("sms");
        assertThat(urls.get(1).get("url").asText()).isEqualTo("https://example.org/news");
        assertThat(urls.get(1).get("source").asText()).isEqualTo("whatsapp");
        assertThat(json(out.resolve("backup_info.json")).get("Build Version").asText()).isEqualTo("18C66");
        for (String f : List.of("sms.json", "sms_detected.json", "datausage.json", "datausage_detected.json",
                "manifest.json", "alerts_timeline.csv", "info.json", "command.log")) {
            assertThat(out.resolve(f)).as(f).exists();
        }
        JsonNode info = json(out.resolve("info.json"));
        assertThat(info.get("target_path").asText()).isEqualTo(backup.toAbsolutePath().normalize().toString());
        assertThat(info.get("ioc_files").get(0).asText()).isEqualTo(iocs.toString());
        assertThat(info.get("indicator_files").get(0).get("sha256").asText()).hasSize(64);
        assertThat(info.get("hashes").size()).isEqualTo(13); // Info.plist, Manifest.db and 11 content files
        assertThat(r.out()).containsPattern("\n    CRITICAL +3 ").contains("not proof");

        // same inputs, same bytes
        Path out2 = tmp.resolve("out2");
        assertThat(cli.run("ios", "check-backup", "--iocs", iocs.toString(), "--hashes", "-o", out2.toString(),
                backup.toString()).exitCode()).isZero();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals("command.log")) {
                    assertThat(Files.readAllBytes(out2.resolve(p.getFileName()))).as(p.getFileName().toString())
                            .isEqualTo(Files.readAllBytes(p));
                }
            }
        }
    }

    @Test
    void checkIocsRechecksAPreviousRun() throws Exception {
        Path backup = SharedData.iosBackup();
        Path iocs = SharedData.generatedIocs();
        Path out = tmp.resolve("plain");
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        assertThat(cli.run("check", "-o", out.toString(), backup.toString()).exitCode()).isZero();
        assertThat(out.resolve("sms_detected.json")).doesNotExist();

        CliRunner.Result r = cli.run("check-iocs", "--iocs", iocs.toString(), out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path re = out.resolve("check-iocs");
        assertThat(re.resolve("sms_detected.json")).exists();
        JsonNode alerts = json(re.resolve("alerts.json"));
        // MVT's check-iocs finds the same 3 indicator matches (section 8); heuristics are not re-run
        List<String> found = new ArrayList<>();
        alerts.forEach(a -> found.add(a.get("module").asText() + ":" + a.get("level").asText()));
        assertThat(found).containsExactly("tcc:CRITICAL", "sms:CRITICAL", "whatsapp:CRITICAL");
        assertThat(r.out()).contains("produced 3 detections");
    }

    @Test
    void moduleSelection() throws Exception {
        Path backup = SharedData.iosBackup();
        Path out = tmp.resolve("sel");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("check", "-m", "sms", "-o", out.toString(), backup.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(coverage(out).keySet()).containsExactly("sms");
    }
}
