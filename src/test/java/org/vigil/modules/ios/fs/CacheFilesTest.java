package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.fs.FsFixtures.insert;
import static org.vigil.modules.ios.fs.FsFixtures.iocs;
import static org.vigil.modules.ios.fs.FsFixtures.json;
import static org.vigil.modules.ios.fs.FsFixtures.run;
import static org.vigil.modules.ios.fs.FsFixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

class CacheFilesTest {
    static final String APP = "private/var/mobile/Containers/Data/Application/AAAA/Library/Caches/com.example.app/Cache.db";
    static final String DAEMON = "private/var/root/Library/Caches/com.apple.nsurlsessiond/Cache.db";

    @TempDir
    Path tmp;

    private final CacheFiles module = new CacheFiles();

    /** A CFNetwork cache as iOS creates it (columns in their real order). */
    private void cache(FsFixtures.Dump dump, String rel, Object[]... rows) throws Exception {
        Path db = sqlite(dump.path(rel), "CREATE TABLE cfurl_cache_response (entry_ID INTEGER PRIMARY KEY AUTOINCREMENT"
                + " UNIQUE, version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE,"
                + " time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT)");
        for (Object[] r : rows) {
            insert(db, "INSERT INTO cfurl_cache_response (version, hash_value, storage_policy, request_key, time_stamp)"
                    + " VALUES (0, ?, 0, ?, ?)", r);
        }
        dump.file(rel);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<CacheFiles.Entry>> results(ModuleResult r) {
        return (Map<String, List<CacheFiles.Entry>>) r.results();
    }

    private FsFixtures.Dump twoCaches() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        cache(dump, APP, new Object[] {11L, "https://good.example.org/a", "2021-06-28 15:30:12"},
                new Object[] {12L, "https://evil.example.net/payload?x=1", "2021-06-29 01:02:03"});
        cache(dump, DAEMON, new Object[] {13L, "https://api.apple.com/x", "2021-06-27 10:00:00"});
        return dump;
    }

    @Test
    void extractsEveryCacheKeyedByItsPath() throws Exception {
        ModuleResult r = run(module, twoCaches().source);
        Map<String, List<CacheFiles.Entry>> res = results(r);
        assertThat(res.keySet()).containsExactly(APP, DAEMON);
        assertThat(res.get(APP)).containsExactly(
                new CacheFiles.Entry(1, 0, 11, 0, "https://good.example.org/a", "2021-06-28 15:30:12"),
                new CacheFiles.Entry(2, 0, 12, 0, "https://evil.example.net/payload?x=1", "2021-06-29 01:02:03"));
        assertThat(res.get(DAEMON)).hasSize(1);
        assertThat(r.alerts()).isEmpty();
        JsonNode first = json(res).get(APP).get(0);
        assertThat(first.fieldNames()).toIterable()
                .containsExactly("entry_id", "version", "hash_value", "storage_policy", "url", "isodate");
    }

    @Test
    void timelineRowPerResponse() throws Exception {
        ModuleResult r = run(module, twoCaches().source);
        assertThat(r.timeline()).hasSize(3).contains(new TimelineEvent("2021-06-29 01:02:03", "CacheFiles",
                "cache_response", APP + " recorded visit to URL https://evil.example.net/payload?x=1"));
    }

    @Test
    void domainIndicatorGivesCriticalWithTheCacheFile() throws Exception {
        ModuleResult r = run(module, twoCaches().source, iocs(IndicatorType.DOMAINS, "evil.example.net"));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("cache_files");
        assertThat(a.message()).contains("evil.example.net");
        assertThat(a.eventTime()).isEqualTo("2021-06-29 01:02:03");
        assertThat(a.matchedIndicator().value()).isEqualTo("evil.example.net");
        JsonNode event = json(a.event());
        assertThat(event.get("cache_file").asText()).isEqualTo(APP);
        assertThat(event.get("url").asText()).isEqualTo("https://evil.example.net/payload?x=1");
    }

    @Test
    void unrelatedIndicatorsGiveNoAlert() throws Exception {
        assertThat(run(module, twoCaches().source, iocs(IndicatorType.DOMAINS, "other.example.com")).alerts()).isEmpty();
    }

