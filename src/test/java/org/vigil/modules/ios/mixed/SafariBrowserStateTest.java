package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

class SafariBrowserStateTest {
    static final String SAMPLE_ID = "3a47b0981ed7c10f3e2800aa66bac96a3b5db28e";
    static final String PROFILE_ID = "bb00000000000000000000000000000000000001";
    static final String PROFILE_PATH =
            "Library/Safari/Profiles/00000000-0000-4000-A000-000000000001/BrowserState.db";
    static final String DEFAULT_PATH = "Library/Safari/BrowserState.db";

    @TempDir
    Path tmp;

    private final SafariBrowserState module = new SafariBrowserState();

    private static Indicators domain(String d) {
        return Indicators.builder().add(IndicatorType.DOMAINS, d, "TestMalware", "test.stix2").build();
    }

    /** The iOS 12+ schema (as in the sample). */
    private Path browserState(String name) throws Exception {
        return sqlite(tmp.resolve(name),
                "CREATE TABLE tabs (id INTEGER PRIMARY KEY AUTOINCREMENT,uuid TEXT NOT NULL UNIQUE,title TEXT,"
                        + "url TEXT COLLATE NOCASE,user_visible_url TEXT COLLATE NOCASE,order_index INTEGER NOT NULL,"
                        + "last_viewed_time REAL DEFAULT NULL,private_browsing BOOL DEFAULT 0,"
                        + "browser_window_uuid TEXT NOT NULL,browser_window_id INTEGER NOT NULL)",
                "CREATE TABLE tab_sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,tab_uuid TEXT NOT NULL UNIQUE,"
                        + "session_data BLOB DEFAULT NULL,uncompressed_session_data_size INTEGER NOT NULL DEFAULT 0)");
    }

    private static void tab(Path db, String uuid, String title, String url, double time, byte[] session)
            throws Exception {
        insert(db, "INSERT INTO tabs (uuid, title, url, user_visible_url, order_index, last_viewed_time,"
                + " browser_window_uuid, browser_window_id) VALUES (?,?,?,?,0,?,'w',1)",
                new Object[] {uuid, title, url, url, time});
        insert(db, "INSERT INTO tab_sessions (tab_uuid, session_data) VALUES (?,?)", new Object[] {uuid, session});
    }

    /** A session_data blob: 4-byte header then a binary plist. */
    static byte[] session(String... urls) throws Exception {
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        for (String u : urls) {
            entries.add(Map.of("SessionHistoryEntryOriginalURL", u + "?orig", "SessionHistoryEntryURL", u,
                    "SessionHistoryEntryData", new byte[] {1, 2, 3}));
        }
        byte[] plist = Plists.binary(Map.of("SessionHistoryVersion", 1L,
                "SessionHistory", Map.of("SessionHistoryEntries", entries)));
        byte[] blob = new byte[plist.length + 4];
        System.arraycopy(plist, 0, blob, 4, plist.length);
        return blob;
    }

