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
import org.vigil.modules.ios.mixed.ChromeFavicon.Favicon;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class ChromeFaviconTest {
    private static final String NAME =
            "AppDomain-com.google.chrome.ios/Library/Application Support/Google/Chrome/Default/Favicons";
    /** 2024-01-04 22:26:40 UTC in Chrome time. */
    private static final long T0 = (1_704_407_200L + 11_644_473_600L) * 1_000_000L;

    @TempDir
    Path tmp;

    private final ChromeFavicon module = new ChromeFavicon();

    @SuppressWarnings("unchecked")
    private static List<Favicon> records(ModuleResult r) {
        return (List<Favicon>) r.results();
    }

    /** Chrome's Favicons tables. */
    private Path favicons(boolean withLastRequested) throws Exception {
        Path db = sqlite(tmp.resolve("Favicons"),
                "CREATE TABLE favicons (id INTEGER PRIMARY KEY, url LONGVARCHAR NOT NULL, icon_type INTEGER DEFAULT 1)",
                "CREATE TABLE favicon_bitmaps (id INTEGER PRIMARY KEY, icon_id INTEGER NOT NULL,"
                        + " last_updated INTEGER DEFAULT 0, image_data BLOB, width INTEGER DEFAULT 0,"
                        + " height INTEGER DEFAULT 0"
                        + (withLastRequested ? ", last_requested INTEGER NOT NULL DEFAULT 0)" : ")"),
                "CREATE TABLE icon_mapping (id INTEGER PRIMARY KEY, page_url LONGVARCHAR NOT NULL, icon_id INTEGER)");
        insert(db, "INSERT INTO favicons (id, url) VALUES (?,?)",
                new Object[] {1, "https://news.example.net/favicon.ico"},
                new Object[] {2, "https://cdn.bad.example.org/i.png"});
        return db;
    }

    private FakeSource backup(Path db) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(ChromeFavicon.BACKUP_ID, ChromeFavicon.DOMAIN,
                ChromeFavicon.RELATIVE_PATH, db);
    }

    @Test
    void extractsSortedByTimeWithLastRequestedAsFallback() throws Exception {
        Path db = favicons(true);
        insert(db, "INSERT INTO favicon_bitmaps (icon_id, last_updated, last_requested) VALUES (?,?,?)",
                new Object[] {1, T0 + 60_000_000L, 0}, new Object[] {2, 0, T0});
        insert(db, "INSERT INTO icon_mapping (id, page_url, icon_id) VALUES (?,?,?)",
                new Object[] {1, "https://news.example.net/a", 1}, new Object[] {2, "https://landing.example.com/", 2},
                new Object[] {3, "https://news.example.net/b", 1});
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).containsExactly(
                new Favicon("https://landing.example.com/", "https://cdn.bad.example.org/i.png", T0,
                        "2024-01-04 22:26:40.000000"),
                new Favicon("https://news.example.net/a", "https://news.example.net/favicon.ico", T0 + 60_000_000L,
                        "2024-01-04 22:27:40.000000"),
                new Favicon("https://news.example.net/b", "https://news.example.net/favicon.ico", T0 + 60_000_000L,
                        "2024-01-04 22:27:40.000000"));
        JsonNode node = json(records(r).get(0));
        Fixtures.assertKeys(node, "url", "icon_url", "timestamp", "isodate");
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "ChromeFavicon", "new_favicon",
                        "https://cdn.bad.example.org/i.png from https://landing.example.com/"),
                new TimelineEvent("2024-01-04 22:27:40.000000", "ChromeFavicon", "new_favicon",
                        "https://news.example.net/favicon.ico from https://news.example.net/a"),
                new TimelineEvent("2024-01-04 22:27:40.000000", "ChromeFavicon", "new_favicon",
                        "https://news.example.net/favicon.ico from https://news.example.net/b"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void olderSchemaWithoutLastRequestedAndUnknownTimesFirst() throws Exception {
        Path db = favicons(false);
        insert(db, "INSERT INTO favicon_bitmaps (icon_id, last_updated) VALUES (?,?)",
                new Object[] {1, T0}, new Object[] {2, 0});
        insert(db, "INSERT INTO icon_mapping (id, page_url, icon_id) VALUES (?,?,?)",
                new Object[] {1, "https://news.example.net/", 1}, new Object[] {2, "https://x.example.com/", 2});
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).extracting(Favicon::isodate).containsExactly("", "2024-01-04 22:26:40.000000");
        assertThat(records(r).get(0).timestamp()).isZero();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocOnIconUrlWhenThePageIsClean() throws Exception {
        Path db = favicons(true);
        insert(db, "INSERT INTO favicon_bitmaps (icon_id, last_updated) VALUES (?,?)", new Object[] {2, T0});
        insert(db, "INSERT INTO icon_mapping (page_url, icon_id) VALUES (?,?)",
                new Object[] {"https://landing.example.com/", 2});
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example.org", "TestMalware",
                "test.stix2").build();
        ModuleResult r = run(module, backup(db), iocs);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.eventTime()).isEqualTo("2024-01-04 22:26:40.000000");
        assertThat(a.event()).isSameAs(records(r).get(0));
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocOnPageUrlAndNoMatch() throws Exception {
        Path db = favicons(true);
        insert(db, "INSERT INTO favicon_bitmaps (icon_id, last_updated) VALUES (?,?)", new Object[] {1, T0});
        insert(db, "INSERT INTO icon_mapping (page_url, icon_id) VALUES (?,?)",
                new Object[] {"https://news.example.net/", 1});
        Indicators page = Indicators.builder().add(IndicatorType.DOMAINS, "news.example.net", "T", "t.stix2").build();
        assertThat(run(module, backup(db), page).alerts()).hasSize(1);
        Indicators other = Indicators.builder().add(IndicatorType.DOMAINS, "example.com", "T", "t.stix2").build();
        assertThat(run(module, backup(db), other).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void recheckOfMvtJson() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"url\": \"https://ok.example.net/\", \"icon_url\":"
                + " \"https://cdn.bad.example.org/i.png\", \"isodate\": \"2024-01-04 22:26:40.000000\"}]");
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example.org", "T", "t.stix2").build();
        List<Alert> alerts = module.recheck(results, iocs);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).event()).isSameAs(results.get(0));
        assertThat(module.recheck(results, Indicators.empty())).isEmpty();
    }

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Chrome Favicons not found");
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
                .hasMessage(NAME + ": no table icon_mapping");
    }
}