    @Test
    void columnsAreReadByNameNotPosition() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        Path db = sqlite(dump.path(APP), "CREATE TABLE cfurl_cache_response (time_stamp TEXT, request_key TEXT,"
                + " entry_ID INTEGER PRIMARY KEY)", "INSERT INTO cfurl_cache_response VALUES"
                + " ('2022-01-01 00:00:00', 'https://x.example.org/', 7)");
        dump.file(APP);
        assertThat(db).exists();
        List<CacheFiles.Entry> e = results(run(module, dump.source)).get(APP);
        assertThat(e).containsExactly(new CacheFiles.Entry(7, null, null, null, "https://x.example.org/",
                "2022-01-01 00:00:00"));
    }

    @Test
    void onlyFilesNamedExactlyCacheDb() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        cache(dump, "private/var/mobile/Library/Caches/x/NotCache.db", new Object[] {1L, "https://a.example/", "t"});
        dump.dir("private/var/mobile/Library/Caches/y/Cache.db", 1L);
        assertThatThrownBy(() -> run(module, dump.source)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessageContaining("Cache.db");
    }

    @Test
    void missingCacheIsNotPresent() {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        assertThatThrownBy(() -> run(module, dump.source)).isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void emptyFileIsUnreadable() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp).file(APP, new byte[0]);
        assertThatThrownBy(() -> run(module, dump.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining(APP).hasMessageContaining("0 bytes");
    }

    @Test
    void randomBytesAreUnreadable() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp).file(APP, FsFixtures.randomBytes());
        assertThatThrownBy(() -> run(module, dump.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining(APP);
    }

    @Test
    void truncatedDatabaseIsUnreadable() throws Exception {
        FsFixtures.Dump dump = twoCaches();
        byte[] whole = java.nio.file.Files.readAllBytes(tmp.resolve(APP));
        FsFixtures.Dump cut = new FsFixtures.Dump(tmp.resolve("cut"));
        cut.file(APP, java.util.Arrays.copyOf(whole, 1500));
        assertThat(dump.source).isNotNull();
        assertThatThrownBy(() -> run(module, cut.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining(APP);
    }

    @Test
    void foreignSchemaIsUnsupported() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        FsFixtures.foreignDb(dump.path(APP));
        dump.file(APP);
        assertThatThrownBy(() -> run(module, dump.source)).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(APP + ": no table cfurl_cache_response");
    }

    @Test
    void oneBadCacheDoesNotHideTheOthers() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        cache(dump, APP, new Object[] {1L, "https://evil.example.net/", "2021-01-01 00:00:00"});
        dump.file(DAEMON, FsFixtures.randomBytes());
        ModuleResult r = run(module, dump.source, iocs(IndicatorType.DOMAINS, "evil.example.net"));
        assertThat(results(r).keySet()).containsExactly(APP);
        assertThat(r.alerts()).hasSize(1);
    }

    /** MVT's tests/ios_fs/test_cache_files.py::test_detection, through check-iocs' recheck. */
    @Test
    void mvtConformanceDetectionOnGivenResults() throws Exception {
        JsonNode results = new ObjectMapper().readTree("{\"Library/Caches/example/Cache.db\": [{\"entry_id\": 1,"
                + " \"version\": 0, \"hash_value\": 0, \"storage_policy\": 0, \"url\": \"http://example.com/thisisbad\","
                + " \"isodate\": \"2026-01-01 00:00:00.000000\"}]}");
        Indicators iocs = iocs(IndicatorType.DOMAINS, "example.com");
        List<Alert> alerts = module.recheck(results, iocs);
        assertThat(alerts).hasSize(1);
        JsonNode event = json(alerts.get(0).event());
        assertThat(event.get("cache_file").asText()).isEqualTo("Library/Caches/example/Cache.db");
        assertThat(event.get("url").asText()).isEqualTo("http://example.com/thisisbad");
        assertThat(alerts.get(0).matchedIndicator()).isNotNull();
        assertThat(alerts.get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(alerts.get(0).eventTime()).isEqualTo("2026-01-01 00:00:00.000000");
        assertThat(module.recheck(results, iocs(IndicatorType.DOMAINS, "other.org"))).isEmpty();
        assertThat(module.recheck(results, Indicators.empty())).isEmpty();
    }

    @Test
    void recheckOfWrittenResultsMatchesTheRun() throws Exception {
        Indicators iocs = iocs(IndicatorType.DOMAINS, "evil.example.net");
        ModuleResult r = run(module, twoCaches().source, iocs);
        JsonNode written = new ObjectMapper().readTree(FsFixtures.JSON.writeValueAsString(r.results()));
        List<Alert> again = module.recheck(written, iocs);
        assertThat(again).hasSize(1);
        assertThat(json(again.get(0).event())).isEqualTo(json(r.alerts().get(0).event()));
        assertThat(again.get(0).message()).isEqualTo(r.alerts().get(0).message());
    }
}
