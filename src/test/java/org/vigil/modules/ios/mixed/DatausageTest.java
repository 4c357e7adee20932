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
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class DatausageTest {
    private static final String ID = Datausage.DATAUSAGE_BACKUP_ID;
    @TempDir
    Path tmp;

    private final Datausage module = new Datausage();

    private static List<Datausage.Usage> records(ModuleResult r) {
        @SuppressWarnings("unchecked")
        List<Datausage.Usage> l = (List<Datausage.Usage>) r.results();
        return l;
    }

    private Path db(boolean wifi) throws Exception {
        return sqlite(tmp.resolve("DataUsage.sqlite"),
                "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
                        + " ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR)",
                "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER,"
                        + " ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP"
                        + (wifi ? ", ZWIFIIN FLOAT, ZWIFIOUT FLOAT" : "") + ", ZWWANIN FLOAT, ZWWANOUT FLOAT)");
    }

    private void process(Path db, long pk, double first, double last, String bundle, String name) throws Exception {
        insert(db, "INSERT INTO ZPROCESS (Z_PK, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME) VALUES (?,?,?,?,?)",
                new Object[] {pk, first, last, bundle, name});
    }

    private void live(Path db, long pk, Long proc, double ts, double wwanIn, double wwanOut) throws Exception {
        insert(db, "INSERT INTO ZLIVEUSAGE (Z_PK, ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT) VALUES (?,?,?,?,?)",
                new Object[] {pk, proc, ts, wwanIn, wwanOut});
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(ID, Datausage.DOMAIN, Datausage.RELATIVE_PATH, file);
    }

    // --- real sample -------------------------------------------------------------------------

    @Test
    void extractsTheSampleLikeMvt() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        List<Datausage.Usage> rec = records(r);
        assertThat(rec).hasSize(42);
        assertThat(rec.get(0).isodate()).startsWith("2019-08-27 15:08:09");
        assertThat(rec.get(0)).isEqualTo(new Datausage.Usage("2019-08-27 15:08:09.240410",
                "2019-08-27 15:08:09.240412", "1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.iBooks",
                "com.apple.iBooks", 30L, null, null, null, null, null, null, "2019-08-27 15:08:09.240410"));
        assertThat(r.timeline()).hasSize(60);
        assertThat(r.alerts()).hasSize(1);
        Alert low = r.alerts().get(0);
        assertThat(low.level()).isEqualTo(Level.LOW);
        assertThat(low.message()).isEqualTo("Missing process 5. Previous process at \"2019-08-27 15:08:09.253102\""
                + " (1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness)");
        assertThat(low.eventTime()).isEqualTo("2019-08-27 15:08:09.253102");
        assertThat(((Datausage.Usage) low.event()).procId()).isEqualTo(4L);

        Datausage.Usage missing = rec.stream().filter(u -> Long.valueOf(5).equals(u.procId())).findFirst().orElseThrow();
        assertThat(missing).isEqualTo(new Datausage.Usage("2019-08-27 15:08:09.253102", "2019-08-27 15:08:09.253102",
                "MISSING [follows 1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness]", null, 5L, null, null,
                null, null, null, 5L, "2019-08-27 15:08:09.253102"));

        List<Datausage.Usage> tracker = rec.stream().filter(u -> "CumulativeUsageTracker".equals(u.procName())).toList();
        assertThat(tracker).hasSize(2);
        // same first_isodate: the UNION's row order (all columns ascending) decides, as in MVT
        assertThat(tracker.get(0).liveId()).isEqualTo(10L);
        assertThat(tracker.get(0).liveIsodate()).isEqualTo("2021-09-13 10:29:59.486609");
        assertThat(tracker.get(1).liveId()).isEqualTo(1L);
        assertThat(tracker.get(1).wwanIn()).isEqualTo(253438.0);
        assertThat(tracker.get(1).wifiIn()).isEqualTo(0.0);
        assertThat(tracker.get(1).liveIsodate()).isEqualTo("2019-08-29 23:07:42.743243");
    }

    @Test
    void sampleRecordsSerialiseInMvtKeyOrder() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        JsonNode first = json(records(r).get(0));
        Fixtures.assertKeys(first, "first_isodate", "isodate", "proc_name", "bundle_id", "proc_id", "wifi_in",
                "wifi_out", "wwan_in", "wwan_out", "live_id", "live_proc_id", "live_isodate");
        assertThat(first.get("wifi_in").isNull()).isTrue();
    }

    @Test
    void sampleTimelineTexts() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(r.timeline()).contains(
                new TimelineEvent("2019-08-29 23:07:42.743243", "Datausage", "live_usage",
                        "CumulativeUsageTracker (Bundle ID: None, ID: 32) WWAN IN: 253438.0, WWAN OUT: "
                                + wwanOut(r, 1L)),
                new TimelineEvent("2019-08-29 23:07:42.744511", "Datausage", "first_usage",
                        "CumulativeUsageTracker (Bundle ID: None, ID: 32)"),
                new TimelineEvent("2019-08-29 23:07:42.743243", "Datausage", "current_usage",
                        "CumulativeUsageTracker (Bundle ID: None, ID: 32)"),
                new TimelineEvent("2019-08-27 15:08:09.253102", "Datausage", "live_usage",
                        "MISSING [follows 1FB47783-A2FE-47D9-B256-DF50EF44BBA4/com.apple.Fitness] (Bundle ID: None,"
                                + " ID: 5) WWAN IN: None, WWAN OUT: None"));
        assertThat(r.timeline().stream().filter(e -> e.event().equals("live_usage"))).hasSize(42);
        assertThat(r.timeline().stream().filter(e -> e.event().equals("first_usage"))).hasSize(9);
        assertThat(r.timeline().stream().filter(e -> e.event().equals("current_usage"))).hasSize(9);
    }

    private static String wwanOut(ModuleResult r, long liveId) {
        return Support.py(records(r).stream().filter(u -> Long.valueOf(liveId).equals(u.liveId())).findFirst()
                .orElseThrow().wwanOut());
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocSampleProcessIndicatorGivesTwoCriticals() throws Exception {
        Indicators iocs = Indicators.builder()
                .add(IndicatorType.PROCESSES, "CumulativeUsageTracker", "Test", "test.stix2").build();
        ModuleResult r = run(module, Fixtures.sampleBackup(), iocs);
        List<Alert> critical = r.alerts().stream().filter(a -> a.level() == Level.CRITICAL).toList();
        assertThat(critical).hasSize(2);
        assertThat(critical).allSatisfy(a -> {
            assertThat(a.matchedIndicator().value()).isEqualTo("CumulativeUsageTracker");
            assertThat(a.eventTime()).isEqualTo("2019-08-29 23:07:42.744511");
        });
        assertThat(r.alerts()).hasSize(3);
    }

    @Test
    void noIndicatorsNoCritical() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(r.alerts()).noneMatch(a -> a.level() == Level.CRITICAL);
    }

    // --- heuristics ----------------------------------------------------------------------------

    @Test
    void manipulatedEntryIsReported() throws Exception {
        Path db = db(true);
        process(db, 1, 600000000.0, 600000100.0, "com.example.app", "App");
        live(db, 1, 1L, 600000050.0, 10, 20);
        live(db, 2, 7L, 600000200.5, 30, 40); // process 7 was deleted
        live(db, 3, 7L, 600000300.0, 50, 60);
        ModuleResult r = run(module, backup(db));
        List<Datausage.Usage> rec = records(r);
        assertThat(rec).hasSize(3);
        List<Alert> high = r.alerts().stream().filter(a -> a.level() == Level.HIGH).toList();
        assertThat(high).extracting(Alert::message).containsExactly(
                "Found manipulated process entry 7. Entry on 2020-01-06 10:43:20.500000",
                "Found manipulated process entry 7/",
                "Found manipulated process entry 7/");
        assertThat(high.get(0).eventTime()).isEqualTo("2020-01-06 10:43:20.500000");
        Datausage.Usage m = (Datausage.Usage) high.get(0).event();
        assertThat(m).isEqualTo(new Datausage.Usage("2020-01-06 10:43:20.500000", "2020-01-06 10:43:20.500000",
                Datausage.MANIPULATED, null, null, null, null, 30.0, 40.0, 2L, 7L, "2020-01-06 10:43:20.500000"));
        assertThat(r.timeline()).filteredOn(e -> e.data().startsWith("MANIPULATED"))
                .extracting(TimelineEvent::event).containsExactly("live_usage", "live_usage");
        assertThat(r.alerts()).hasSize(3);
    }

    @Test
    void intactDatabaseHasNoAlerts() throws Exception {
        Path db = db(true);
        process(db, 1, 600000000.0, 600000100.0, "com.example.a", "A");
        process(db, 2, 600000001.0, 600000101.0, "com.example.b", "B");
        live(db, 1, 1L, 600000050.0, 10, 20);
        ModuleResult r = run(module, backup(db));
        assertThat(r.alerts()).isEmpty();
        assertThat(records(r)).hasSize(2);
        assertThat(r.timeline()).hasSize(4); // live+first+current for A, live_usage for B
    }

    @Test
    void missingProcessIdsAreReportedOncePerId() throws Exception {
        Path db = db(true);
        process(db, 1, 600000000.0, 600000100.0, "com.example.a", "A");
        process(db, 4, 600000004.0, 600000104.0, "com.example.d", "D");
        ModuleResult r = run(module, backup(db));
        assertThat(r.alerts()).extracting(Alert::message).containsExactly(
                "Missing process 2. Previous process at \"2020-01-06 10:40:00.000000\" (A)",
                "Missing process 3. Previous process at \"2020-01-06 10:40:00.000000\" (A)");
        assertThat(records(r)).extracting(Datausage.Usage::procName)
                .containsExactly("A", "MISSING [follows A]", "MISSING [follows A]", "D");
    }

    @Test
    void hugeIdGapIsBounded() throws Exception {
        Path db = db(true);
        process(db, 1, 600000000.0, 600000100.0, null, "A");
        process(db, 1 + Datausage.MAX_MISSING + 501, 600000004.0, 600000104.0, null, "Z");
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).hasSize(Datausage.MAX_MISSING + 2);
        assertThat(r.alerts()).hasSize(Datausage.MAX_MISSING + 1);
        assertThat(r.alerts().get(Datausage.MAX_MISSING).message())
                .isEqualTo("500 more missing process ids were not listed (limit 10000)");
    }

    @Test
    void recentSchemaWithoutWifiColumns() throws Exception {
        Path db = db(false);
        process(db, 1, 600000000.0, 600000100.0, "com.example.a", "A");
        live(db, 1, 1L, 600000050.0, 10, 20);
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).containsExactly(new Datausage.Usage("2020-01-06 10:40:00.000000",
                "2020-01-06 10:41:40.000000", "A", "com.example.a", 1L, null, null, 10.0, 20.0, 1L, 1L,
                "2020-01-06 10:40:50.000000"));
        assertThat(r.timeline()).containsExactlyInAnyOrder(
                new TimelineEvent("2020-01-06 10:40:50.000000", "Datausage", "live_usage",
                        "A (Bundle ID: com.example.a, ID: 1) WWAN IN: 10.0, WWAN OUT: 20.0"),
                new TimelineEvent("2020-01-06 10:40:00.000000", "Datausage", "first_usage",
                        "A (Bundle ID: com.example.a, ID: 1)"),
                new TimelineEvent("2020-01-06 10:41:40.000000", "Datausage", "current_usage",
                        "A (Bundle ID: com.example.a, ID: 1)"));
    }

    @Test
    void processesWithoutUsageStayListedWhenALiveRowHasNoProcess() throws Exception {
        // MVT's NOT IN (SELECT ZHASPROCESS ...) drops them all when one ZHASPROCESS is NULL
        Path db = db(true);
        process(db, 1, 600000000.0, 600000100.0, "com.example.a", "A");
        live(db, 1, null, 600000050.0, 1, 2);
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).extracting(Datausage.Usage::procName).containsExactly("A", Datausage.MANIPULATED);
        assertThat(r.alerts()).extracting(Alert::message).containsExactly(
                "Found manipulated process entry None. Entry on 2020-01-06 10:40:50.000000",
                "Found manipulated process entry None/");
    }

    @Test
    void filesystemDumpFlagsProcessesWithoutBinary() throws Exception {
        Path db = db(true);
        process(db, 1, 600000000.0, 600000100.0, null, "knownd");
        process(db, 2, 600000001.0, 600000101.0, null, "bh");
        process(db, 3, 600000002.0, 600000102.0, null, "abcdefghijklmnop");
        process(db, 4, 600000003.0, 600000103.0, "com.example.app", "App");
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp)
                .add(Datausage.FS_PATH, "", Datausage.FS_PATH, db)
                .add("usr/libexec/knownd", "", "usr/libexec/knownd", db);
        ModuleResult r = run(module, fs);
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM,
                        "Could not find the binary associated with the process with name bh"),
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM,
                        "Could not find the binary associated with the process with name abcdefghijklmnop"
                                + " (However, the process name might have been truncated in the database)"));
        ModuleResult fast = run(module, fs, Indicators.empty(), new ModuleOptions(true, false));
        assertThat(fast.alerts()).isEmpty();
        ModuleResult asBackup = run(module, backup(db));
        assertThat(asBackup.alerts()).isEmpty();
    }

    @Test
    void recheckWithoutIndicatorsIsEmpty() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(module.recheck(json(r.results()), Indicators.empty())).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocRecheckOfWrittenResults() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        Indicators iocs = Indicators.builder()
                .add(IndicatorType.PROCESSES, "CumulativeUsageTracker", "Test", "test.stix2").build();
        List<Alert> alerts = module.recheck(json(r.results()), iocs);
        assertThat(alerts).hasSize(2);
        assertThat(alerts).allSatisfy(a -> assertThat(a.level()).isEqualTo(Level.CRITICAL));
    }

    // --- absent and unreadable -------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("DataUsage.sqlite not found");
    }

    @Test
    void listedButNotInBackup() {
        assertThatThrownBy(() -> run(module, backup(null)))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("WirelessDomain/Library/Databases/DataUsage.sqlite: listed in Manifest.db but not in the backup");
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Fixtures.emptyFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("WirelessDomain/Library/Databases/DataUsage.sqlite");
    }

    @Test
    void randomBytes() throws Exception {
        Path f = Fixtures.randomFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(CorruptArtifactException.class);
    }

    @Test
    void foreignSchema() throws Exception {
        Path f = Fixtures.foreignDb(tmp, "x.sqlite");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage("WirelessDomain/Library/Databases/DataUsage.sqlite: no table ZPROCESS");
    }
}
