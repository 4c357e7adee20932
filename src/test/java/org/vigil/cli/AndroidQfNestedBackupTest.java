package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.cli.CheckCommandTest.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.testing.SharedData;

/** androidqf's backup.ab is checked within the same run, as MVT's check-androidqf does (section 8). */
class AndroidQfNestedBackupTest {
    @TempDir
    Path tmp;

    @Test
    void plainNestedBackupGivesTheSmsAndTheirUrls() throws Exception {
        Path qf = SharedData.require("testdata/mvt-artifacts/androidqf");
        Path iocs = SharedData.generatedIocs();
        Path out = tmp.resolve("out");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("android", "check-androidqf", "--iocs",
                iocs.toString(), "-o", out.toString(), qf.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(out.resolve("sms.json"))).hasSize(2);
        List<String> urls = new ArrayList<>();
        json(out.resolve("urls.json")).forEach(u -> urls.add(u.get("url").asText() + " " + u.get("source").asText()));
        assertThat(urls).containsExactlyInAnyOrder("http://google.com sms", "https://google.com/ sms");
        // section 8: the androidqf modules' 10 alerts; the SMS links match no indicator. Unlike MVT, the
        // dumpsys modules also run on androidqf's dumpsys.txt (no bugreport.zip): 7 more alerts
        JsonNode alerts = json(out.resolve("alerts.json"));
        assertThat(alerts).hasSize(17);
        java.util.Map<String, Integer> byModule = new java.util.TreeMap<>();
        alerts.forEach(a -> byModule.merge(a.get("module").asText(), 1, Integer::sum));
        assertThat(byModule).containsExactlyEntriesOf(new java.util.TreeMap<>(java.util.Map.of("aqf_packages", 5,
                "aqf_settings", 1, "root_binaries", 4, "dumpsys_accessibility", 5, "dumpsys_appops", 1,
                "dumpsys_adb_state", 1)));
        assertThat(json(out.resolve("coverage.json")).get("modules").findValuesAsText("module")).contains("sms");
    }

    @Test
    void encryptedNestedBackupNeedsItsPassword() throws Exception {
        Path qf = SharedData.require("testdata/mvt-artifacts/androidqf_encrypted");
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        Path out = tmp.resolve("enc");
        CliRunner.Result ok = cli.run("android", "check-androidqf", "-p", "123456", "-o", out.toString(), qf.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(json(out.resolve("sms.json"))).hasSize(1);
        CliRunner.Result wrong = cli.run("check", "-p", "wrong", qf.toString());
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.WRONG_PASSWORD);
        assertThat(wrong.err()).contains("Invalid backup password");
        CliRunner.Result none = cli.run("check", qf.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.ENCRYPTED);
    }
}
