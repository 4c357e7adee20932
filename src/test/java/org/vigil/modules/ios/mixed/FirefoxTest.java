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
import org.vigil.core.Module;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

/** FirefoxHistory and FirefoxFavicon, which read the same browser.db. */
class FirefoxTest {
    private static final String NAME = "AppDomainGroup-group.org.mozilla.ios.Firefox/profile.profile/browser.db";
    /** 2024-01-04 22:26:40.123456 UTC in microseconds. */
    private static final long T0_MICROS = 1_704_407_200_123_456L;

    @TempDir
    Path tmp;

    private final FirefoxHistory history = new FirefoxHistory();
    private final FirefoxFavicon favicon = new FirefoxFavicon();
    private int made;

    @SuppressWarnings("unchecked")
    private static List<FirefoxHistory.Visit> visits(ModuleResult r) {
        return (List<FirefoxHistory.Visit>) r.results();
    }

    @SuppressWarnings("unchecked")
    private static List<FirefoxFavicon.Favicon> favicons(ModuleResult r) {
        return (List<FirefoxFavicon.Favicon>) r.results();
    }

    /** Firefox for iOS's browser.db (history, visits, favicons, favicon_sites), as its older versions have it. */
    private Path browserDb() throws Exception {
        Path db = sqlite(tmp.resolve("browser-" + (++made) + ".db"),
                "CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL UNIQUE, url TEXT UNIQUE,"
                        + " title TEXT NOT NULL, server_modified INTEGER, local_modified INTEGER,"
                        + " is_deleted TINYINT NOT NULL DEFAULT 0, should_upload TINYINT NOT NULL DEFAULT 0,"
                        + " domain_id INTEGER)",
                "CREATE TABLE visits (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL,"
                        + " date REAL NOT NULL, type INTEGER NOT NULL, is_local TINYINT NOT NULL,"
                        + " UNIQUE (siteID, date, type))",
                "CREATE TABLE favicons (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE, width INTEGER,"
                        + " height INTEGER, type INTEGER NOT NULL, date REAL NOT NULL)",
                "CREATE TABLE favicon_sites (id INTEGER PRIMARY KEY AUTOINCREMENT, siteID INTEGER NOT NULL,"
                        + " faviconID INTEGER NOT NULL, UNIQUE (siteID, faviconID))");
        insert(db, "INSERT INTO history (id, guid, url, title) VALUES (?,?,?,?)",
                new Object[] {1, "g1", "https://news.example.net/", "News"},
                new Object[] {2, "g2", "https://landing.bad.example.org/p", "Landing"});
        insert(db, "INSERT INTO visits (id, siteID, date, type, is_local) VALUES (?,?,?,?,?)",
                new Object[] {1, 1, T0_MICROS, 1, 1}, new Object[] {2, 2, T0_MICROS + 60_000_000L, 2, 0});
        insert(db, "INSERT INTO favicons (id, url, width, height, type, date) VALUES (?,?,?,?,?,?)",
                new Object[] {1, "https://news.example.net/favicon.ico", 32, 32, 1, 1_704_407_200.0},
                new Object[] {2, "https://cdn.example.com/icon.png", null, null, 0, 1_704_407_260.25});
        insert(db, "INSERT INTO favicon_sites (siteID, faviconID) VALUES (?,?)", new Object[] {1, 1},
                new Object[] {2, 2});
        return db;
    }