    private FakeSource backupWith(Path db) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add("3a47b0981ed7c10f3e2800aa66bac96a3b5db28e",
                "HomeDomain", DEFAULT_PATH, db);
    }

    // --- real sample -------------------------------------------------------------------------------

    @Test
    void realSample() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        JsonNode results = json(r.results());
        assertThat(results).hasSize(1);
        Fixtures.assertKeys(results.get(0), "tab_title", "tab_url", "tab_visible_url", "last_viewed_timestamp",
                "session_data", "safari_browser_state_db");
        assertThat(results.get(0).toString()).isEqualTo("{\"tab_title\":\"NSO is bad\","
                + "\"tab_url\":\"https://en.wikipedia.org/wiki/NSO_Group\","
                + "\"tab_visible_url\":\"https://en.wikipedia.org/wiki/NSO_Group\","
                + "\"last_viewed_timestamp\":\"2021-09-29 08:56:46.156382\",\"session_data\":[],"
                + "\"safari_browser_state_db\":\"3a/" + SAMPLE_ID + "\"}");
        assertThat(r.timeline()).containsExactly(new TimelineEvent("2021-09-29 08:56:46.156382",
                "SafariBrowserState", "tab", "NSO is bad - https://en.wikipedia.org/wiki/NSO_Group"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void realSampleWithProfile() throws Exception {
        Path copy = Files.copy(SharedData.iosBackup().resolve("3a").resolve(SAMPLE_ID), tmp.resolve("profile.db"));
        FakeSource source = Fixtures.sampleBackup()
                .add(PROFILE_ID, "AppDomain-com.apple.mobilesafari", PROFILE_PATH, copy);
        JsonNode results = json(run(module, source).results());
        assertThat(results).hasSize(2);
        assertThat(results).extracting(n -> n.get("safari_browser_state_db").asText())
                .containsExactlyInAnyOrder("3a/" + SAMPLE_ID, "bb/" + PROFILE_ID);
    }

    @Test
    @Tag("needs-ioc-engine")
    void realSampleDetection() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup(), domain("en.wikipedia.org"));
        assertThat(json(r.results())).hasSize(1);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(json(a.event()).get("tab_url").asText()).isEqualTo("https://en.wikipedia.org/wiki/NSO_Group");
        assertThat(a.eventTime()).isEmpty();
    }

    // --- fixtures ----------------------------------------------------------------------------------

    @Test
    void sessionHistoryEntries() throws Exception {
        Path db = browserState("BrowserState.db");
        tab(db, "t1", "Later", "https://b.example.net/", 700000000.5, session("https://a.example.org/1",
                "https://b.example.net/"));
        tab(db, "t2", "First", "https://c.example.com/", 600000000.0, null);
        ModuleResult r = run(module, backupWith(db));
        JsonNode results = json(r.results());
        assertThat(results).hasSize(2);
        assertThat(results.get(0).get("tab_title").asText()).isEqualTo("First");
        assertThat(results.get(0).get("last_viewed_timestamp").asText()).isEqualTo("2020-01-06 10:40:00.000000");
        assertThat(results.get(1).get("session_data").toString()).isEqualTo(
                "[{\"entry_title\":\"https://a.example.org/1?orig\",\"entry_url\":\"https://a.example.org/1\","
                        + "\"data_length\":3},{\"entry_title\":\"https://b.example.net/?orig\","
                        + "\"entry_url\":\"https://b.example.net/\",\"data_length\":3}]");
        assertThat(r.timeline()).extracting(TimelineEvent::data)
                .containsExactly("First - https://c.example.com/", "Later - https://b.example.net/");
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void unreadableSessionBlobGivesNoEntries() throws Exception {
        Path db = browserState("BrowserState.db");
        tab(db, "t1", "T", "https://a.example.org/", 700000000.0, new byte[] {0, 0, 0, 0, 'x', 'y'});
        assertThat(json(run(module, backupWith(db)).results()).get(0).get("session_data")).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void sessionEntryUrlMatches() throws Exception {
        Path db = browserState("BrowserState.db");
        tab(db, "t1", "Tab", "https://safe.example.com/", 700000000.0,
                session("https://bad.example.org/x", "https://safe.example.com/"));
        ModuleResult r = run(module, backupWith(db), domain("bad.example.org"));
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(r.alerts().get(0).matchedIndicator()).isNotNull();
        // recheck on the JSON gives the same
        assertThat(module.recheck(json(r.results()), domain("bad.example.org"))).hasSize(1);
    }

    @Test
    void noMatchNoAlert() throws Exception {
        Path db = browserState("BrowserState.db");
        tab(db, "t1", "Tab", "https://safe.example.com/", 700000000.0, session("https://other.example.net/"));
        ModuleResult r = run(module, backupWith(db), domain("bad.example.org"));
        assertThat(r.alerts()).isEmpty();
        assertThat(module.recheck(json(r.results()), domain("bad.example.org"))).isEmpty();
    }

    @Test
    void olderSchemaWithoutTabSessions() throws Exception {
        Path db = sqlite(tmp.resolve("old.db"),
                "CREATE TABLE tabs (id INTEGER PRIMARY KEY, uuid TEXT, title TEXT, url TEXT, user_visible_url TEXT,"
                        + " last_viewed_time REAL, session_data BLOB)");
        insert(db, "INSERT INTO tabs (uuid, title, url, user_visible_url, last_viewed_time, session_data)"
                + " VALUES (?,?,?,?,?,?)", new Object[] {"u", "Old", "https://old.example.org/", null, 500000000.0,
                        session("https://old.example.org/")});
        JsonNode r = json(run(module, backupWith(db)).results());
        assertThat(r).hasSize(1);
        assertThat(r.get(0).get("tab_visible_url").isNull()).isTrue();
        assertThat(r.get(0).get("session_data")).hasSize(1);
    }

    @Test
    void fsDumpProfiles() throws Exception {
        String def = "private/var/mobile/Library/Safari/BrowserState.db";
        String prof = "private/var/mobile/Library/Safari/Profiles/P1/BrowserState.db";
        Path a = browserState("a.db");
        tab(a, "t1", "A", "https://a.example.org/", 700000000.0, null);
        Path b = browserState("b.db");
        tab(b, "t1", "B", "https://b.example.org/", 700000000.0, null);
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(def, "", def, a).add(prof, "", prof, b);
        JsonNode r = json(run(module, fs).results());
        assertThat(r).extracting(n -> n.get("safari_browser_state_db").asText()).containsExactlyInAnyOrder(def, prof);
    }

    @Test
    void missing() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Safari BrowserState.db not found");
    }

    @Test
    void corruptAndForeign() throws Exception {
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.emptyFile(tmp, "e.db"))))
                .isInstanceOf(CorruptArtifactException.class);
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.randomFile(tmp, "r.db"))))
                .isInstanceOf(CorruptArtifactException.class);
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.foreignDb(tmp, "f.db"))))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage("HomeDomain/Library/Safari/BrowserState.db: no table tabs");
        Path noUrl = sqlite(tmp.resolve("nourl.db"), "CREATE TABLE tabs (id INTEGER, title TEXT)");
        assertThatThrownBy(() -> run(module, backupWith(noUrl)))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage("HomeDomain/Library/Safari/BrowserState.db: no column url in table tabs");
    }

    @Test
    void oneDamagedProfileDoesNotHideTheOther() throws Exception {
        Path good = browserState("good.db");
        tab(good, "t1", "G", "https://g.example.org/", 700000000.0, null);
        FakeSource s = backupWith(Fixtures.randomFile(tmp, "bad.db"))
                .add(PROFILE_ID, "AppDomain-com.apple.mobilesafari", PROFILE_PATH, good);
        assertThat(json(run(module, s).results())).hasSize(1);
    }
}
