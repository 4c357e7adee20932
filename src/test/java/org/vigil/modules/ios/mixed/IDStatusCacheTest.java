package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

class IDStatusCacheTest {
    static final String ID = "6b97989189901ceaa4e5be9b7f05fb584120e27b";
    static final String NAME = "HomeDomain/Library/Preferences/com.apple.identityservices.idstatuscache.plist";
    static final String NUL_USER = "mailto:x\u0000\u0000y@example.net";

    @TempDir
    Path tmp;

    private final IDStatusCache module = new IDStatusCache();

    private static List<IDStatusCache.Entry> records(ModuleResult r) {
        @SuppressWarnings("unchecked")
        List<IDStatusCache.Entry> l = (List<IDStatusCache.Entry>) r.results();
        return l;
    }

    /** A plist as iOS writes it: {service: {user: {LookupDate, IDStatus}}}, plus a non-dict key. */
    private static Map<String, Object> cache() {
        return dict(
                "com.apple.madrid", dict(
                        "mailto:alice@example.org", dict("LookupDate", 726100000.0, "IDStatus", 1),
                        "tel:+14155550100", dict("LookupDate", 726100100.5, "IDStatus", 2),
                        "tel:+14155550199", dict("IDStatus", 2)),
                "com.apple.private.alloy.facetime.multi", dict(
                        "tel:+14155550100", dict("LookupDate", 726200000.0, "IDStatus", 1)),
                "LastSaveVersion", 3);
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp)
                .add(ID, "HomeDomain", "Library/Preferences/com.apple.identityservices.idstatuscache.plist", file);
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    @Test
    void backupFileIdIsSha1OfDomainAndPath() {
        assertThat(com.google.common.hash.Hashing.sha1().hashString(
                "HomeDomain-Library/Preferences/com.apple.identityservices.idstatuscache.plist",
                java.nio.charset.StandardCharsets.UTF_8).toString()).isEqualTo(ID).startsWith("6b979891");
    }

