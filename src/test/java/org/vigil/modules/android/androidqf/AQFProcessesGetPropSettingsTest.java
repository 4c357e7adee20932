package org.vigil.modules.android.androidqf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.android.androidqf.QfFixtures.folder;
import static org.vigil.modules.android.androidqf.QfFixtures.iocs;
import static org.vigil.modules.android.androidqf.QfFixtures.run;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;
import org.vigil.source.android.GetPropText.Property;

class AQFProcessesGetPropSettingsTest {
    @TempDir
    Path tmp;

    // --- AQFProcesses ---------------------------------------------------------------------------

    @Test
    void processesOfTheSample() throws Exception {
        ModuleResult r = run(new AQFProcesses(), QfFixtures.sampleFolder());
        assertThat(r.recordCount()).isEqualTo(15);
        assertThat(r.timelineCount()).isZero();
        assertThat(r.alerts()).isEmpty();
        @SuppressWarnings("unchecked")
        List<AQFProcesses.Process> ps = (List<AQFProcesses.Process>) r.results();
        assertThat(ps.get(0)).isEqualTo(new AQFProcesses.Process("root", 1, 0, 57912, 2084, "0", "0", "S", "init", ""));
        assertThat(ps.get(1).procName()).isEqualTo("kthreadd");
        assertThat(MvtJson.mapper().writeValueAsString(ps.get(0))).isEqualTo("{\"user\":\"root\",\"pid\":1,\"ppid\":0,"
                + "\"virtual_memory_size\":57912,\"resident_set_size\":2084,\"wchan\":\"0\",\"aprocress\":\"0\","
                + "\"stat\":\"S\",\"proc_name\":\"init\",\"label\":\"\"}");
    }

    @Test
    void processLineVariants() {
        assertThat(AQFProcesses.parse("u:r:init:s0 root 1 0 57912 2084 SyS_epoll_wait 0 S init")).contains(
                new AQFProcesses.Process("root", 1, 0, 57912, 2084, "SyS_epoll_wait", "0", "S", "init", "u:r:init:s0"));
        assertThat(AQFProcesses.parse("root 2 0 0 0 0 S [kthreadd]")).contains(
                new AQFProcesses.Process("root", 2, 0, 0, 0, "", "0", "S", "kthreadd", ""));
        assertThat(AQFProcesses.parse("u:r:kernel:s0 root 2 0 0 0 0 S [kthreadd]")).contains(
                new AQFProcesses.Process("root", 2, 0, 0, 0, "", "0", "S", "kthreadd", "u:r:kernel:s0"));
        assertThat(AQFProcesses.parse("garbage line")).isEmpty();
        assertThat(AQFProcesses.parse("root x 0 0 0 0 0 S init")).isEmpty();
    }

    @Test
    void processIndicatorsAppIdThenProcessAndGatekeeperdSkipped() throws Exception {
        Path qf = folder(tmp, "ps.txt", "USER PID PPID VSZ RSS WCHAN ADDR S NAME\n"
                + "root 10 1 5 5 0 0 S com.bad.app\n"
                + "root 11 1 5 5 0 0 S evilproc\n"
                + "root 12 1 5 5 0 0 S gatekeeperd\n"
                + "not a ps line\n");
        Indicators i = Indicators.builder().add(IndicatorType.APP_IDS, "com.bad.app", "m", "t.stix2")
                .add(IndicatorType.PROCESSES, "evilproc", "m", "t.stix2")
                .add(IndicatorType.PROCESSES, "gatekeeperd", "m", "t.stix2").build();
        ModuleResult r = run(new AQFProcesses(), qf, i);
        assertThat(r.recordCount()).isEqualTo(3);
        assertThat(r.alerts()).extracting(a -> a.matchedIndicator().value()).containsExactly("com.bad.app", "evilproc");
        assertThat(r.alerts()).extracting(Alert::level).containsOnly(Level.CRITICAL);
    }

    // --- AQFGetProp -----------------------------------------------------------------------------

