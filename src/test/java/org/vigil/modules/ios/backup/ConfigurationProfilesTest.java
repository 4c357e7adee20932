package org.vigil.modules.ios.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.vigil.modules.ios.mixed.PlistFixtures.date;
import static org.vigil.modules.ios.mixed.PlistFixtures.dict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
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

class ConfigurationProfilesTest {
    static final ObjectMapper JSON = org.vigil.report.MvtJson.mapper();
    static final String DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
    static final String NOTIF_PATH = "Library/ConfigurationProfiles/profile-1f2e3d4c5b6a.stub";
    static final String WIFI_PATH = "Library/ConfigurationProfiles/profile-aabbccddeeff.stub";
    static final String NOTIF_UUID = "6D5A3C1B-1111-4222-8333-944455556666";
    static final String WIFI_UUID = "0B8E7E55-AAAA-4BBB-8CCC-DDDDEEEEFFFF";

    @TempDir
    Path tmp;

    private final ConfigurationProfiles module = new ConfigurationProfiles();

    static String fileId(String domain, String path) {
        return Hashing.sha1().hashString(domain + "-" + path, StandardCharsets.UTF_8).toString();
    }

    private static List<ConfigurationProfiles.Profile> records(ModuleResult r) {
        @SuppressWarnings("unchecked")
        List<ConfigurationProfiles.Profile> l = (List<ConfigurationProfiles.Profile>) r.results();
        return l;
    }

    /** A profile that silences notifications, with every binary value MVT base64-encodes. */
    static Map<String, Object> notificationProfile() {
        return dict(
                "PayloadContent", List.of(dict("PayloadType", "com.apple.notificationsettings",
                        "PayloadUUID", "11111111-2222-4333-8444-555555555555",
                        "PERSISTENT_REF", new byte[] {1, 2, 3},
                        "NotificationSettings", List.of(dict("BundleIdentifier", "com.apple.MobileSMS",
                                "ShowInLockScreen", false)))),
                "PayloadDisplayName", "Notifications",
                "PayloadDescription", "Silences messages",
                "PayloadIdentifier", "org.example.notif",
                "PayloadType", "Configuration",
                "PayloadUUID", NOTIF_UUID,
                "PayloadVersion", 1,
                "InstallDate", date("2021-06-01T10:00:00Z"),
                "SignerCerts", List.of(new byte[] {(byte) 0xff, 0}, new byte[] {65}),
                "OTAProfileStub", dict("SignerCerts", List.of(new byte[] {66}),
                        "PayloadContent", dict("EnrollmentIdentityPersistentID", new byte[] {67, 68},
                                "URL", "https://mdm.example.org/enroll")),
                "PushTokenDataSentToServerKey", new byte[] {69},
                "LastPushTokenHash", new byte[] {70, 71, 72},
                "UnlistedData", new byte[] {104, 105});
    }

    /** A Wi-Fi profile without install date. */
    static Map<String, Object> wifiProfile() {
        return dict(
                "PayloadContent", List.of(dict("PayloadType", "com.apple.wifi.managed",
                        "SSID_STR", "Office", "IdentityPersistentRef", new byte[] {9, 8})),
                "PayloadDisplayName", "Office Wi-Fi",
                "PayloadType", "Configuration",
                "PayloadUUID", WIFI_UUID);
    }

    private FakeSource backup(Path notif, Path wifi) throws Exception {
        Path other = PlistFixtures.binary(tmp.resolve("truth.plist"), dict("a", 1));
        FakeSource s = new FakeSource(SourceKind.IOS_BACKUP, tmp)
                .add(fileId(DOMAIN, "Library/ConfigurationProfiles/ProfileTruth.plist"), DOMAIN,
                        "Library/ConfigurationProfiles/ProfileTruth.plist", other)
                .add(fileId("HomeDomain", NOTIF_PATH), "HomeDomain", NOTIF_PATH, notif);
        if (notif != null) {
            s.add(fileId(DOMAIN, NOTIF_PATH), DOMAIN, NOTIF_PATH, notif);
        }
        if (wifi != null) {
            s.add(fileId(DOMAIN, WIFI_PATH), DOMAIN, WIFI_PATH, wifi);
        }
        return s;
    }

