package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.vigil.modules.ios.mixed.PlistFixtures.date;
import static org.vigil.modules.ios.mixed.PlistFixtures.dict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.mixed.PlistFixtures;
import org.vigil.report.MvtJson;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;
import org.vigil.source.sysdiagnose.TarFixture;

class SysdiagnoseProfileEventsTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();
    static final String SHARED = "logs/MCState/Shared/";

    @TempDir
    Path tmp;

    private final SysdiagnoseProfileEvents module = new SysdiagnoseProfileEvents();

    static Map<String, Object> profileEvents() {
        return dict("ProfileEvents", List.of(
                dict("com.example.mdm", dict("timestamp", date("2024-01-01T10:00:00Z"), "operation", "install",
                        "process", "profiled")),
                dict("com.example.mdm", dict("timestamp", date("2023-12-01T10:00:00Z"), "operation", "remove",
                        "process", "Preferences"))));
    }

    static Map<String, Object> settingsEvents() {
        return dict("Restrictions", dict(
                "allowAppInstallation", dict("timestamp", date("2024-01-01T11:00:00Z"), "event", "set",
                        "process", "profiled", "value", Boolean.FALSE),
                "nested", dict("allowCamera", dict("timestamp", date("2024-01-01T09:00:00Z"), "event", "removed",
                        "process", "evilhelper"))),
                "junk", "not a dict");
    }

    private Path top() throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top.resolve(SHARED));
        Files.writeString(top.resolve("sysdiagnose.log"), "x\n");
        return top;
    }

    private Path fixture() throws IOException {
        Path top = top();
        PlistFixtures.binary(top.resolve(SHARED + "MCProfileEvents.plist"), profileEvents());
        PlistFixtures.xml(top.resolve(SHARED + "MCSettingsEvents.plist"), settingsEvents());
        return top;
    }

    private ModuleResult run(Path path, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return module.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    @Test
    void readsProfileAndSettingsEvents() throws Exception {
        ModuleResult r = run(fixture(), Indicators.empty());
        assertThat(records(r)).extracting(m -> m.get("file"), m -> m.get("timestamp"), m -> m.get("process"))
                .containsExactly(
                        tuple(SHARED + "MCProfileEvents.plist", "2023-12-01 10:00:00.000000", "Preferences"),
                        tuple(SHARED + "MCProfileEvents.plist", "2024-01-01 10:00:00.000000", "profiled"),
                        tuple(SHARED + "MCSettingsEvents.plist", "2024-01-01 09:00:00.000000", "evilhelper"),
                        tuple(SHARED + "MCSettingsEvents.plist", "2024-01-01 11:00:00.000000", "profiled"));
        assertThat(JSON.valueToTree(records(r).get(3)).toString()).isEqualTo("{\"file\":\"" + SHARED
                + "MCSettingsEvents.plist\",\"setting\":\"Restrictions.allowAppInstallation\",\"timestamp\":"
                + "\"2024-01-01 11:00:00.000000\",\"event\":\"set\",\"process\":\"profiled\",\"value\":false}");
        assertThat(records(r).get(0).get("profile_id")).isEqualTo("com.example.mdm");
        assertThat(records(r).get(0).get("operation")).isEqualTo("remove");
    }

    @Test
    void timelineAndLowAlertPerProfileOperation() throws Exception {
        ModuleResult r = run(fixture(), Indicators.empty());
        assertThat(r.timeline()).extracting(TimelineEvent::timestamp, TimelineEvent::event, TimelineEvent::data)
                .containsExactly(
                        tuple("2023-12-01 10:00:00.000000", "profile_operation",
                                "Process Preferences started operation remove of profile com.example.mdm"),
                        tuple("2024-01-01 10:00:00.000000", "profile_operation",
                                "Process profiled started operation install of profile com.example.mdm"),
                        tuple("2024-01-01 09:00:00.000000", "setting_change",
                                "Setting Restrictions.nested.allowCamera removed by evilhelper"),
                        tuple("2024-01-01 11:00:00.000000", "setting_change",
                                "Setting Restrictions.allowAppInstallation set by profiled"));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.LOW, Level.LOW);
    }

    @Test
    void processAndProfileIndicatorsAreCritical() throws Exception {
        Path top = fixture();
        ModuleResult byProcess = run(top, Indicators.builder().add(IndicatorType.PROCESSES, "evilhelper", "T",
                "t.stix2").build());
        assertThat(byProcess.alerts()).filteredOn(a -> a.level() == Level.CRITICAL).extracting(Alert::eventTime)
                .containsExactly("2024-01-01 09:00:00.000000");
        ModuleResult byProfile = run(top, Indicators.builder().add(IndicatorType.IOS_PROFILE_IDS,
                "com.example.mdm", "T", "t.stix2").build());
        assertThat(byProfile.alerts()).filteredOn(a -> a.level() == Level.CRITICAL).hasSize(2);
        assertThat(run(top, Indicators.builder().add(IndicatorType.PROCESSES, "other", "T", "t.stix2").build())
                .alerts()).noneMatch(a -> a.level() == Level.CRITICAL);
    }

    @Test
    void oneFileIsEnoughAndATarGzWorks() throws Exception {
        Path tgz = new TarFixture().dir(TOP + "/").file(TOP + "/sysdiagnose.log", "x\n")
                .file(TOP + "/" + SHARED + "MCSettingsEvents.plist",
                        Files.readAllBytes(PlistFixtures.xml(tmp.resolve("s.plist"), settingsEvents())))
                .writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        assertThat(records(run(tgz, Indicators.empty()))).hasSize(2);
    }

    @Test
    void corruptOnlyFileIsUnreadable() throws Exception {
        Path top = top();
        Files.writeString(top.resolve(SHARED + "MCProfileEvents.plist"), "garbage");
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("MCProfileEvents.plist");
        }
        PlistFixtures.xml(top.resolve(SHARED + "MCSettingsEvents.plist"), settingsEvents());
        assertThat(records(run(top, Indicators.empty()))).hasSize(2);
    }

    @Test
    void missingIsNotPresent() throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top())) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class).hasMessageStartingWith("profile events not found");
        }
    }

    @Test
    void recheckOfSavedResults() throws Exception {
        JsonNode saved = JSON.readTree("[{\"profile_id\": \"com.example.mdm\", \"process\": \"profiled\"},"
                + " {\"setting\": \"a\", \"process\": \"evilhelper\"}]");
        assertThat(module.recheck(saved, Indicators.builder().add(IndicatorType.PROCESSES, "evilhelper", "T",
                "t.stix2").build())).hasSize(1);
        assertThat(module.recheck(saved, Indicators.empty())).isEmpty();
    }
}
