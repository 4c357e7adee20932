package org.vigil.modules.android.androidqf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.ioc.Indicators;
import org.vigil.source.android.AndroidQfSource;
import org.vigil.testing.SharedData;

/** The eight modules together on the MVT sample, as MVT's end-to-end run (reference section 8). */
class AndroidQfRunTest {
    @Test
    void orderSlugsAndPluginNames() {
        assertThat(AndroidQfModules.all()).extracting(m -> m.descriptor().slug()).containsExactly("aqf_packages",
                "aqf_processes", "aqf_get_prop", "aqf_settings", "aqf_files", "aqf_log_timestamps", "root_binaries",
                "mounts");
        assertThat(AndroidQfModules.all()).extracting(m -> m.descriptor().pluginName()).containsExactly(
                "AQFPackages", "AQFProcesses", "AQFGetProp", "AQFSettings", "AQFFiles", "AQFLogTimestamps",
                "RootBinaries", "Mounts");
    }

    @Test
    void sampleFolderGivesMvtsCountsWithTheGeneratedIndicators() throws Exception {
        Path dir = QfFixtures.sampleFolder();
        Path stix = SharedData.generatedIocs();
        Indicators iocs = Indicators.load(List.of(stix)).indicators();
        List<ModuleOutcome> outcomes;
        try (AndroidQfSource s = AndroidQfSource.open(dir)) {
            outcomes = new ModuleRunner(s, iocs, ModuleOptions.defaults(), QfFixtures.CLOCK, null)
                    .run(AndroidQfModules.all());
        }
        Map<String, Long> counts = outcomes.stream().filter(o -> o.status() == ModuleStatus.CHECKED)
                .collect(Collectors.toMap(ModuleOutcome::slug, ModuleOutcome::recordCount));
        assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("aqf_packages", 7L, "aqf_processes", 15L,
                "aqf_get_prop", 10L, "aqf_settings", 1L, "aqf_files", 3L, "root_binaries", 4L));
        assertThat(outcomes).filteredOn(o -> o.status() == ModuleStatus.NOT_PRESENT).extracting(ModuleOutcome::slug)
                .containsExactly("aqf_log_timestamps", "mounts");
        assertThat(outcomes.stream().mapToLong(ModuleOutcome::timelineCount).sum()).isEqualTo(10);
        List<Alert> alerts = outcomes.stream().flatMap(o -> o.alerts().stream()).toList();
        assertThat(alerts).hasSize(10);
        assertThat(alerts.stream().collect(Collectors.groupingBy(a -> a.module() + ":" + a.level(),
                Collectors.counting()))).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "aqf_packages:" + Level.MEDIUM, 4L, "aqf_packages:" + Level.INFORMATIONAL, 1L,
                        "aqf_settings:" + Level.MEDIUM, 1L, "root_binaries:" + Level.HIGH, 4L));
    }
}
