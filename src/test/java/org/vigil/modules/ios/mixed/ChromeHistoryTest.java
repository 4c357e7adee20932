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
import org.vigil.modules.ios.mixed.ChromeHistory.Visit;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class ChromeHistoryTest {
    private static final String NAME =
            "AppDomain-com.google.chrome.ios/Library/Application Support/Google/Chrome/Default/History";
    /** 2024-01-04 22:26:40 UTC in Chrome time (microseconds since 1601). */
    private static final long T0 = (1_704_407_200L + 11_644_473_600L) * 1_000_000L;

    @TempDir
    Path tmp;

    private final ChromeHistory module = new ChromeHistory();

    @SuppressWarnings("unchecked")
    private static List<Visit> records(ModuleResult r) {
        return (List<Visit>) r.results();
    }

    /** Chrome's History tables (the columns MVT reads and a few others). */
    private Path history() throws Exception {
        Path db = sqlite(tmp.resolve("History"),
                "CREATE TABLE urls (id INTEGER PRIMARY KEY AUTOINCREMENT, url LONGVARCHAR, title LONGVARCHAR,"
                        + " visit_count INTEGER DEFAULT 0 NOT NULL, typed_count INTEGER DEFAULT 0 NOT NULL,"
                        + " last_visit_time INTEGER NOT NULL, hidden INTEGER DEFAULT 0 NOT NULL)",
                "CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL,"
                        + " from_visit INTEGER, transition INTEGER DEFAULT 0 NOT NULL, segment_id INTEGER,"
                        + " visit_duration INTEGER DEFAULT 0 NOT NULL)");
        insert(db, "INSERT INTO urls (id, url, title, last_visit_time) VALUES (?,?,?,?)",
                new Object[] {1, "https://news.example.net/", "News", T0},
                new Object[] {2, "https://tracker.bad.example.org/x?y=1", "x", T0});
        insert(db, "INSERT INTO visits (id, url, visit_time, from_visit) VALUES (?,?,?,?)",
                new Object[] {10, 2, T0 + 1_500_000L, 11}, new Object[] {11, 1, T0, 0},
                new Object[] {12, 1, T0 + 60_000_000L, null});
        return db;
    }

    private FakeSource backup(Path db) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(ChromeHistory.BACKUP_ID, ChromeHistory.DOMAIN,
                ChromeHistory.RELATIVE_PATH, db);
    }

    @Test
    void extractsVisitsByTime() throws Exception {
        ModuleResult r = run(module, backup(history()));
        assertThat(records(r)).containsExactly(
                new Visit(1, "https://news.example.net/", 11, T0, "2024-01-04 22:26:40.000000", 0),
                new Visit(2, "https://tracker.bad.example.org/x?y=1", 10, T0 + 1_500_000L,
                        "2024-01-04 22:26:41.500000", 11),
                new Visit(1, "https://news.example.net/", 12, T0 + 60_000_000L, "2024-01-04 22:27:40.000000", null));
        assertThat(r.alerts()).isEmpty();
        JsonNode node = json(records(r).get(0));
        Fixtures.assertKeys(node, "id", "url", "visit_id", "timestamp", "isodate", "redirect_source");
        assertThat(node.get("timestamp").asLong()).isEqualTo(T0);
    }

    @Test
    void timeline() throws Exception {
        ModuleResult r = run(module, backup(history()));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "ChromeHistory", "visit",
                        "1 - https://news.example.net/ (visit ID: 11, redirect source: 0)"),
                new TimelineEvent("2024-01-04 22:26:41.500000", "ChromeHistory", "visit",
                        "2 - https://tracker.bad.example.org/x?y=1 (visit ID: 10, redirect source: 11)"),
                new TimelineEvent("2024-01-04 22:27:40.000000", "ChromeHistory", "visit",
                        "1 - https://news.example.net/ (visit ID: 12, redirect source: None)"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocVisitedDomainIsCritical() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example.org", "TestMalware",
                "test.stix2").build();
        ModuleResult r = run(module, backup(history()), iocs);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("chrome_history");
        assertThat(a.event()).isSameAs(records(r).get(1));
        assertThat(a.eventTime()).isEqualTo("2024-01-04 22:26:41.500000");
        assertThat(a.matchedIndicator().value()).isEqualTo("bad.example.org");
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocUnrelatedDomainDoesNotMatch() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "example.com", "TestMalware", "test.stix2")
                .build();
        assertThat(run(module, backup(history()), iocs).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void recheckOfMvtJson() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"id\": 1, \"url\": \"https://ok.example.net/\"},"
                + " {\"id\": 2, \"url\": \"http://example.com/thisisbad\", \"isodate\": \"2024-01-04 22:26:40.000000\"}]");
        Indicators iocs = Indicators.builder().add(IndicatorType.URLS, "http://example.com/thisisbad", "TestMalware",
                "test.stix2").build();
        List<Alert> alerts = module.recheck(results, iocs);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).event()).isSameAs(results.get(1));
        assertThat(alerts.get(0).eventTime()).isEqualTo("2024-01-04 22:26:40.000000");
        assertThat(module.recheck(results, Indicators.empty())).isEmpty();
    }

    @Test
    void olderSchemaWithoutFromVisit() throws Exception {
        Path db = sqlite(tmp.resolve("old"), "CREATE TABLE urls (id INTEGER PRIMARY KEY, url LONGVARCHAR)",
                "CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER NOT NULL)",
                "INSERT INTO urls VALUES (5, 'https://old.example.net/')", "INSERT INTO visits VALUES (7, 5, 0)");
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).containsExactly(new Visit(5, "https://old.example.net/", 7, 0, "", null));
        assertThat(r.timeline()).containsExactly(new TimelineEvent("", "ChromeHistory", "visit",
                "5 - https://old.example.net/ (visit ID: 7, redirect source: None)"));
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        String p = "private/var/mobile/Containers/Data/Application/ABCD/Library/Application Support/Google/Chrome/"
                + "Default/History";
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(p, "", p, history());
        assertThat(records(run(module, fs))).hasSize(3);
    }

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Chrome History not found");
    }

    @Test
    void listedButNotInBackup() {
        assertThatThrownBy(() -> run(module, backup(null))).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void sampleListsTheDatabaseWithoutItsContent() throws Exception {
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Fixtures.emptyFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void randomBytes() throws Exception {
        Path f = Fixtures.randomFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void foreignSchema() throws Exception {
        Path f = Fixtures.foreignDb(tmp, "x.db");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table urls");
    }

    @Test
    void visitsWithoutVisitTime() throws Exception {
        Path f = sqlite(tmp.resolve("h"), "CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT)",
                "CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER)");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column visit_time in table visits");
    }
}
