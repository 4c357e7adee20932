package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.fs.FsFixtures.insert;
import static org.vigil.modules.ios.fs.FsFixtures.iocs;
import static org.vigil.modules.ios.fs.FsFixtures.run;
import static org.vigil.modules.ios.fs.FsFixtures.sqlite;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.core.ModuleRunner;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;

class AnalyticsTest {
    static final String DIR = "private/var/Keychains/Analytics/";
    static final String CKKS = DIR + "ckks_analytics.db";
    static final String SOS = DIR + "sos_analytics.db";

    @TempDir
    Path tmp;

    private final Analytics module = new Analytics();

    static byte[] plist(Object... kv) throws Exception {
        NSDictionary d = new NSDictionary();
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1] instanceof String s ? new NSString(s) : (com.dd.plist.NSObject) kv[i + 1]);
        }
        return BinaryPropertyListWriter.writeToArray(d);
    }

    static Path analyticsDb(FsFixtures.Dump dump, String rel, boolean allEvents) throws Exception {
        Path db = sqlite(dump.path(rel), "CREATE TABLE hard_failures (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB)",
                "CREATE TABLE soft_failures (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB)");
        if (allEvents) {
            sqlite(db, "CREATE TABLE all_events (id INTEGER PRIMARY KEY, timestamp REAL, data BLOB)");
        }
        dump.file(rel);
        return db;
    }

    static void row(Path db, String table, Object ts, byte[] data) throws Exception {
        insert(db, "INSERT INTO " + table + " (timestamp, data) VALUES (?, ?)", new Object[] {ts, data});
    }

    /** Two databases, with nested values, a duplicate row and an empty row. */
    static FsFixtures.Dump dump(Path root) throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(root);
        Path ckks = analyticsDb(dump, CKKS, true);
        NSDictionary nested = new NSDictionary();
        nested.put("urls", new NSArray(new NSString("https://evil.example.net/x")));
        row(ckks, "hard_failures", 1623000000.5, plist("build", "18F72", "process", "/usr/libexec/bh", "ctx", nested));
        row(ckks, "soft_failures", 1622000000.0, plist("build", "99Z999", "event", "CKKSFetch"));
        row(ckks, "all_events", 1622000000.0, plist("build", "99Z999", "event", "CKKSFetch")); // same row: once
        row(ckks, "all_events", 0, null); // neither time nor data: skipped
        Path sos = analyticsDb(dump, SOS, false);
        row(sos, "hard_failures", 1624000000.0, plist("build", "18F72", "event", "SOSSync"));
        row(sos, "soft_failures", null, plist("build", "18G69"));
        return dump;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    @Test
    void unionOfTheEventTablesOfEveryDatabaseSortedByDate() throws Exception {
        List<Map<String, Object>> rec = records(run(module, dump(tmp).source));
        assertThat(rec).extracting(r -> r.get("isodate")).containsExactly("", "2021-05-26 03:33:20.000000",
                "2021-06-06 17:20:00.500000", "2021-06-18 07:06:40.000000");
        assertThat(rec).extracting(r -> r.get("artifact")).containsExactly("sos_analytics.db", "ckks_analytics.db",
                "ckks_analytics.db", "sos_analytics.db");
        Map<String, Object> hard = rec.get(2);
        assertThat(hard.keySet()).containsExactly("build", "process", "ctx", "isodate", "artifact");
        assertThat(hard.get("ctx")).isEqualTo(Map.of("urls", List.of("https://evil.example.net/x")));
    }

    @Test
    void timelineRowPerRecordNamedAfterTheDatabase() throws Exception {
        ModuleResult r = run(module, dump(tmp).source);
        assertThat(r.timeline()).hasSize(4).contains(new TimelineEvent("2021-05-26 03:33:20.000000", "Analytics",
                "ckks_analytics.db", "{'build': '99Z999', 'event': 'CKKSFetch', 'isodate': '2021-05-26 03:33:20.000000',"
                        + " 'artifact': 'ckks_analytics.db'}"));
    }

    @Test
    void nestedProcessAndDomainValuesAreChecked() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.PROCESSES, "bh", "Pegasus", "t.stix2")
                .add(IndicatorType.DOMAINS, "evil.example.net", "Pegasus", "t.stix2").build();
        ModuleResult r = run(module, dump(tmp).source, iocs);
        assertThat(r.alerts()).extracting(Alert::message).containsExactly(
                "Found mention of a malicious process \"/usr/libexec/bh\" in ckks_analytics.db file at"
                        + " 2021-06-06 17:20:00.500000",
                "Found mention of a malicious domain \"https://evil.example.net/x\" in ckks_analytics.db file at"
                        + " 2021-06-06 17:20:00.500000");
        assertThat(r.alerts()).allSatisfy(a -> {
            assertThat(a.level()).isEqualTo(Level.CRITICAL);
            assertThat(a.eventTime()).isEqualTo("2021-06-06 17:20:00.500000");
        });
        assertThat(run(module, dump(tmp.resolve("b")).source).alerts()).isEmpty();
        assertThat(run(module, dump(tmp.resolve("c")).source, iocs(IndicatorType.DOMAINS, "good.org")).alerts())
                .isEmpty();
    }

    @Test
    void recheckFindsTheSameAlerts() throws Exception {
        Indicators iocs = iocs(IndicatorType.PROCESSES, "bh");
        ModuleResult r = run(module, dump(tmp).source, iocs);
        JsonNode written = new ObjectMapper().readTree(FsFixtures.JSON.writeValueAsString(r.results()));
        List<Alert> again = module.recheck(written, iocs);
        assertThat(again).extracting(Alert::message).isEqualTo(r.alerts().stream().map(Alert::message).toList());
    }

    @Test
    void globStarStaysInOneFolder() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        Path db = analyticsDb(dump, DIR + "sub/deeper.db", true);
        row(db, "hard_failures", 1.0, plist("build", "1"));
        assertThatThrownBy(() -> run(module, dump.source)).isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void badDatabases() throws Exception {
        FsFixtures.Dump random = new FsFixtures.Dump(tmp.resolve("r")).file(CKKS, FsFixtures.randomBytes());
        assertThatThrownBy(() -> run(module, random.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining(CKKS);
        FsFixtures.Dump foreign = new FsFixtures.Dump(tmp.resolve("f"));
        FsFixtures.foreignDb(foreign.path(CKKS));
        foreign.file(CKKS);
        assertThatThrownBy(() -> run(module, foreign.source)).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(CKKS + ": no table hard_failures, soft_failures or all_events");
        FsFixtures.Dump noData = new FsFixtures.Dump(tmp.resolve("n"));
        sqlite(noData.path(CKKS), "CREATE TABLE hard_failures (timestamp REAL)");
        noData.file(CKKS);
        assertThatThrownBy(() -> run(module, noData.source)).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(CKKS + ": no column data in table hard_failures");
    }

    @Test
    void undecodableBlobsAreSkippedUnlessAllAre() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        Path db = analyticsDb(dump, CKKS, false);
        row(db, "hard_failures", 1623000000.0, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> run(module, dump.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("none of its 1 event data blobs is a property list");
        row(db, "soft_failures", 1623000001.0, plist("build", "18F72"));
        assertThat(records(run(module, dump.source))).hasSize(1);
    }

    // ---------------------------------------------------------------- analytics_ios_versions

    @Test
    void iosVersionsFromTheAnalyticsOutcome() throws Exception {
        FsFixtures.Dump dump = dump(tmp);
        ModuleContext actx = new ModuleContext(dump.source, Indicators.empty(), ModuleOptions.defaults(), Map.of(),
                FsFixtures.CLOCK);
        ModuleOutcome analytics = ModuleRunner.runOne(module, actx);
        ModuleContext vctx = new ModuleContext(dump.source, Indicators.empty(), ModuleOptions.defaults(),
                Map.of("analytics", analytics), FsFixtures.CLOCK);
        ModuleResult r = new AnalyticsIOSVersions().run(vctx);
        @SuppressWarnings("unchecked")
        List<AnalyticsIOSVersions.Build> builds = (List<AnalyticsIOSVersions.Build>) r.results();
        assertThat(builds).containsExactly(
                new AnalyticsIOSVersions.Build("2021-05-26 03:33:20.000000", "99Z999", ""),
                new AnalyticsIOSVersions.Build("2021-06-06 17:20:00.500000", "18F72", "14.6"));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2021-05-26 03:33:20.000000", "AnalyticsIOSVersions", "analytics_ios_version",
                        "Seen iOS version  (99Z999)"),
                new TimelineEvent("2021-06-06 17:20:00.500000", "AnalyticsIOSVersions", "analytics_ios_version",
                        "Seen iOS version 14.6 (18F72)"));
        assertThat(r.alerts()).isEmpty();
        // on its own it reads the databases itself, with the same result
        assertThat(run(new AnalyticsIOSVersions(), dump.source).results()).isEqualTo(builds);
        assertThat(new AnalyticsIOSVersions().descriptor().dependencies()).containsExactly("analytics");
    }

    @Test
    void iosVersionsShareTheStatusOfAnalytics() throws Exception {
        FsFixtures.Dump none = new FsFixtures.Dump(tmp.resolve("none"));
        ModuleOutcome absent = ModuleRunner.runOne(module, ctx(none, Map.of()));
        assertThat(ModuleRunner.runOne(new AnalyticsIOSVersions(), ctx(none, Map.of("analytics", absent))).status())
                .isEqualTo(ModuleStatus.NOT_PRESENT);
        FsFixtures.Dump bad = new FsFixtures.Dump(tmp.resolve("bad")).file(CKKS, new byte[0]);
        ModuleOutcome unreadable = ModuleRunner.runOne(module, ctx(bad, Map.of()));
        assertThat(unreadable.status()).isEqualTo(ModuleStatus.UNREADABLE);
        ModuleOutcome v = ModuleRunner.runOne(new AnalyticsIOSVersions(), ctx(bad, Map.of("analytics", unreadable)));
        assertThat(v.status()).isEqualTo(ModuleStatus.UNREADABLE);
        assertThat(v.reason()).contains(CKKS);
    }

    private static ModuleContext ctx(FsFixtures.Dump d, Map<String, ModuleOutcome> deps) {
        return new ModuleContext(d.source, Indicators.empty(), ModuleOptions.defaults(), deps, FsFixtures.CLOCK);
    }

    @Test
    void pythonReprOfValues() {
        assertThat(PyRepr.of(new java.util.LinkedHashMap<>(Map.of("a", List.of(1L, 2.5, true))))).isEqualTo(
                "{'a': [1, 2.5, True]}");
        assertThat(PyRepr.of(java.util.Arrays.asList("it's", null, new byte[] {0, 'a', (byte) 0xff})))
                .isEqualTo("[\"it's\", None, b'\\x00a\\xff']");
    }
}
