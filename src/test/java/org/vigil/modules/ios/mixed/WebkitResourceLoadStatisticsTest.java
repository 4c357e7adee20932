package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
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

class WebkitResourceLoadStatisticsTest {
    private static final String REL = WebkitResourceLoadStatistics.BACKUP_RELATIVE_PATH;
    private static final String CHROME = "AppDomain-com.google.chrome.ios";
    @TempDir
    Path tmp;

    private final WebkitResourceLoadStatistics module = new WebkitResourceLoadStatistics();

    @SuppressWarnings("unchecked")
    private static List<WebkitResourceLoadStatistics.Observation> records(ModuleResult r) {
        return (List<WebkitResourceLoadStatistics.Observation>) r.results();
    }

    private static Indicators domains(String... values) {
        Indicators.Builder b = Indicators.builder();
        for (String v : values) {
            b.add(IndicatorType.DOMAINS, v, "TestMalware", "test.stix2");
        }
        return b.build();
    }

    /** observations.db as WebKit writes it on iOS 15 (no web-push column). */
    private Path db(String name, Object[]... rows) throws Exception {
        Path db = sqlite(tmp.resolve(name),
                "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL UNIQUE"
                        + " ON CONFLICT FAIL, lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL,"
                        + " mostRecentUserInteractionTime REAL NOT NULL, grandfathered INTEGER NOT NULL,"
                        + " isPrevalent INTEGER NOT NULL, isVeryPrevalent INTEGER NOT NULL,"
                        + " dataRecordsRemoved INTEGER NOT NULL, timesAccessedAsFirstPartyDueToUserInteraction INTEGER"
                        + " NOT NULL, timesAccessedAsFirstPartyDueToStorageAccessAPI INTEGER NOT NULL,"
                        + " isScheduledForAllButCookieDataRemoval INTEGER NOT NULL)");
        insert(db, "INSERT INTO ObservedDomains VALUES (?,?,?,?,?,0,0,0,0,0,0,0)", rows);
        return db;
    }

    private static String id(String domain) {
        return FileIds.of(domain, REL);
    }

    // --- real sample ---------------------------------------------------------------------------