    private FakeSource backup(Path db) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(FirefoxHistory.BACKUP_ID, FirefoxHistory.DOMAIN,
                FirefoxHistory.RELATIVE_PATH, db);
    }

    // --- FirefoxHistory -------------------------------------------------------------------------------

    @Test
    void historyVisits() throws Exception {
        ModuleResult r = run(history, backup(browserDb()));
        assertThat(visits(r)).containsExactly(
                new FirefoxHistory.Visit(1, "2024-01-04 22:26:40.123456", "https://news.example.net/", "News", 1, 1),
                new FirefoxHistory.Visit(2, "2024-01-04 22:27:40.123456", "https://landing.bad.example.org/p",
                        "Landing", 0, 2));
        Fixtures.assertKeys(json(visits(r).get(0)), "id", "isodate", "url", "title", "i1000000s_local", "type");
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.123456", "FirefoxHistory", "firefox_history",
                        "Firefox visit with ID 1 to URL: https://news.example.net/"),
                new TimelineEvent("2024-01-04 22:27:40.123456", "FirefoxHistory", "firefox_history",
                        "Firefox visit with ID 2 to URL: https://landing.bad.example.org/p"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void integerDatesGiveWholeSecondsAsInMvt() throws Exception {
        Path db = sqlite(tmp.resolve("b.db"), "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT)",
                "CREATE TABLE visits (id INTEGER PRIMARY KEY, siteID INTEGER, date INTEGER)",
                "INSERT INTO history VALUES (1, 'https://a.example.net/')");
        insert(db, "INSERT INTO visits VALUES (?,?,?)", new Object[] {3, 1, T0_MICROS});
        ModuleResult r = run(history, backup(db));
        // an older schema without title, is_local and type: those read as null
        assertThat(visits(r)).containsExactly(new FirefoxHistory.Visit(3, "2024-01-04 22:26:40.000000",
                "https://a.example.net/", null, null, null));
    }

    @Test
    @Tag("needs-ioc-engine")
    void historyIocIsCritical() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example.org", "TestMalware",
                "test.stix2").build();
        ModuleResult r = run(history, backup(browserDb()), iocs);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("firefox_history");
        assertThat(a.event()).isSameAs(visits(r).get(1));
        assertThat(a.eventTime()).isEqualTo("2024-01-04 22:27:40.123456");
        Indicators other = Indicators.builder().add(IndicatorType.DOMAINS, "example.com", "T", "t.stix2").build();
        assertThat(run(history, backup(browserDb()), other).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void historyRecheckOfMvtJson() throws Exception {
        // MVT's own JSON, typo included
        JsonNode results = Fixtures.JSON.readTree("[{\"id\": 1, \"isodate\": \"2024-01-04 22:26:40.000000\","
                + " \"url\": \"http://example.com/thisisbad\", \"title\": \"t\", \"i1000000s_local\": 1, \"type\": 1}]");
        Indicators iocs = Indicators.builder().add(IndicatorType.URLS, "http://example.com/thisisbad", "T", "t.stix2")
                .build();
        assertThat(history.recheck(results, iocs)).singleElement()
                .satisfies(a -> assertThat(a.event()).isSameAs(results.get(0)));
        assertThat(history.recheck(results, Indicators.empty())).isEmpty();
    }

    // --- FirefoxFavicon -------------------------------------------------------------------------------

    @Test
    void favicons() throws Exception {
        ModuleResult r = run(favicon, backup(browserDb()));
        assertThat(favicons(r)).containsExactly(
                new FirefoxFavicon.Favicon(1, "https://news.example.net/favicon.ico", 32, 32, 1,
                        "2024-01-04 22:26:40.000000", 1, "https://news.example.net/"),
                new FirefoxFavicon.Favicon(2, "https://cdn.example.com/icon.png", null, null, 0,
                        "2024-01-04 22:27:40.250000", 2, "https://landing.bad.example.org/p"));
        Fixtures.assertKeys(json(favicons(r).get(0)), "id", "url", "width", "height", "type", "isodate", "history_id",
                "history_url");
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "FirefoxFavicon", "firefox_history",
                        "Firefox favicon https://news.example.net/favicon.ico when visiting https://news.example.net/"),
                new TimelineEvent("2024-01-04 22:27:40.250000", "FirefoxFavicon", "firefox_history",
                        "Firefox favicon https://cdn.example.com/icon.png when visiting"
                                + " https://landing.bad.example.org/p"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void faviconIocOnThePageWhenTheIconIsClean() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example.org", "TestMalware",
                "test.stix2").build();
        ModuleResult r = run(favicon, backup(browserDb()), iocs);
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).event()).isSameAs(favicons(r).get(1));
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
        Indicators icon = Indicators.builder().add(IndicatorType.DOMAINS, "cdn.example.com", "T", "t.stix2").build();
        assertThat(run(favicon, backup(browserDb()), icon).alerts()).hasSize(1);
        Indicators none = Indicators.builder().add(IndicatorType.DOMAINS, "example.info", "T", "t.stix2").build();
        assertThat(run(favicon, backup(browserDb()), none).alerts()).isEmpty();
    }

    @Test
    void newerFirefoxWithoutFaviconTables() throws Exception {
        Path db = sqlite(tmp.resolve("b.db"), "CREATE TABLE history (id INTEGER PRIMARY KEY, url TEXT)",
                "CREATE TABLE visits (id INTEGER PRIMARY KEY, siteID INTEGER, date REAL)");
        assertThatThrownBy(() -> run(favicon, backup(db))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table favicons");
        assertThat(visits(run(history, backup(db)))).isEmpty();
    }

    // --- both: absent and unreadable --------------------------------------------------------------------

    @Test
    void foundInFilesystemDump() throws Exception {
        String p = "private/var/mobile/profile.profile/browser.db";
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(p, "", p, browserDb());
        assertThat(visits(run(history, fs))).hasSize(2);
        assertThat(favicons(run(favicon, fs))).hasSize(2);
    }

    @Test
    void sampleListsTheDatabaseWithoutItsContent() throws Exception {
        for (Module m : new Module[] {history, favicon}) {
            FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
            assertThatThrownBy(() -> run(m, sample)).isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
        }
    }

    @Test
    void missingDatabase() {
        for (Module m : new Module[] {history, favicon}) {
            assertThatThrownBy(() -> run(m, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                    .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Firefox browser.db not found");
        }
    }

    @Test
    void emptyAndRandomFiles() throws Exception {
        Path empty = Fixtures.emptyFile(tmp, "e");
        Path random = Fixtures.randomFile(tmp, "r");
        for (Module m : new Module[] {history, favicon}) {
            for (Path f : List.of(empty, random)) {
                assertThatThrownBy(() -> run(m, backup(f))).isInstanceOf(CorruptArtifactException.class)
                        .hasMessageStartingWith(NAME + ": ");
            }
        }
    }

    @Test
    void foreignSchema() throws Exception {
        Path f = Fixtures.foreignDb(tmp, "x.db");
        assertThatThrownBy(() -> run(history, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table visits");
        assertThatThrownBy(() -> run(favicon, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table favicons");
    }
}
