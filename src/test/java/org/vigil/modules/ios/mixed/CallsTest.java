package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class CallsTest {
    private static final String NAME = "HomeDomain/Library/CallHistoryDB/CallHistory.storedata";
    @TempDir
    Path tmp;

    private final Calls module = new Calls();

    @SuppressWarnings("unchecked")
    private static List<Calls.Call> records(ModuleResult r) {
        return (List<Calls.Call>) r.results();
    }

    /** CallHistory.storedata as iOS 14 writes it (columns MVT does not read included). */
    private Path db() throws Exception {
        return sqlite(tmp.resolve("CallHistory.storedata"),
                "CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER,"
                        + " ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER,"
                        + " ZFACE_TIME_DATA INTEGER, ZHANDLE_TYPE INTEGER, ZNUMBER_AVAILABILITY INTEGER,"
                        + " ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS VARCHAR,"
                        + " ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR, ZNAME VARCHAR,"
                        + " ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR)");
    }

    private void call(Path db, Object date, Object duration, Object location, Object address, Object provider)
            throws Exception {
        insert(db, "INSERT INTO ZCALLRECORD (ZDATE, ZDURATION, ZLOCATION, ZADDRESS, ZSERVICE_PROVIDER)"
                + " VALUES (?,?,?,?,?)", new Object[] {date, duration, location, address, provider});
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Calls.CALLS_BACKUP_ID, "HomeDomain",
                Calls.RELATIVE_PATH, file);
    }

    @Test
    void backupFileIdIsTheSha1OfDomainAndPath() {
        assertThat(FileIds.of("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata"))
                .isEqualTo(Calls.CALLS_BACKUP_ID).startsWith("5a4935c7");
    }

    @Test
    void sampleListsTheDatabaseWithoutItsContent() throws Exception {
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void extractsCallsInTableOrder() throws Exception {
        Path db = db();
        call(db, 726100000.5, 42.0, "United States", "+15555550100", "com.apple.Telephony");
        call(db, 726100100.0, 0.0, null, "friend@example.net".getBytes(StandardCharsets.UTF_8),
                "com.apple.FaceTime");
        call(db, null, 3.5, "", new byte[] {'a', (byte) 0xff}, null);
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).containsExactly(
                new Calls.Call("2024-01-04 22:26:40.500000", 42.0, "United States", "+15555550100",
                        "com.apple.Telephony"),
                new Calls.Call("2024-01-04 22:28:20.000000", 0.0, null, "friend@example.net", "com.apple.FaceTime"),
                new Calls.Call("", 3.5, "", "a\\xff", null));
        JsonNode node = json(records(r).get(0));
        Fixtures.assertKeys(node, "isodate", "duration", "location", "number", "provider");
        assertThat(Fixtures.JSON.writeValueAsString(records(r).get(1)))
                .isEqualTo("{\"isodate\":\"2024-01-04 22:28:20.000000\",\"duration\":0.0,\"location\":null,"
                        + "\"number\":\"friend@example.net\",\"provider\":\"com.apple.FaceTime\"}");
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void timeline() throws Exception {
        Path db = db();
        call(db, 726100000.0, 42.0, "US", "+15555550100", "com.apple.Telephony");
        call(db, 726100000.0, 42.0, "US", "+15555550100", "com.apple.Telephony");
        call(db, 726100100.0, 7.0, null, "+15555550101", null);
        ModuleResult r = run(module, backup(db));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "Calls", "call",
                        "From +15555550100 using com.apple.Telephony during 42.0 seconds"),
                new TimelineEvent("2024-01-04 22:28:20.000000", "Calls", "call",
                        "From +15555550101 using None during 7.0 seconds"));
        assertThat(records(r)).hasSize(3);
    }

    @Test
    void olderSchemaWithoutProviderAndLocation() throws Exception {
        Path db = sqlite(tmp.resolve("old.storedata"),
                "CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
                        + " ZDATE TIMESTAMP, ZDURATION FLOAT, ZADDRESS BLOB)",
                "INSERT INTO ZCALLRECORD (ZDATE, ZDURATION, ZADDRESS) VALUES (726100000, 12.0, X'2B3135')");
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).containsExactly(new Calls.Call("2024-01-04 22:26:40.000000", 12.0, null, "+15", null));
        assertThat(r.timeline()).extracting(TimelineEvent::data)
                .containsExactly("From +15 using None during 12.0 seconds");
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        Path db = db();
        call(db, 726100000.0, 1.0, null, "+1", "p");
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(Calls.FS_PATH, "", Calls.FS_PATH, db);
        assertThat(records(run(module, fs))).hasSize(1);
    }

    @Test
    void noIndicatorChecks() throws Exception {
        Path db = db();
        call(db, 726100000.0, 1.0, null, "Launch", "Launch");
        Indicators iocs = Indicators.builder().add(IndicatorType.PROCESSES, "Launch", "TestMalware", "test.stix2")
                .add(IndicatorType.EMAILS, "friend@example.net", "TestMalware", "test.stix2").build();
        ModuleResult r = run(module, backup(db), iocs);
        assertThat(r.alerts()).isEmpty();
        assertThat(module.recheck(json(r.results()), iocs)).isEmpty();
    }

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("CallHistory.storedata not found");
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
                .hasMessage(NAME + ": no table ZCALLRECORD");
    }

    @Test
    void missingRequiredColumn() throws Exception {
        Path f = sqlite(tmp.resolve("y.db"), "CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZDATE TIMESTAMP)");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column ZADDRESS in table ZCALLRECORD");
    }
}
