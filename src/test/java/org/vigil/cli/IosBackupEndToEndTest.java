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
        assertThat(cov.keySet()).containsExactlyElementsOf(org.vigil.modules.ModuleRegistry.iosBackupModules().stream()
                .map(m -> m.descriptor().slug()).toList());
        assertThat(cov.get("backup_info").get("records").asInt()).isEqualTo(18);
        assertThat(cov.get("manifest").get("records").asInt()).isEqualTo(3721);
        assertThat(cov.get("manifest").get("timeline_events").asInt()).isEqualTo(5881);
        assertThat(cov.get("datausage").get("records").asInt()).isEqualTo(42);
        assertThat(cov.get("datausage").get("timeline_events").asInt()).isEqualTo(60);
        assertThat(cov.get("sms").get("records").asInt()).isEqualTo(1);
        assertThat(cov.get("sms").get("timeline_events").asInt()).isEqualTo(2);
        for (String absent : List.of("safari_history", "configuration_profiles", "profile_events", "id_status_cache",
                "locationd_clients", "os_analytics_ad_daily", "shortcuts", "webkit_session_resource_log")) {
            assertThat(cov.get(absent).get("status").asText()).as(absent).isEqualTo("not_present");
        }
        for (String m : List.of("backup_info", "manifest", "datausage", "sms")) {
            assertThat(cov.get(m).get("status").asText()).as(m).isEqualTo("checked");
        }

        JsonNode alerts = json(out.resolve("alerts.json"));
        List<String> levels = new ArrayList<>();
        alerts.forEach(a -> levels.add(a.get("module").asText() + ":" + a.get("level").asText()));
        assertThat(levels).containsExactly("datausage:LOW", "sms:CRITICAL", "global_preferences:INFORMATIONAL");
        JsonNode sms = alerts.get(1);
        assertThat(sms.get("message").asText()).contains("badbadbad.example.org").contains("example.org");
        assertThat(sms.get("matched_indicator").get("value").asText()).isEqualTo("example.org");
        assertThat(sms.get("matched_indicator").get("type").asText()).isEqualTo("domains");
        assertThat(sms.get("matched_indicator").get("name").asText()).isEqualTo("TestMalware");

        assertThat(cov.get("safari_browser_state").get("records").asInt()).isEqualTo(1);
        assertThat(cov.get("global_preferences").get("records").asInt()).isEqualTo(16);
        assertThat(Files.readAllLines(out.resolve("timeline.csv"))).hasSize(1 + 5881 + 60 + 2 + 1);
        JsonNode urls = json(out.resolve("urls.json"));
        assertThat(urls).hasSize(1);
        assertThat(urls.get(0).get("url").asText()).isEqualTo("https://badbadbad.example.org/");
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
        assertThat(r.out()).contains("CRITICAL 1").contains("not proof");

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
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("level").asText()).isEqualTo("CRITICAL");
        assertThat(alerts.get(0).get("module").asText()).isEqualTo("sms");
        assertThat(r.out()).contains("produced 1 detection");
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