    @Test
    void getpropOfTheSampleFolderAndZip() throws Exception {
        for (Path p : List.of(QfFixtures.sampleFolder(), QfFixtures.sampleZip())) {
            ModuleResult r = run(new AQFGetProp(), p);
            assertThat(r.recordCount()).isEqualTo(10);
            @SuppressWarnings("unchecked")
            List<Property> props = (List<Property>) r.results();
            assertThat(props.get(0)).isEqualTo(new Property("dalvik.vm.appimageformat", "lz4"));
            assertThat(props.get(9)).isEqualTo(new Property("dalvik.vm.heapminfree", "512k"));
            assertThat(r.timelineCount()).isZero();
            assertThat(r.alerts()).isEmpty();
        }
    }

    @Test
    void getpropIndicator() throws Exception {
        ModuleResult r = run(new AQFGetProp(), QfFixtures.sampleFolder(),
                iocs(IndicatorType.ANDROID_PROPERTY_NAMES, "dalvik.vm.heapmaxfree"));
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).event()).isEqualTo(new Property("dalvik.vm.heapmaxfree", "8m"));
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
    }

    @Test
    void securityPatchAgeUsesTheRunClock() throws Exception {
        Path qf = folder(tmp, "getprop.txt", "[ro.build.version.security_patch]: [2025-06-01]\n[empty]: []\n");
        Clock soon = Clock.fixed(Instant.parse("2025-12-04T00:00:00Z"), ZoneOffset.UTC); // 186 days
        Clock late = Clock.fixed(Instant.parse("2025-12-04T00:00:01Z"), ZoneOffset.UTC);
        ModuleResult fresh = run(new AQFGetProp(), qf, Indicators.empty(), soon);
        assertThat(fresh.recordCount()).isEqualTo(1);
        assertThat(fresh.alerts()).isEmpty();
        List<Alert> old = run(new AQFGetProp(), qf, Indicators.empty(), late).alerts();
        assertThat(old).extracting(Alert::level, Alert::message).containsExactly(org.assertj.core.groups.Tuple.tuple(
                Level.MEDIUM, "This phone has not received security updates for more than six months"
                        + " (last update: 2025-06-01)"));
        assertThat(AQFGetProp.patchAlert("June 2025", java.time.LocalDateTime.of(2026, 1, 1, 0, 0))).isEmpty();
    }

    // --- AQFSettings ----------------------------------------------------------------------------

    @Test
    void settingsOfTheSample() throws Exception {
        ModuleResult r = run(new AQFSettings(), QfFixtures.sampleFolder());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> res = (Map<String, Map<String, String>>) r.results();
        assertThat(res).containsOnlyKeys("random");
        assertThat(res.get("random")).hasSize(9).containsEntry("samsung_errorlog_agree", "0")
                .containsEntry("navigationbar_recently_used_color", "");
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(org.assertj.core.groups.Tuple
                .tuple(Level.MEDIUM, "Found suspicious \"random\" setting \"samsung_errorlog_agree = 0\""
                        + " (disabled sharing of crash logs with manufacturer)"));
    }

    @Test
    void settingsSafeValuesAndAccessibility() throws Exception {
        Path qf = folder(tmp, "settings_secure.txt", "accessibility_enabled=1\npackage_verifier_enable=1\nnoequals\n",
                "settings_global.txt", "package_verifier_state=-1\n");
        ModuleResult r = run(new AQFSettings(), qf);
        assertThat(r.alerts()).extracting(Alert::message).containsExactly(
                "Found suspicious \"global\" setting \"package_verifier_state = -1\" (disabled APK package verification)",
                "Found suspicious \"secure\" setting \"accessibility_enabled = 1\" (enabled accessibility services)");
        Path none = folder(tmp.resolve("n"), "getprop.txt", "");
        assertThatThrownBy(() -> run(new AQFSettings(), none)).isInstanceOf(ArtifactNotFoundException.class);
    }
}