    @Test
    void extractsTheSampleLikeMvt() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(records(r)).containsExactly(
                new WebkitResourceLoadStatistics.Observation(1, "google.com", 1634560250.0, true,
                        "2021-10-18 12:30:50.000000", CHROME, REL, 1634560030.76862, "2021-10-18 12:27:10.768620",
                        null, null),
                new WebkitResourceLoadStatistics.Observation(2, "gstatic.com", 1634560030.0, false,
                        "2021-10-18 12:27:10.000000", CHROME, REL, -1.0, null, null, null));
        Fixtures.assertKeys(json(records(r).get(0)), "domain_id", "registrable_domain", "last_seen",
                "had_user_interaction", "last_seen_isodate", "domain", "path", "most_recent_user_interaction_time",
                "most_recent_user_interaction_time_isodate");
        Fixtures.assertKeys(json(records(r).get(1)), "domain_id", "registrable_domain", "last_seen",
                "had_user_interaction", "last_seen_isodate", "domain", "path", "most_recent_user_interaction_time");
        assertThat(json(records(r).get(1)).get("most_recent_user_interaction_time").asDouble()).isEqualTo(-1.0);
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void sampleTimeline() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2021-10-18 12:30:50.000000", "WebkitResourceLoadStatistics", "visit",
                        "Webkit resource loaded from google.com by app in domain " + CHROME),
                new TimelineEvent("2021-10-18 12:27:10.000000", "WebkitResourceLoadStatistics", "visit",
                        "Webkit resource loaded from gstatic.com by app in domain " + CHROME));
    }

    @Test
    void sampleBackupFileIdIsTheSha1OfDomainAndPath() {
        assertThat(id(CHROME)).startsWith("6e9d0cb7");
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocSampleDomain() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup(), domains("example.org", "gstatic.com"));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("webkit_resource_load_statistics");
        assertThat(a.eventTime()).isEmpty();
        assertThat(a.matchedIndicator().value()).isEqualTo("gstatic.com");
        assertThat(a.event()).isSameAs(records(r).get(1));
    }

    @Test
    void generatedIndicatorsDoNotMatchTheSample() throws Exception {
        assertThat(run(module, Fixtures.sampleBackup(), domains("example.org")).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocRecheckOfMvtJson() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"registrable_domain\": \"google.com\"},"
                + " {\"registrable_domain\": \"evil.example.net\", \"last_seen_isodate\": \"2021-10-18 12:27:10.000000\"}]");
        List<Alert> alerts = module.recheck(results, domains("example.net"));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).event()).isSameAs(results.get(1));
        assertThat(module.recheck(results, Indicators.empty())).isEmpty();
    }

    // --- schemas ---------------------------------------------------------------------------------------

    @Test
    void fullTimestampSchema() throws Exception {
        Path db = sqlite(tmp.resolve("observations.db"),
                "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT NOT NULL,"
                        + " lastSeen REAL NOT NULL, hadUserInteraction INTEGER NOT NULL,"
                        + " mostRecentUserInteractionTime REAL NOT NULL, mostRecentWebPushInteractionTime REAL NOT NULL)");
        insert(db, "INSERT INTO ObservedDomains VALUES (?,?,?,?,?,?)",
                new Object[] {1, "example.com", 1634560250.0, 1, 1634560030.0, -1.0});
        ModuleResult r = run(module, new FakeSource(SourceKind.IOS_FS, tmp)
                .add(path("AAAA"), "", path("AAAA"), db));
        assertThat(records(r)).containsExactly(new WebkitResourceLoadStatistics.Observation(1, "example.com",
                1634560250.0, true, "2021-10-18 12:30:50.000000", "", path("AAAA"), 1634560030.0,
                "2021-10-18 12:27:10.000000", -1.0, null));
        Fixtures.assertKeys(json(records(r).get(0)), "domain_id", "registrable_domain", "last_seen",
                "had_user_interaction", "last_seen_isodate", "domain", "path", "most_recent_user_interaction_time",
                "most_recent_user_interaction_time_isodate", "most_recent_web_push_interaction_time");
        assertThat(r.timeline()).extracting(TimelineEvent::data).containsExactly("Webkit resource loaded from example.com");
    }

    private static String path(String uuid) {
        return "private/var/mobile/Containers/Data/Application/" + uuid + "/" + REL;
    }

    @Test
    void oldestSchemaWithoutInteractionTimes() throws Exception {
        Path db = sqlite(tmp.resolve("old.db"),
                "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT, lastSeen REAL,"
                        + " hadUserInteraction INTEGER)",
                "INSERT INTO ObservedDomains VALUES (3, 'example.net', 1600000000.0, 0)");
        FakeSource src = new FakeSource(SourceKind.IOS_BACKUP, tmp).add(id("AppDomain-x"), "AppDomain-x", REL, db);
        ModuleResult r = run(module, src);
        Fixtures.assertKeys(json(records(r).get(0)), "domain_id", "registrable_domain", "last_seen",
                "had_user_interaction", "last_seen_isodate", "domain", "path");
    }

    @Test
    void everyAppDatabaseAndSafariViewService() throws Exception {
        Path a = db("a.db", new Object[] {1, "a.example", 1600000000.0, 0, -1.0});
        Path b = db("b.db", new Object[] {1, "b.example", 1600000100.0, 1, 1600000050.0});
        String svc = "private/var/mobile/Containers/Data/Application/BBBB/SystemData/com.apple.SafariViewService/"
                + "Library/WebKit/WebsiteData/observations.db";
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(path("AAAA"), "", path("AAAA"), a)
                .add(svc, "", svc, b);
        ModuleResult r = run(module, fs);
        assertThat(records(r)).extracting(WebkitResourceLoadStatistics.Observation::registrableDomain,
                WebkitResourceLoadStatistics.Observation::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a.example", path("AAAA")),
                        org.assertj.core.groups.Tuple.tuple("b.example", svc));
    }

    @Test
    void oneDamagedDatabaseDoesNotHideTheOthers() throws Exception {
        Path good = db("good.db", new Object[] {1, "a.example", 1600000000.0, 0, -1.0});
        Path bad = Fixtures.randomFile(tmp, "bad.db");
        FakeSource src = new FakeSource(SourceKind.IOS_BACKUP, tmp)
                .add(id("AppDomain-a"), "AppDomain-a", REL, bad)
                .add(id("AppDomain-b"), "AppDomain-b", REL, good);
        assertThat(records(run(module, src))).extracting(WebkitResourceLoadStatistics.Observation::domain)
                .containsExactly("AppDomain-b");
    }

    // --- absent and unreadable ----------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("WebKit observations.db not found");
    }

    @Test
    void listedButNotInBackup() {
        FakeSource src = new FakeSource(SourceKind.IOS_BACKUP, tmp).add(id("AppDomain-a"), "AppDomain-a", REL, null);
        assertThatThrownBy(() -> run(module, src)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("AppDomain-a/" + REL + ": listed in Manifest.db but not in the backup");
    }

    private FakeSource one(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(id("AppDomain-a"), "AppDomain-a", REL, file);
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Fixtures.emptyFile(tmp, "x");
        assertThatThrownBy(() -> run(module, one(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("AppDomain-a/" + REL + ": ");
    }

    @Test
    void randomBytes() throws Exception {
        Path f = Fixtures.randomFile(tmp, "x");
        assertThatThrownBy(() -> run(module, one(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("AppDomain-a/" + REL + ": ");
    }

    @Test
    void foreignSchema() throws Exception {
        Path f = Fixtures.foreignDb(tmp, "x.db");
        assertThatThrownBy(() -> run(module, one(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage("AppDomain-a/" + REL + ": no table ObservedDomains");
    }

    @Test
    void missingRequiredColumn() throws Exception {
        Path f = sqlite(tmp.resolve("y.db"),
                "CREATE TABLE ObservedDomains (domainID INTEGER PRIMARY KEY, registrableDomain TEXT, lastSeen REAL)");
        assertThatThrownBy(() -> run(module, one(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage("AppDomain-a/" + REL + ": no column hadUserInteraction in table ObservedDomains");
    }
}
