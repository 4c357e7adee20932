package org.vigil.modules.android.intrusion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;
import org.vigil.source.android.IntrusionLogSource;
import org.vigil.testing.FakeSource;

/** The three modules together, as MVT's check-intrusion-logs run. */
class IntrusionLogRunTest {
    @TempDir
    Path tmp;

    @Test
    void orderSlugsAndPluginNames() {
        assertThat(IntrusionLogModules.all()).extracting(m -> m.descriptor().slug()).containsExactly("dns_event",
                "connect_event", "security_event");
        assertThat(IntrusionLogModules.all()).extracting(m -> m.descriptor().pluginName()).containsExactly(
                "DnsEvent", "ConnectEvent", "SecurityEvent");
    }

    @Test
    void runOfTheThreeModules() throws Exception {
        Path p = IntrusionFixtures.logs(tmp, "a.txt", List.of(
                "{\"dns_event\": {\"event_time\": 1735689600000, \"hostname\": \"a.example\", \"package_name\": \"p\"}}",
                "{\"connect_event\": {\"event_time\": 1735689600000, \"ip_address\": \"/1.2.3.4\", \"port\": 80,"
                        + " \"package_name\": \"p\"}}",
                "{\"security_event\": {\"event_time\": 1735689600000000000, \"os_shutdown\": {}}}",
                "{\"security_event\": {\"event_time\": 1735689601000000000, \"nfc_enabled\": {}}}"),
                "b.txt", List.of("{\"security_event\": {\"event_time\": 1735689601000000000, \"nfc_enabled\": {}}}"));
        List<ModuleOutcome> outcomes;
        try (IntrusionLogSource s = IntrusionLogSource.open(p)) {
            outcomes = new ModuleRunner(s, Indicators.empty(), ModuleOptions.defaults(), IntrusionFixtures.CLOCK,
                    null).run(IntrusionLogModules.all());
        }
        assertThat(outcomes).extracting(ModuleOutcome::status).containsOnly(ModuleStatus.CHECKED);
        assertThat(outcomes).extracting(ModuleOutcome::recordCount).containsExactly(1L, 1L, 2L);
        assertThat(outcomes).extracting(ModuleOutcome::timelineCount).containsExactly(1L, 1L, 2L);
        assertThat(MvtJson.mapper().writeValueAsString(outcomes.get(2).results())).isEqualTo(
                "[{\"event_time\":1735689600000000000,\"os_shutdown\":{},\"timestamp\":\"2025-01-01 00:00:00.000000\"},"
                        + "{\"event_time\":1735689601000000000,\"nfc_enabled\":{},\"timestamp\":"
                        + "\"2025-01-01 00:00:01.000000\"}]");
    }

    @Test
    void otherSourcesAreNotPresent() throws Exception {
        try (FakeSource s = new FakeSource(org.vigil.source.SourceKind.ANDROID_QF, tmp)) {
            ModuleOutcome o = ModuleRunner.runOne(new DnsEvent(), new org.vigil.core.ModuleContext(s,
                    Indicators.empty(), null, java.util.Map.of(), IntrusionFixtures.CLOCK));
            assertThat(o.status()).isEqualTo(ModuleStatus.NOT_PRESENT);
        }
    }
}
