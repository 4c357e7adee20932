package org.vigil.modules.ios.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.vigil.modules.ios.mixed.PlistFixtures.date;
import static org.vigil.modules.ios.mixed.PlistFixtures.dict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.mixed.PlistFixtures;
import org.vigil.source.SourceKind;
import org.vigil.source.iosbackup.IosBackupSource;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

class ProfileEventsTest {
    static final ObjectMapper JSON = org.vigil.report.MvtJson.mapper();
    static final String DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
    static final String PATH = "Library/ConfigurationProfiles/MCProfileEvents.plist";
    static final String ID = "aeb25de285ea542f7ac7c2070cddd1961e369df1";
    static final String NAME = DOMAIN + "/" + PATH;

    @TempDir
    Path tmp;

    private final ProfileEvents module = new ProfileEvents();

    private static List<Map<String, Object>> records(ModuleResult r) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> l = (List<Map<String, Object>>) r.results();
        return l;
    }

    static Map<String, Object> events() {
        return dict("ProfileEvents", List.of(
                dict("com.example.mdm.notifications", dict("timestamp", date("2021-06-01T10:00:00Z"),
                        "operation", "install", "process", "Preferences")),
                dict("com.example.vpn", dict("Timestamp", date("2021-06-02T11:30:15.250Z"),
                        "Operation", "remove", "Process", "/usr/libexec/Launch", "Source", "UI")),
                dict("com.example.empty", dict())));
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(ID, DOMAIN, PATH, file);
    }

    private ModuleResult run(FakeSource source, Indicators iocs) throws Exception {
        return module.run(BackupInfoTest.context(source, iocs));
    }

    private ModuleResult runFixture(Indicators iocs) throws Exception {
        return run(backup(PlistFixtures.binary(tmp.resolve("e.plist"), events())), iocs);
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    @Test
    void fileIdIsSha1OfDomainAndPath() {
        assertThat(ConfigurationProfilesTest.fileId(DOMAIN, PATH)).isEqualTo(ID);
    }

    @Test
    void realSampleHasNoEvents() throws Exception {
        try (IosBackupSource src = IosBackupSource.open(SharedData.iosBackup())) {
            assertThatThrownBy(() -> module.run(BackupInfoTest.context(src, Indicators.empty())))
                    .isInstanceOf(ArtifactNotFoundException.class).hasMessage("MCProfileEvents.plist not found");
        }
    }

    @Test
    void extractsEveryEvent() throws Exception {
        ModuleResult r = runFixture(Indicators.empty());
        assertThat(records(r)).hasSize(3);
        assertThat(JSON.valueToTree(records(r)).toString()).isEqualTo("["
                + "{\"profile_id\":\"com.example.mdm.notifications\",\"timestamp\":\"2021-06-01 10:00:00.000000\","
                + "\"operation\":\"install\",\"process\":\"Preferences\"},"
                + "{\"profile_id\":\"com.example.vpn\",\"timestamp\":\"2021-06-02 11:30:15.250000\","
                + "\"operation\":\"remove\",\"process\":\"/usr/libexec/Launch\",\"source\":\"UI\"},"
                + "{\"profile_id\":\"com.example.empty\",\"timestamp\":\"\",\"operation\":\"\",\"process\":\"\"}]");
    }

    @Test
    void everyEventIsLowAlways() throws Exception {
        ModuleResult r = runFixture(Indicators.empty());
        assertThat(r.alerts()).extracting(Alert::level, Alert::message, Alert::eventTime).containsExactly(
                tuple(Level.LOW, "On 2021-06-01 10:00:00.000000 process \"Preferences\" started operation \"install\""
                        + " of profile \"com.example.mdm.notifications\"", "2021-06-01 10:00:00.000000"),
                tuple(Level.LOW, "On 2021-06-02 11:30:15.250000 process \"/usr/libexec/Launch\" started operation "
                        + "\"remove\" of profile \"com.example.vpn\"", "2021-06-02 11:30:15.250000"),
                tuple(Level.LOW, "On  process \"\" started operation \"\" of profile \"com.example.empty\"", ""));
        assertThat(r.alerts().get(0).event()).isSameAs(records(r).get(0));
        assertThat(r.alerts()).allSatisfy(a -> assertThat(a.matchedIndicator()).isNull());
    }

    @Test
    void timeline() throws Exception {
        assertThat(runFixture(Indicators.empty()).timeline()).containsExactly(
                new TimelineEvent("2021-06-01 10:00:00.000000", "ProfileEvents", "profile_operation",
                        "Process Preferences started operation install of profile com.example.mdm.notifications"),
                new TimelineEvent("2021-06-02 11:30:15.250000", "ProfileEvents", "profile_operation",
                        "Process /usr/libexec/Launch started operation remove of profile com.example.vpn"),
                new TimelineEvent("", "ProfileEvents", "profile_operation",
                        "Process  started operation  of profile com.example.empty"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void processIndicatorIsCritical() throws Exception {
        ModuleResult r = runFixture(iocs(IndicatorType.PROCESSES, "Launch"));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.LOW, Level.LOW, Level.LOW,
                Level.CRITICAL);
        Alert a = r.alerts().get(3);
        assertThat(a.message()).isEqualTo("Found a known suspicious process name \"/usr/libexec/Launch\" matching "
                + "indicators from \"TestMalware\"");
        assertThat(a.eventTime()).isEmpty();
        assertThat(a.event()).isSameAs(records(r).get(1));
    }

    @Test
    @Tag("needs-ioc-engine")
    void profileIdIndicatorIsCritical() throws Exception {
        ModuleResult r = runFixture(iocs(IndicatorType.IOS_PROFILE_IDS, "com.example.mdm.notifications"));
        assertThat(r.alerts()).filteredOn(a -> a.level() == Level.CRITICAL).extracting(Alert::event)
                .containsExactly(records(r).get(0));
        // exact match only: MVT's substring test would also take an id contained in the indicator
        ModuleResult sub = runFixture(iocs(IndicatorType.IOS_PROFILE_IDS, "com.example.vpn.extra"));
        assertThat(sub.alerts()).extracting(Alert::level).containsOnly(Level.LOW);
    }

    @Test
    @Tag("needs-ioc-engine")
    void recheckSkipsTheLowAlerts() throws Exception {
        JsonNode json = JSON.valueToTree(runFixture(Indicators.empty()).results());
        assertThat(module.recheck(json, iocs(IndicatorType.PROCESSES, "Launch"))).extracting(Alert::level)
                .containsExactly(Level.CRITICAL);
        assertThat(module.recheck(json, iocs(IndicatorType.PROCESSES, "bh"))).isEmpty();
    }

    @Test
    void emptyOrRandomFilesAreCorrupt() throws Exception {
        Path empty = Files.write(tmp.resolve("e.plist"), new byte[0]);
        assertThatThrownBy(() -> run(backup(empty), Indicators.empty())).isInstanceOf(CorruptArtifactException.class)
                .hasMessage(NAME + ": empty file (0 bytes), not a property list");
        Path random = Files.write(tmp.resolve("r.plist"), new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1});
        assertThatThrownBy(() -> run(backup(random), Indicators.empty()))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith(NAME + ":");
    }

    @Test
    void foreignPlistIsUnsupported() throws Exception {
        Path f = PlistFixtures.binary(tmp.resolve("f.plist"), dict("SettingsEvents", List.of()));
        assertThatThrownBy(() -> run(backup(f), Indicators.empty())).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no key ProfileEvents");
    }

    @Test
    void xmlPlistGivesTheSameRecords() throws Exception {
        ModuleResult xml = run(backup(PlistFixtures.xml(tmp.resolve("x.plist"), events())), Indicators.empty());
        JsonNode fromXml = JSON.valueToTree(xml.results());
        JsonNode fromBinary = JSON.valueToTree(runFixture(Indicators.empty()).results());
        // XML plist dates carry whole seconds only
        assertThat(fromXml.get(1).get("timestamp").asText()).isEqualTo("2021-06-02 11:30:15.000000");
        ((com.fasterxml.jackson.databind.node.ObjectNode) fromXml.get(1)).put("timestamp",
                "2021-06-02 11:30:15.250000");
        assertThat(fromXml).isEqualTo(fromBinary);
    }
}
