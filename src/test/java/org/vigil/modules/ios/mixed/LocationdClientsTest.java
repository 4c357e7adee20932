package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.PlistFixtures.dict;

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
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class LocationdClientsTest {
    static final String ID = "a690d7769cce8904ca2b67320b107c8fe5f79412";
    static final String NAME = "RootDomain/Library/Caches/locationd/clients.plist";
    static final String SIRI = "/System/Library/LocationBundles/Siri.bundle";

    @TempDir
    Path tmp;

    private final LocationdClients module = new LocationdClients();

    private static List<Map<String, Object>> records(ModuleResult r) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> l = (List<Map<String, Object>>) r.results();
        return l;
    }

    /** clients.plist as iOS writes it: one dictionary per client, plus migration counters. */
    private static Map<String, Object> clients() {
        return dict(
                "com.apple.Maps", dict("BundleId", "com.apple.Maps", "Authorization", 2,
                        "LocationTimeStopped", 726100000.0, "Whitelisted", false,
                        "ClientStorageToken", new byte[] {1, 2, 3}, "ConsumptionPeriodBegin", 726000000.5,
                        "Registered", true),
                "com.apple.locationd.bundle-" + SIRI, dict("BundlePath", SIRI, "Authorization", 2,
                        "Executable", SIRI + "/Siri"),
                "/usr/libexec/bh:", dict("Executable", "/usr/libexec/bh", "Registered", "/usr/libexec/bh",
                        "SignificantTimeStopped", 0.0, "FenceTimeStopped", 726100100.0),
                "MigrationVersion", 5);
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(ID, "RootDomain", "Library/Caches/locationd/clients.plist",
                file);
    }

    private ModuleResult runFixture(Indicators iocs) throws Exception {
        return run(module, backup(PlistFixtures.binary(tmp.resolve("clients.plist"), clients())), iocs);
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    @Test
    void backupFileIdIsSha1OfDomainAndPath() {
        assertThat(com.google.common.hash.Hashing.sha1().hashString("RootDomain-Library/Caches/locationd/clients.plist",
                java.nio.charset.StandardCharsets.UTF_8).toString()).isEqualTo(ID).startsWith("a690d776");
    }

    @Test
    void sampleIsListedButAbsent() throws Exception {
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void missing() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("locationd clients.plist not found");
    }

    @Test
    void extractsEveryClientDictionary() throws Exception {
        ModuleResult r = runFixture(Indicators.empty());
        assertThat(records(r)).hasSize(3);
        assertThat(json(records(r).get(0)).toString()).isEqualTo("{\"BundleId\":\"com.apple.Maps\","
                + "\"Authorization\":2,\"LocationTimeStopped\":\"2024-01-04 22:26:40.000000\",\"Whitelisted\":false,"
                + "\"ClientStorageToken\":\"AQID\",\"ConsumptionPeriodBegin\":\"2024-01-03 18:40:00.500000\","
                + "\"Registered\":true,\"package\":\"com.apple.Maps\"}");
        assertThat(records(r)).extracting(m -> m.get("package")).containsExactly("com.apple.Maps",
                "com.apple.locationd.bundle-" + SIRI, "/usr/libexec/bh");
        assertThat(records(r).get(2)).containsEntry("SignificantTimeStopped", "")
                .containsEntry("FenceTimeStopped", "2024-01-04 22:28:20.000000");
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void xmlPlistGivesTheSameRecords() throws Exception {
        ModuleResult bin = runFixture(Indicators.empty());
        ModuleResult xml = run(module, backup(PlistFixtures.xml(tmp.resolve("x.plist"), clients())));
        assertThat(json(xml.results())).isEqualTo(json(bin.results()));
    }

    @Test
    void timelineHasOneEventPerTimestampKey() throws Exception {
        assertThat(runFixture(Indicators.empty()).timeline()).containsExactly(
                new TimelineEvent("2024-01-03 18:40:00.500000", "LocationdClients", "ConsumptionPeriodBegin",
                        "ConsumptionPeriodBegin from com.apple.Maps"),
                new TimelineEvent("2024-01-04 22:26:40.000000", "LocationdClients", "LocationTimeStopped",
                        "LocationTimeStopped from com.apple.Maps"),
                new TimelineEvent("", "LocationdClients", "SignificantTimeStopped",
                        "SignificantTimeStopped from /usr/libexec/bh"),
                new TimelineEvent("2024-01-04 22:28:20.000000", "LocationdClients", "FenceTimeStopped",
                        "FenceTimeStopped from /usr/libexec/bh"));
    }

    @Test
    void fsDumpReadsBothLocations() throws Exception {
        String p1 = "private/var/mobile/Library/Caches/locationd/clients.plist";
        String p2 = "private/var/root/Library/Caches/locationd/clients.plist";
        Path f1 = PlistFixtures.binary(tmp.resolve("1.plist"), clients());
        Path f2 = PlistFixtures.binary(tmp.resolve("2.plist"), dict("com.apple.weather:", dict("Authorization", 4)));
        ModuleResult r = run(module, new FakeSource(SourceKind.IOS_FS, tmp).add(p1, "", p1, f1).add(p2, "", p2, f2));
        assertThat(records(r)).extracting(m -> m.get("package")).containsExactly("com.apple.Maps",
                "com.apple.locationd.bundle-" + SIRI, "/usr/libexec/bh", "com.apple.weather");
    }

    @Test
    @Tag("needs-ioc-engine")
    void processInPackageIsHigh() throws Exception {
        ModuleResult r = runFixture(iocs(IndicatorType.PROCESSES, "bh"));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message, Alert::eventTime).containsExactly(
                tuple(Level.HIGH, "Found a suspicious process name in LocationD entry /usr/libexec/bh", ""));
        assertThat(r.alerts().get(0).event()).isSameAs(records(r).get(2));
        assertThat(r.alerts().get(0).matchedIndicator().value()).isEqualTo("bh");
    }

    @Test
    @Tag("needs-ioc-engine")
    void bundleIdAsProcessIsHigh() throws Exception {
        ModuleResult r = runFixture(iocs(IndicatorType.PROCESSES, "com.apple.Maps"));
        // the package check and the BundleId check both hit the Maps client; MVT stops after the first
        assertThat(r.alerts()).extracting(Alert::message)
                .containsExactly("Found a suspicious process name in LocationD entry com.apple.Maps");
    }

    @Test
    @Tag("needs-ioc-engine")
    void filePathsAreHigh() throws Exception {
        ModuleResult r = runFixture(iocs(IndicatorType.FILE_PATHS, SIRI));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                tuple(Level.HIGH, "Found a suspicious file path in LocationD entry " + SIRI));
        ModuleResult reg = runFixture(iocs(IndicatorType.FILE_PATHS, "/usr/libexec/"));
        assertThat(reg.alerts()).extracting(Alert::message)
                .containsExactly("Found a suspicious file path in LocationD entry /usr/libexec/bh");
    }

    @Test
    @Tag("needs-ioc-engine")
    void unrelatedIndicatorsDoNotMatch() throws Exception {
        assertThat(runFixture(iocs(IndicatorType.PROCESSES, "Launch")).alerts()).isEmpty();
        assertThat(runFixture(iocs(IndicatorType.FILE_PATHS, "/private/var/tmp")).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void recheckRunsTheSameChecks() throws Exception {
        ModuleResult r = runFixture(Indicators.empty());
        List<Alert> alerts = module.recheck(json(r.results()), iocs(IndicatorType.FILE_PATHS, SIRI));
        assertThat(alerts).extracting(Alert::message)
                .containsExactly("Found a suspicious file path in LocationD entry " + SIRI);
        assertThat(module.recheck(json(r.results()), iocs(IndicatorType.PROCESSES, "Launch"))).isEmpty();
    }

    @Test
    void emptyFileIsCorrupt() throws Exception {
        assertThatThrownBy(() -> run(module, backup(Fixtures.emptyFile(tmp, "c.plist"))))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith(NAME + ": empty file");
    }

    @Test
    void randomBytesAreCorrupt() throws Exception {
        assertThatThrownBy(() -> run(module, backup(Fixtures.randomFile(tmp, "c.plist"))))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith(NAME + ":");
    }

    @Test
    void foreignPlistIsUnsupported() throws Exception {
        Path f = PlistFixtures.binary(tmp.resolve("c.plist"), dict("LDMGlobalEnabled", true));
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no client dictionary (expected {client: {...}})");
    }

    @Test
    void sharedObjectsThatExpandBeyondTheLimitAreRefused() throws Exception {
        // one 2-element array referenced by every client: small on disk, 21 nested levels of sharing
        com.dd.plist.NSArray level = new com.dd.plist.NSArray(new com.dd.plist.NSString("x"),
                new com.dd.plist.NSString("y"));
        for (int i = 0; i < 20; i++) {
            level = new com.dd.plist.NSArray(level, level);
        }
        com.dd.plist.NSDictionary root = new com.dd.plist.NSDictionary();
        com.dd.plist.NSDictionary client = new com.dd.plist.NSDictionary();
        client.put("Blob", level);
        root.put("com.example.a", client);
        Path f = java.nio.file.Files.write(tmp.resolve("bomb.plist"),
                com.dd.plist.BinaryPropertyListWriter.writeToArray(root));
        assertThat(java.nio.file.Files.size(f)).isLessThan(2_000);
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ":");
    }
}
