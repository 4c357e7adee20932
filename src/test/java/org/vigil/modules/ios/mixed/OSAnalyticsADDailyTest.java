package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.PlistFixtures.date;
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

class OSAnalyticsADDailyTest {
    static final String ID = "f65b5fafc69bbd3c60be019c6e938e146825fa83";
    static final String NAME = "HomeDomain/Library/Preferences/com.apple.osanalytics.addaily.plist";

    @TempDir
    Path tmp;

    private final OSAnalyticsADDaily module = new OSAnalyticsADDaily();

    private static List<OSAnalyticsADDaily.Usage> records(ModuleResult r) {
        @SuppressWarnings("unchecked")
        List<OSAnalyticsADDaily.Usage> l = (List<OSAnalyticsADDaily.Usage>) r.results();
        return l;
    }

    /** addaily.plist as iOS writes it. */
    private static Map<String, Object> addaily() {
        return dict("netUsageBaseline", dict(
                        "com.apple.mobilesafari", List.of(date("2021-06-01T10:00:00Z"), 1000L, 200L, 30L, 4L),
                        "roleaccountd", List.of(date("2021-06-02T11:30:15.250Z"), 0L, 0L, 123456789L, 987L)),
                "lastProcessedDate", date("2021-06-03T00:00:00Z"));
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(ID, "HomeDomain",
                "Library/Preferences/com.apple.osanalytics.addaily.plist", file);
    }

    private ModuleResult runFixture(Indicators iocs) throws Exception {
        return run(module, backup(PlistFixtures.binary(tmp.resolve("addaily.plist"), addaily())), iocs);
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    @Test
    void backupFileIdIsSha1OfDomainAndPath() {
        assertThat(com.google.common.hash.Hashing.sha1().hashString(
                "HomeDomain-Library/Preferences/com.apple.osanalytics.addaily.plist",
                java.nio.charset.StandardCharsets.UTF_8).toString()).isEqualTo(ID).startsWith("f65b5faf");
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
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("com.apple.osanalytics.addaily.plist not found");
    }

    @Test
    void extractsEveryProcess() throws Exception {
        ModuleResult r = runFixture(Indicators.empty());
        assertThat(records(r)).containsExactly(
                new OSAnalyticsADDaily.Usage("com.apple.mobilesafari", "2021-06-01 10:00:00.000000", 1000L, 200L, 30L,
                        4L),
                new OSAnalyticsADDaily.Usage("roleaccountd", "2021-06-02 11:30:15.250000", 0L, 0L, 123456789L, 987L));
        assertThat(json(records(r).get(0)).toString()).isEqualTo("{\"package\":\"com.apple.mobilesafari\","
                + "\"ts\":\"2021-06-01 10:00:00.000000\",\"wifi_in\":1000,\"wifi_out\":200,\"wwan_in\":30,"
                + "\"wwan_out\":4}");
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void fsDumpPath() throws Exception {
        String p = "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist";
        Path f = PlistFixtures.xml(tmp.resolve("a.plist"), addaily());
        ModuleResult r = run(module, new FakeSource(SourceKind.IOS_FS, tmp).add(p, "", p, f));
        assertThat(records(r)).extracting(OSAnalyticsADDaily.Usage::packageName)
                .containsExactly("com.apple.mobilesafari", "roleaccountd");
    }

    @Test
    void timeline() throws Exception {
        assertThat(runFixture(Indicators.empty()).timeline()).containsExactly(
                new TimelineEvent("2021-06-01 10:00:00.000000", "OSAnalyticsADDaily", "osanalytics_addaily",
                        "com.apple.mobilesafari WIFI IN: 1000, WIFI OUT: 200 - WWAN IN: 30, WWAN OUT: 4"),
                new TimelineEvent("2021-06-02 11:30:15.250000", "OSAnalyticsADDaily", "osanalytics_addaily",
                        "roleaccountd WIFI IN: 0, WIFI OUT: 0 - WWAN IN: 123456789, WWAN OUT: 987"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void processIndicatorIsCritical() throws Exception {
        ModuleResult r = runFixture(iocs(IndicatorType.PROCESSES, "roleaccountd"));
        assertThat(r.alerts()).extracting(Alert::level, Alert::module, Alert::eventTime).containsExactly(
                tuple(Level.CRITICAL, "os_analytics_ad_daily", "2021-06-02 11:30:15.250000"));
        assertThat(r.alerts().get(0).message()).isEqualTo(
                "Found a known suspicious process name \"roleaccountd\" matching indicators from \"TestMalware\"");
        assertThat(r.alerts().get(0).event()).isEqualTo(records(r).get(1));
    }

    @Test
    @Tag("needs-ioc-engine")
    void otherProcessIsNotFlagged() throws Exception {
        assertThat(runFixture(iocs(IndicatorType.PROCESSES, "Launch")).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void recheck() throws Exception {
        ModuleResult r = runFixture(Indicators.empty());
        assertThat(module.recheck(json(r.results()), iocs(IndicatorType.PROCESSES, "roleaccountd")))
                .extracting(Alert::level, Alert::eventTime)
                .containsExactly(tuple(Level.CRITICAL, "2021-06-02 11:30:15.250000"));
        assertThat(module.recheck(json(r.results()), iocs(IndicatorType.PROCESSES, "bh"))).isEmpty();
    }

    @Test
    void emptyFileIsCorrupt() throws Exception {
        assertThatThrownBy(() -> run(module, backup(Fixtures.emptyFile(tmp, "a.plist"))))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith(NAME + ": empty file");
    }

    @Test
    void randomBytesAreCorrupt() throws Exception {
        assertThatThrownBy(() -> run(module, backup(Fixtures.randomFile(tmp, "a.plist"))))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith(NAME + ":");
    }

    @Test
    void foreignPlistIsUnsupported() throws Exception {
        Path f = PlistFixtures.binary(tmp.resolve("a.plist"), dict("lastProcessedDate", date("2021-06-03T00:00:00Z")));
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no key netUsageBaseline");
        Path g = PlistFixtures.binary(tmp.resolve("b.plist"), dict("netUsageBaseline", dict("bh", "oops")));
        assertThatThrownBy(() -> run(module, backup(g))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no netUsageBaseline entry is a list [date, wifi_in, wifi_out, wwan_in, wwan_out]");
    }

    @Test
    void malformedEntriesAreSkippedWhenOthersAreFine() throws Exception {
        Path f = PlistFixtures.binary(tmp.resolve("a.plist"), dict("netUsageBaseline", dict(
                "short", List.of(date("2021-06-01T10:00:00Z"), 1L),
                "ok", List.of(date("2021-06-01T10:00:00Z"), 1L, 2L, 3L, 4L))));
        assertThat(records(run(module, backup(f)))).extracting(OSAnalyticsADDaily.Usage::packageName)
                .containsExactly("ok");
    }
}