    // --- real sample: listed in Manifest.db, content absent (MVT: "database not found") -----------

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
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("com.apple.identityservices.idstatuscache.plist not found");
    }

    // --- extraction -----------------------------------------------------------------------------

    @Test
    void extractsEveryLookupWithOccurrences() throws Exception {
        ModuleResult r = run(module, backup(PlistFixtures.binary(tmp.resolve("c.plist"), cache())));
        assertThat(records(r)).containsExactly(
                new IDStatusCache.Entry("com.apple.madrid", "mailto:alice@example.org", "2024-01-04 22:26:40.000000",
                        1L, 1),
                new IDStatusCache.Entry("com.apple.madrid", "tel:+14155550100", "2024-01-04 22:28:20.500000", 2L, 2),
                new IDStatusCache.Entry("com.apple.private.alloy.facetime.multi", "tel:+14155550100",
                        "2024-01-06 02:13:20.000000", 1L, 2));
        assertThat(r.alerts()).isEmpty();
        Fixtures.assertKeys(json(records(r).get(0)), "package", "user", "isodate", "idstatus", "occurrences");
        assertThat(json(records(r).get(1)).toString()).isEqualTo("{\"package\":\"com.apple.madrid\","
                + "\"user\":\"tel:+14155550100\",\"isodate\":\"2024-01-04 22:28:20.500000\",\"idstatus\":2,"
                + "\"occurrences\":2}");
    }

    @Test
    void xmlPlistGivesTheSameRecords() throws Exception {
        ModuleResult bin = run(module, backup(PlistFixtures.binary(tmp.resolve("b.plist"), cache())));
        ModuleResult xml = run(module, backup(PlistFixtures.xml(tmp.resolve("x.plist"), cache())));
        assertThat(records(xml)).isEqualTo(records(bin));
    }

    @Test
    void nulCharactersAreWrittenAsLiteralEscapes() throws Exception {
        Path f = PlistFixtures.binary(tmp.resolve("c.plist"),
                dict("com.apple.madrid", dict(NUL_USER, dict("LookupDate", 726100000.0, "IDStatus", 1))));
        assertThat(records(run(module, backup(f)))).extracting(IDStatusCache.Entry::user)
                .containsExactly("mailto:x\\x00\\x00y@example.net");
    }

    @Test
    void timeline() throws Exception {
        ModuleResult r = run(module, backup(PlistFixtures.binary(tmp.resolve("c.plist"), cache())));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "IDStatusCache", "lookup",
                        "Lookup of mailto:alice@example.org within com.apple.madrid (Status 1)"),
                new TimelineEvent("2024-01-04 22:28:20.500000", "IDStatusCache", "lookup",
                        "Lookup of tel:+14155550100 within com.apple.madrid (Status 2)"),
                new TimelineEvent("2024-01-06 02:13:20.000000", "IDStatusCache", "lookup",
                        "Lookup of tel:+14155550100 within com.apple.private.alloy.facetime.multi (Status 1)"));
    }

    @Test
    void fsDumpReadsBothLocations() throws Exception {
        String p1 = "private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist";
        String p2 = "private/var/mobile/Library/IdentityServices/idstatuscache.plist";
        Path f1 = PlistFixtures.binary(tmp.resolve("1.plist"), cache());
        Path f2 = PlistFixtures.xml(tmp.resolve("2.plist"),
                dict("com.apple.madrid", dict("tel:+14155550100", dict("LookupDate", 600000000.0, "IDStatus", 1))));
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(p1, "", p1, f1).add(p2, "", p2, f2);
        ModuleResult r = run(module, fs);
        assertThat(records(r)).hasSize(4);
        // occurrences count within one file, as MVT
        assertThat(records(r).get(3)).isEqualTo(new IDStatusCache.Entry("com.apple.madrid", "tel:+14155550100",
                "2020-01-06 10:40:00.000000", 1L, 1));
    }

    // --- checks ----------------------------------------------------------------------------------

    @Test
    @Tag("needs-ioc-engine")
    void emailIndicatorIsCritical() throws Exception {
        ModuleResult r = run(module, backup(PlistFixtures.binary(tmp.resolve("c.plist"), cache())),
                iocs(IndicatorType.EMAILS, "Alice@Example.org"));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("id_status_cache");
        assertThat(a.message()).isEqualTo(
                "Found a known suspicious email address \"alice@example.org\" matching indicators from \"TestMalware\"");
        assertThat(a.eventTime()).isEmpty();
        assertThat(a.event()).isEqualTo(records(r).get(0));
        assertThat(a.matchedIndicator().value()).isEqualTo("alice@example.org");
    }

    @Test
    @Tag("needs-ioc-engine")
    void otherEmailIsNotFlagged() throws Exception {
        ModuleResult r = run(module, backup(PlistFixtures.binary(tmp.resolve("c.plist"), cache())),
                iocs(IndicatorType.EMAILS, "bob@example.org"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void nulPatternIsHighOnlyWithIndicators() throws Exception {
        Path f = PlistFixtures.binary(tmp.resolve("c.plist"), dict("com.apple.madrid", dict(
                NUL_USER, dict("LookupDate", 726100000.0, "IDStatus", 1),
                "mailto:x\u0000y@example.net", dict("LookupDate", 726100000.0, "IDStatus", 1))));
        assertThat(run(module, backup(f)).alerts()).isEmpty();
        ModuleResult r = run(module, backup(f), iocs(IndicatorType.PROCESSES, "Launch"));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.HIGH,
                        "Found an ID Status Cache entry with suspicious patterns: mailto:x\\x00\\x00y@example.net"));
        assertThat(r.alerts().get(0).matchedIndicator()).isNull();
    }

    @Test
    @Tag("needs-ioc-engine")
    void recheckFindsEmailsOnly() throws Exception {
        ModuleResult r = run(module, backup(PlistFixtures.binary(tmp.resolve("c.plist"), dict("com.apple.madrid",
                dict("mailto:'alice@example.org'", dict("LookupDate", 726100000.0, "IDStatus", 1),
                        NUL_USER, dict("LookupDate", 726100000.0, "IDStatus", 1))))));
        List<Alert> alerts = module.recheck(json(r.results()), iocs(IndicatorType.EMAILS, "alice@example.org"));
        assertThat(alerts).extracting(Alert::level).containsExactly(Level.CRITICAL);
        assertThat(module.recheck(json(r.results()), iocs(IndicatorType.EMAILS, "x@example.org"))).isEmpty();
    }

    // --- damaged or foreign files ------------------------------------------------------------------

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
        Path f = PlistFixtures.binary(tmp.resolve("c.plist"), dict("WebKitShowLinkPreviews", false));
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no service dictionary (expected {service: {user: {LookupDate, IDStatus}}})");
        Path array = PlistFixtures.binary(tmp.resolve("a.plist"), List.of("a", "b"));
        assertThatThrownBy(() -> run(module, backup(array))).isInstanceOf(CorruptArtifactException.class)
                .hasMessage(NAME + ": property list root is not a dictionary but an array");
    }

    @Test
    void emptyCacheIsCheckedWithNoRecords() throws Exception {
        ModuleResult r = run(module, backup(PlistFixtures.binary(tmp.resolve("c.plist"), dict())));
        assertThat(records(r)).isEmpty();
        assertThat(r.timeline()).isEmpty();
    }
}
