package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.android.bugreport.Fixtures.androidData;
import static org.vigil.modules.android.bugreport.Fixtures.indicators;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.lines;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.source.android.BugreportSource;

class DumpsysAppopsTest {
    @TempDir
    Path tmp;

    @Test
    void parsesTheSingleSectionSample() throws Exception {
        List<Map<String, Object>> r = DumpsysAppops.parse(lines(androidData("dumpsys_appops.txt")));
        assertThat(r).hasSize(13);
        JsonNode first = json(r.get(0));
        assertThat(first.toString()).isEqualTo("{\"package_name\":\"com.android.phone\",\"permissions\":"
                + "[{\"name\":\"MANAGE_IPSEC_TUNNELS\",\"entries\":[],\"access\":\"allow\"}],\"uid\":\"0\"}");
        assertThat(r.get(6).get("package_name")).isEqualTo("com.sec.factory.camera");
        assertThat(DumpsysAppops.entries(DumpsysAppops.permissions(r.get(6)).get(1))).containsExactly(
                Map.of("access", "Access", "type", "pers-s", "timestamp", "2022-03-29 18:37:30.315000"));
        assertThat(DumpsysAppops.permissions(r.get(11))).hasSize(4);
        JsonNode facebook = json(r.get(7));
        assertThat(facebook.path("uid").asText()).isEqualTo("u0a103");
        assertThat(facebook.path("permissions").get(1).path("entries").get(0).toString())
                .isEqualTo("{\"access\":\"Reject\",\"type\":\"fg-s\",\"timestamp\":\"2021-05-19 22:02:52.054000\"}");
    }

    @Test
    void indicatorAndHeuristicAlertsOnTheSingleSectionSample() throws Exception {
        List<Map<String, Object>> r = DumpsysAppops.parse(lines(androidData("dumpsys_appops.txt")));
        ModuleResult.Builder out = ModuleResult.builder(new DumpsysAppops().descriptor());
        var iocs = indicators(IndicatorType.APP_IDS, "com.facebook.katana");
        r.forEach(p -> DumpsysAppops.check(out, p, iocs));
        List<Alert> alerts = out.build().alerts();
        assertThat(alerts).extracting(Alert::level).containsExactly(Level.CRITICAL, Level.MEDIUM, Level.MEDIUM);
        assertThat(alerts.get(0).matchedIndicator()).isNotNull();
        assertThat(alerts.get(0).eventTime()).isEqualTo("2022-03-29 23:03:03.763000");
        assertThat(alerts.get(1).message()).isEqualTo(
                "Package 'org.mozilla.firefox' had risky permission 'REQUEST_INSTALL_PACKAGES' set to 'Unknown' at ");
        assertThat(alerts.get(2).message()).isEqualTo("Package 'org.fdroid.fdroid' had risky permission "
                + "'REQUEST_INSTALL_PACKAGES' set to 'Access' at 2022-02-02 23:20:13.096000");
        assertThat(alerts.get(2).eventTime()).isEqualTo("2022-02-02 23:20:13.096000");
        assertThat(json(alerts.get(2).event()).path("permissions")).hasSize(1);
    }

    @Test
    void bugreportSampleGivesMvtsCounts() throws Exception {
        try (BugreportSource s = Fixtures.sampleBugreport()) {
            ModuleResult res = run(new DumpsysAppops(), s);
            assertThat(res.recordCount()).isEqualTo(12);
            assertThat(res.timeline()).hasSize(16);
            assertThat(res.alerts()).hasSize(1);
            Alert a = res.alerts().get(0);
            assertThat(a.level()).isEqualTo(Level.MEDIUM);
            assertThat(a.matchedIndicator()).isNull();
            assertThat(a.message()).isEqualTo(
                    "Package 'org.mozilla.firefox' had risky permission 'REQUEST_INSTALL_PACKAGES' set to 'Unknown' at ");
            assertThat(res.timeline()).contains(new TimelineEvent("2022-03-29 18:38:31.440000", "DumpsysAppops",
                    "Access", "com.sec.android.app.clockpackage access to WAKE_LOCK: Access"));
        }
    }

    @Test
    void shellPackageOpsAreFlaggedAndBlankLinesDoNotEndTheList() throws Exception {
        String text = "DUMP OF SERVICE appops:\n  Uid 0:\n    Package a.b:\n      X (allow):\n\n"
                + "  Uid 2000:\n    state=pers\n    Package com.android.shell:\n      READ_LOGS (allow):\n"
                + "          Access: [fg-s] 2024-01-02 03:04:05.006 (-1d)\n"
                + "          Reject: [bg-s] 2024-01-01 03:04:05.006 (-2d)\n      CAMERA (ignore):\n"
                + "--------- 0.05s was the duration of dumpsys appops\n  Uid 3:\n    Package after.end:\n";
        ModuleResult res = run(new DumpsysAppops(), Fixtures.dumpstate(tmp, text));
        assertThat(res.recordCount()).isEqualTo(2);
        assertThat(res.alerts()).extracting(Alert::message).containsExactly(
                "Risky package 'com.android.shell' had 'READ_LOGS' permission set to 'Reject' at 2024-01-01 03:04:05.006000",
                "Risky package 'com.android.shell' had 'READ_LOGS' permission set to 'Access' at 2024-01-02 03:04:05.006000",
                "Risky package 'com.android.shell' had 'CAMERA' permission set to 'Unknown' at ");
        assertThat(res.timeline()).extracting(TimelineEvent::event).containsExactly("Access", "Reject");
    }

    @Test
    void missingSectionIsNotPresent() throws Exception {
        var source = Fixtures.dumpstate(tmp, "DUMP OF SERVICE other:\nx\n");
        assertThatThrownBy(() -> run(new DumpsysAppops(), source)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessageContaining("no \"DUMP OF SERVICE appops:\" section");
    }

    @Test
    void recheckUsesIndicatorsOnly() throws Exception {
        List<Map<String, Object>> r = DumpsysAppops.parse(lines(androidData("dumpsys_appops.txt")));
        List<Alert> alerts = new DumpsysAppops().recheck(json(r), indicators(IndicatorType.APP_IDS, "com.facebook.katana"));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).eventTime()).isEqualTo("2022-03-29 23:03:03.763000");
    }
}
