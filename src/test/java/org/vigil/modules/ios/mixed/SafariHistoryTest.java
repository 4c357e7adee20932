package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

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

class SafariHistoryTest {
    static final String DEFAULT_ID = "1a0e7afc19d307da602ccdcece51af33afe92c53";
    static final String PROFILE_ID = "aa00000000000000000000000000000000000001";
    static final String PROFILE_PATH = "Library/Safari/Profiles/00000000-0000-4000-A000-000000000001/History.db";
    static final String NAME = "HomeDomain/Library/Safari/History.db";

    @TempDir
    Path tmp;

    private final SafariHistory module = new SafariHistory();

    /** The records (table rows) as typed visits. */
    private static List<SafariHistory.Visit> records(ModuleResult r) {
        return rows(r).stream().map(SafariHistory.Visit::of).toList();
    }

    private static List<Map<String, Object>> rows(ModuleResult r) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> l = (List<Map<String, Object>>) r.results();
        return l;
    }

    private Path historyDb(String name) throws Exception {
        return sqlite(tmp.resolve(name),
                "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE,"
                        + " domain_expansion TEXT NULL, visit_count INTEGER NOT NULL DEFAULT 1)",
                "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT NULL"
                        + " REFERENCES history_items(id), visit_time REAL NOT NULL, title TEXT NULL,"
                        + " redirect_source INTEGER NULL UNIQUE, redirect_destination INTEGER NULL UNIQUE)");
    }

    /** One item with one visit. */
    private static void visit(Path db, long item, String url, long visitId, double time, Long source, Long dest)
            throws Exception {
        insert(db, "INSERT OR IGNORE INTO history_items (id, url) VALUES (?, ?)", new Object[] {item, url});
        insert(db, "INSERT INTO history_visits (id, history_item, visit_time, redirect_source, redirect_destination)"
                + " VALUES (?,?,?,?,?)", new Object[] {visitId, item, time, source, dest});
    }

    private FakeSource backupWith(Path defaultDb, Path profileDb) {
        FakeSource s = new FakeSource(SourceKind.IOS_BACKUP, tmp)
                .add(DEFAULT_ID, "HomeDomain", "Library/Safari/History.db", defaultDb);
        if (profileDb != null) {
            s.add(PROFILE_ID, "AppDomain-com.apple.mobilesafari", PROFILE_PATH, profileDb);
        }
        return s;
    }

    // --- real sample (History.db listed in Manifest.db, absent from the backup) ---------------------

    @Test
    void sampleHistoryIsListedButAbsent() throws Exception {
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void noHistoryAtAll() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Safari History.db not found");
    }

    // --- MVT's extra fixtures (7.1 test_safari_history) ------------------------------------------------

    @Test
    void backupWithProfile() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "https://default.example.net/visited-page", 1, 726100000.0, null, null);
        Path p = historyDb("profile.db");
        visit(p, 1, "https://profile.example.net/visited-page", 1, 726100010.5, null, null);
        ModuleResult r = run(module, backupWith(d, p));
        assertThat(records(r)).containsExactly(
                new SafariHistory.Visit(1L, "https://default.example.net/visited-page", 1L, 726100000.0,
                        "2024-01-04 22:26:40.000000", null, null, "1a/" + DEFAULT_ID),
                new SafariHistory.Visit(1L, "https://profile.example.net/visited-page", 1L, 726100010.5,
                        "2024-01-04 22:26:50.500000", null, null, "aa/" + PROFILE_ID));
        assertThat(r.alerts()).isEmpty();
        Fixtures.assertKeys(json(rows(r).get(0)), "id", "url", "visit_id", "timestamp", "isodate",
                "redirect_source", "redirect_destination", "safari_history_db");
    }

    @Test
    void fsDumpWithProfile() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "https://default.example.net/visited-page", 1, 726100000.0, null, null);
        Path p = historyDb("profile.db");
        visit(p, 1, "https://profile.example.net/visited-page", 1, 726100010.0, null, null);
        String dPath = "private/var/mobile/Library/Safari/History.db";
        String pPath = "private/var/mobile/Library/Safari/Profiles/00000000-0000-4000-A000-000000000001/History.db";
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(dPath, "", dPath, d).add(pPath, "", pPath, p);
        ModuleResult r = run(module, fs);
        assertThat(records(r)).extracting(SafariHistory.Visit::url, SafariHistory.Visit::safariHistoryDb)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("https://default.example.net/visited-page", dPath),
                        org.assertj.core.groups.Tuple.tuple("https://profile.example.net/visited-page", pPath));
    }

    @Test
    void redirectIdsAreScopedPerDatabase() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "http://safe.example.com/start", 1, 726100000.0, null, 2L);
        visit(d, 2, "https://safe.example.com/end", 2, 726100000.1, 1L, null);
        Path p = historyDb("profile.db");
        visit(p, 1, "https://other.example.org/", 2, 726100000.2, null, null);
        ModuleResult r = run(module, backupWith(d, p));
        assertThat(records(r)).hasSize(3);
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocDetectionInProfile() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "https://default.example.net/visited-page", 1, 726100000.0, null, null);
        Path p = historyDb("profile.db");
        visit(p, 1, "https://profile.example.net/visited-page", 1, 726100010.0, null, null);
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "profile.example.net", "Test", "test.stix2")
                .build();
        ModuleResult r = run(module, backupWith(d, p), iocs);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(((Map<?, ?>) a.event()).get("url")).isEqualTo("https://profile.example.net/visited-page");
        assertThat(a.eventTime()).isEqualTo("2024-01-04 22:26:50.000000");
    }

    @Test
    void unrelatedIndicatorsDoNotMatch() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "https://default.example.net/visited-page", 1, 726100000.0, null, null);
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "evil.example.com", "Test", "test.stix2")
                .build();
        assertThat(run(module, backupWith(d, null), iocs).alerts()).isEmpty();
    }

    // --- injection heuristic ---------------------------------------------------------------------------

    @Test
    void subSecondRedirectToAnotherDomainIsMedium() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "http://news.example.com/", 1, 726100000.25, null, 2L);
        visit(d, 2, "https://injected.example.org/x", 2, 726100000.52, 1L, null);
        ModuleResult r = run(module, backupWith(d, null));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.MEDIUM);
        assertThat(a.message()).isEqualTo("Redirect took less than a second! (270.0 milliseconds)");
        assertThat(a.eventTime()).isEqualTo("2024-01-04 22:26:40.250000");
        assertThat(a.event()).isSameAs(rows(r).get(0));
        assertThat(a.matchedIndicator()).isNull();
    }

    @Test
    void sameDomainRedirectIsAnHttpsUpgrade() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "http://example.com/", 1, 726100000.0, null, 2L);
        visit(d, 2, "https://www.example.com/", 2, 726100000.1, 1L, null);
        assertThat(run(module, backupWith(d, null)).alerts()).isEmpty();
    }

    @Test
    void slowOrBackwardsOrHttpsRedirectsAreNotFlagged() throws Exception {
        Path d = historyDb("default.db");
        // 1.5 s
        visit(d, 1, "http://a.example.com/", 1, 726100000.0, null, 2L);
        visit(d, 2, "https://b.example.org/", 2, 726100001.5, 1L, null);
        // one day and 0.3 s: MVT looked only at the seconds part of the delay and flagged this
        visit(d, 3, "http://c.example.com/", 3, 726100000.0, null, 4L);
        visit(d, 4, "https://d.example.org/", 4, 726186400.3, 3L, null);
        // destination recorded before the origin
        visit(d, 5, "http://e.example.com/", 5, 726100000.5, null, 6L);
        visit(d, 6, "https://f.example.org/", 6, 726100000.2, 5L, null);
        // https origin
        visit(d, 7, "https://g.example.com/", 7, 726100000.0, null, 8L);
        visit(d, 8, "https://h.example.org/", 8, 726100000.1, 7L, null);
        ModuleResult r = run(module, backupWith(d, null));
        assertThat(records(r)).hasSize(8);
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void millisLikePython() {
        assertThat(SafariHistory.millis(270)).isEqualTo("0.27");
        assertThat(SafariHistory.millis(0)).isEqualTo("0.0");
        assertThat(SafariHistory.millis(999_999)).isEqualTo("999.999");
        assertThat(SafariHistory.millis(5_000)).isEqualTo("5.0");
        assertThat(SafariHistory.domain("HTTP://WWW.Example.com:8080/x?y")).isEqualTo("example.com:8080");
        assertThat(SafariHistory.domain("http://web.example.com/")).isEqualTo("web.example.com");
    }

    // --- timeline ------------------------------------------------------------------------------------

    @Test
    void timeline() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 7, "https://default.example.net/visited-page", 12, 726100000.0, null, null);
        ModuleResult r = run(module, backupWith(d, null));
        assertThat(r.timeline()).containsExactly(new TimelineEvent("2024-01-04 22:26:40.000000", "SafariHistory",
                "safari_history", "Safari visit to https://default.example.net/visited-page (ID: 7, Visit ID: 12)"));
    }

    @Test
    void recheckWithoutIndicatorsIsEmpty() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "https://default.example.net/visited-page", 1, 726100000.0, null, null);
        ModuleResult r = run(module, backupWith(d, null));
        assertThat(module.recheck(json(r.results()), Indicators.empty())).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocRecheck() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "https://default.example.net/visited-page", 1, 726100000.0, null, null);
        ModuleResult r = run(module, backupWith(d, null));
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "example.net", "Test", "test.stix2").build();
        List<Alert> alerts = module.recheck(json(r.results()), iocs);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).eventTime()).isEqualTo("2024-01-04 22:26:40.000000");
    }

    // --- unreadable -----------------------------------------------------------------------------------

    @Test
    void emptyFile() throws Exception {
        Path f = Fixtures.emptyFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backupWith(f, null))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void randomBytes() throws Exception {
        Path f = Fixtures.randomFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backupWith(f, null))).isInstanceOf(CorruptArtifactException.class);
    }

    @Test
    void foreignSchema() throws Exception {
        Path f = Fixtures.foreignDb(tmp, "x.db");
        assertThatThrownBy(() -> run(module, backupWith(f, null))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table history_items");
    }

    @Test
    void missingRedirectColumnsAreTolerated() throws Exception {
        Path d = sqlite(tmp.resolve("old.db"), "CREATE TABLE history_items (id INTEGER PRIMARY KEY, url TEXT)",
                "CREATE TABLE history_visits (id INTEGER PRIMARY KEY, history_item INTEGER, visit_time REAL)",
                "INSERT INTO history_items VALUES (1, 'http://a.example.com/')",
                "INSERT INTO history_visits VALUES (1, 1, 726100000.0)");
        ModuleResult r = run(module, backupWith(d, null));
        assertThat(records(r)).containsExactly(new SafariHistory.Visit(1L, "http://a.example.com/", 1L, 726100000.0,
                "2024-01-04 22:26:40.000000", null, null, "1a/" + DEFAULT_ID));
    }

    @Test
    void aDamagedProfileDoesNotHideTheOthers() throws Exception {
        Path d = historyDb("default.db");
        visit(d, 1, "https://default.example.net/visited-page", 1, 726100000.0, null, null);
        Path bad = Fixtures.randomFile(tmp, "bad.db");
        ModuleResult r = run(module, backupWith(d, bad));
        assertThat(records(r)).hasSize(1);
    }
}