    private FakeSource fixture() throws Exception {
        return backup(PlistFixtures.binary(tmp.resolve("n.stub"), notificationProfile()),
                PlistFixtures.xml(tmp.resolve("w.stub"), wifiProfile()));
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    private ModuleResult run(FakeSource source, Indicators iocs) throws Exception {
        return module.run(BackupInfoTest.context(source, iocs));
    }

    @Test
    void realSampleHasNoProfile() throws Exception {
        try (IosBackupSource src = IosBackupSource.open(SharedData.iosBackup())) {
            assertThatThrownBy(() -> module.run(BackupInfoTest.context(src, Indicators.empty())))
                    .isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessage("configuration profile (" + DOMAIN + "/**/profile-*) not found");
        }
    }

    @Test
    void backupOnly() {
        assertThat(module.descriptor().sourceKinds())
                .containsExactlyInAnyOrder(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED);
        assertThat(module.descriptor().slug()).isEqualTo("configuration_profiles");
        assertThat(module.descriptor().pluginName()).isEqualTo("ConfigurationProfiles");
    }

    @Test
    void extractsProfilesOfTheDomainOnly() throws Exception {
        ModuleResult r = run(fixture(), Indicators.empty());
        assertThat(records(r)).extracting(ConfigurationProfiles.Profile::relativePath,
                ConfigurationProfiles.Profile::domain, ConfigurationProfiles.Profile::installDate).containsExactly(
                        tuple(NOTIF_PATH, DOMAIN, "2021-06-01 10:00:00.000000"), tuple(WIFI_PATH, DOMAIN, ""));
        assertThat(records(r).get(0).fileId()).isEqualTo(fileId(DOMAIN, NOTIF_PATH));
        assertThat(r.alerts()).isEmpty();

        JsonNode first = JSON.valueToTree(records(r).get(0));
        assertThat(first.fieldNames()).toIterable()
                .containsExactly("file_id", "relative_path", "domain", "plist", "install_date");
        JsonNode plist = first.get("plist");
        assertThat(plist.fieldNames()).toIterable().containsExactly("PayloadContent", "PayloadDisplayName",
                "PayloadDescription", "PayloadIdentifier", "PayloadType", "PayloadUUID", "PayloadVersion",
                "InstallDate", "SignerCerts", "OTAProfileStub", "PushTokenDataSentToServerKey", "LastPushTokenHash",
                "UnlistedData");
        assertThat(plist.get("InstallDate").asText()).isEqualTo("2021-06-01 10:00:00");
        assertThat(plist.get("SignerCerts").toString()).isEqualTo("[\"/wA=\",\"QQ==\"]");
        assertThat(plist.get("OTAProfileStub").toString()).isEqualTo("{\"SignerCerts\":[\"Qg==\"],"
                + "\"PayloadContent\":{\"EnrollmentIdentityPersistentID\":\"Q0Q=\","
                + "\"URL\":\"https://mdm.example.org/enroll\"}}");
        assertThat(plist.get("PushTokenDataSentToServerKey").asText()).isEqualTo("RQ==");
        assertThat(plist.get("LastPushTokenHash").asText()).isEqualTo("RkdI");
        assertThat(plist.get("PayloadContent").get(0).get("PERSISTENT_REF").asText()).isEqualTo("AQID");
        // other data is written as MVT's JSON encoder does (UTF-8 text)
        assertThat(plist.get("UnlistedData").asText()).isEqualTo("hi");
        JsonNode wifi = JSON.valueToTree(records(r).get(1)).get("plist");
        assertThat(wifi.get("PayloadContent").get(0).get("IdentityPersistentRef").asText()).isEqualTo("CQg=");
    }

    @Test
    void timelineOnlyForProfilesWithInstallDate() throws Exception {
        assertThat(run(fixture(), Indicators.empty()).timeline()).containsExactly(new TimelineEvent(
                "2021-06-01 10:00:00.000000", "ConfigurationProfiles", "configuration_profile_install",
                "Configuration installed: " + NOTIF_UUID + " - Notifications: Silences messages"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void knownProfileUuidIsCritical() throws Exception {
        ModuleResult r = run(fixture(), iocs(IndicatorType.IOS_PROFILE_IDS, WIFI_UUID.toLowerCase()));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message, Alert::eventTime).containsExactly(
                tuple(Level.MEDIUM, "Found a potentially suspicious configuration profile \"Notifications\" with "
                        + "payload type com.apple.notificationsettings", ""),
                tuple(Level.CRITICAL, "Found a known malicious configuration profile \"Office Wi-Fi\" with UUID \""
                        + WIFI_UUID + "\"", ""));
        assertThat(r.alerts().get(1).matchedIndicator().type()).isEqualTo("ios_profile_ids");
        assertThat(r.alerts().get(1).event()).isEqualTo(records(r).get(1));
    }

    @Test
    @Tag("needs-ioc-engine")
    void criticalReplacesTheNotificationHeuristic() throws Exception {
        ModuleResult r = run(fixture(), iocs(IndicatorType.IOS_PROFILE_IDS, NOTIF_UUID));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL);
    }

    @Test
    @Tag("needs-ioc-engine")
    void uuidInsideALongerIndicatorDoesNotMatch() throws Exception {
        // MVT's check_profile is a substring test: this indicator would match there (bug 12.7)
        ModuleResult r = run(fixture(), iocs(IndicatorType.IOS_PROFILE_IDS, "X" + WIFI_UUID + "-2"));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.MEDIUM);
    }

    @Test
    void notificationHeuristicNeedsIndicatorsAsInMvt() throws Exception {
        assertThat(run(fixture(), Indicators.empty()).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void notificationHeuristicWithIndicators() throws Exception {
        ModuleResult r = run(fixture(), iocs(IndicatorType.PROCESSES, "Launch"));
        assertThat(r.alerts()).extracting(Alert::level, Alert::event)
                .containsExactly(tuple(Level.MEDIUM, records(r).get(0)));
        assertThat(r.alerts().get(0).matchedIndicator()).isNull();
    }

    @Test
    @Tag("needs-ioc-engine")
    void recheckChecksUuidsOnly() throws Exception {
        JsonNode json = JSON.valueToTree(run(fixture(), Indicators.empty()).results());
        assertThat(module.recheck(json, iocs(IndicatorType.IOS_PROFILE_IDS, NOTIF_UUID)))
                .extracting(Alert::level, Alert::message).containsExactly(tuple(Level.CRITICAL,
                        "Found a known malicious configuration profile \"Notifications\" with UUID \"" + NOTIF_UUID
                                + "\""));
        assertThat(module.recheck(json, iocs(IndicatorType.PROCESSES, "Launch"))).isEmpty();
    }

    @Test
    void listedButAbsent() throws Exception {
        FakeSource s = new FakeSource(SourceKind.IOS_BACKUP, tmp).add(fileId(DOMAIN, NOTIF_PATH), DOMAIN, NOTIF_PATH,
                null);
        assertThatThrownBy(() -> run(s, Indicators.empty())).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(DOMAIN + "/" + NOTIF_PATH + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void corruptProfileAlone() throws Exception {
        Path empty = Files.write(tmp.resolve("e.stub"), new byte[0]);
        assertThatThrownBy(() -> run(backup(empty, null), Indicators.empty()))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(DOMAIN + "/" + NOTIF_PATH + ": empty file (0 bytes), not a property list");
        Path random = Files.write(tmp.resolve("r.stub"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> run(backup(random, null), Indicators.empty()))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith(DOMAIN + "/" + NOTIF_PATH + ":");
    }

    @Test
    void corruptProfileDoesNotHideTheOthers() throws Exception {
        Path empty = Files.write(tmp.resolve("e.stub"), new byte[0]);
        ModuleResult r = run(backup(empty, PlistFixtures.binary(tmp.resolve("w.stub"), wifiProfile())),
                Indicators.empty());
        assertThat(records(r)).extracting(ConfigurationProfiles.Profile::relativePath).containsExactly(WIFI_PATH);
    }

    @Test
    void foreignPlistGivesARecordWithoutTimeline() throws Exception {
        // a plist of another kind (older iOS stubs hold only a few keys): kept, nothing to flag or date
        Path f = PlistFixtures.binary(tmp.resolve("f.stub"), dict("ProfileVersion", 2));
        ModuleResult r = run(backup(f, null), iocs(IndicatorType.IOS_PROFILE_IDS, NOTIF_UUID));
        assertThat(records(r)).hasSize(1);
        assertThat(records(r).get(0).plist()).isEqualTo(Map.of("ProfileVersion", 2L));
        assertThat(r.timeline()).isEmpty();
        assertThat(r.alerts()).isEmpty();
    }
}
