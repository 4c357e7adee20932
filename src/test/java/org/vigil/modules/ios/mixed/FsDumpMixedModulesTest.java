package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;
import org.vigil.source.iosfs.FsDumpFixture;
import org.vigil.source.iosfs.IosFsSource;

/**
 * The mixed modules read their databases and plists through a real filesystem dump source, in
 * every layout (folder, tar, tar.gz, zip) with and without a leading folder: the files are found
 * by their filesystem paths, extracted (archives) and parsed, SQLite WAL content included.
 */
class FsDumpMixedModulesTest {
    static final String SAFARI = "private/var/mobile/Library/Safari/History.db";
    static final String APP = "private/var/containers/Bundle/Application/0000-AAAA/iTunesMetadata.plist";

    @TempDir
    Path tmp;

    static Stream<Arguments> layouts() {
        List<Arguments> a = new ArrayList<>();
        for (IosFsSource.Layout l : IosFsSource.Layout.values()) {
            a.add(Arguments.of(l, ""));
            a.add(Arguments.of(l, "phone"));
        }
        return a.stream();
    }

    private Path smsDb() throws Exception {
        Path db = sqlite(tmp.resolve("build/sms.db"),
                "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL, text TEXT,"
                        + " handle_id INTEGER DEFAULT 0, attributedBody BLOB, service TEXT, account TEXT,"
                        + " date INTEGER, date_read INTEGER, is_from_me INTEGER DEFAULT 0, payload_data BLOB,"
                        + " message_summary_info BLOB, custom_blob BLOB)",
                "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, service TEXT)",
                "INSERT INTO handle (ROWID, id, service) VALUES (1, '+15555550100', 'iMessage')");
        insert(db, "INSERT INTO message (guid, text, handle_id, service, account, date, date_read, is_from_me)"
                + " VALUES (?,?,?,?,?,?,?,?)", new Object[] {"G1", "see https://evil.example.org/x", 1, "iMessage",
                    "e:me@example.net", 726100000L, 0L, 0});
        return db;
    }

    private Path dataUsageDb() throws Exception {
        Path db = sqlite(tmp.resolve("build/DataUsage.sqlite"),
                "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
                        + " ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR)",
                "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER,"
                        + " ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT,"
                        + " ZWWANOUT FLOAT)");
        insert(db, "INSERT INTO ZPROCESS (Z_PK, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME) VALUES (?,?,?,?,?)",
                new Object[] {1, 600000000.0, 600000100.0, null, "knownd"},
                new Object[] {2, 600000001.0, 600000101.0, null, "bh"});
        return db;
    }

    private Path safariDb() throws Exception {
        Path db = sqlite(tmp.resolve("build/History.db"),
                "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL UNIQUE,"
                        + " domain_expansion TEXT NULL, visit_count INTEGER NOT NULL DEFAULT 1)",
                "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT, history_item INTEGER NOT NULL"
                        + " REFERENCES history_items(id), visit_time REAL NOT NULL, title TEXT NULL,"
                        + " redirect_source INTEGER NULL UNIQUE, redirect_destination INTEGER NULL UNIQUE)");
        insert(db, "INSERT INTO history_items (id, url) VALUES (?, ?)", new Object[] {1, "https://example.net/a"});
        insert(db, "INSERT INTO history_visits (id, history_item, visit_time) VALUES (?,?,?)",
                new Object[] {1, 1, 726100000.0});
        return db;
    }

    private Path calendarDb() throws Exception {
        Path db = sqlite(tmp.resolve("build/Calendar.sqlitedb"),
                "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT,"
                        + " location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date REAL,"
                        + " end_tz TEXT, all_day INTEGER, calendar_id INTEGER, organizer_id INTEGER, url TEXT,"
                        + " last_modified REAL, external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT,"
                        + " hidden INTEGER, UUID TEXT, creation_date REAL, action TEXT, created_by_id INTEGER)",
                "CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type INTEGER,"
                        + " UUID TEXT, email TEXT, phone_number TEXT, comment TEXT, last_modified REAL)");
        insert(db, "INSERT INTO CalendarItem (summary, description, start_date, end_date, all_day, calendar_id,"
                + " organizer_id, hidden, UUID) VALUES (?,?,?,?,?,?,?,?,?)",
                new Object[] {"Meeting", "Notes", 726100000.0, null, 0, 1, null, 0, "QUADREAM-UUID"});
        return db;
    }

    /**
     * TCC.db in WAL mode with its rows only in the {@code -wal} file (copied while the writer is
     * still open, before any checkpoint): the module sees them only if the sidecar is extracted
     * beside the database.
     */
    private void tccWithWal(FsDumpFixture dump) throws Exception {
        Path db = tmp.resolve("build/TCC.db");
        Files.createDirectories(db.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.executeUpdate("CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER"
                    + " NOT NULL, allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, policy_id INTEGER,"
                    + " indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT,"
                    + " indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL,"
                    + " PRIMARY KEY (service, client, client_type, indirect_object_identifier))");
            st.executeUpdate("INSERT INTO access (service, client, client_type, allowed, prompt_count, last_modified)"
                    + " VALUES ('kTCCServiceCamera', 'com.example.app', 0, 1, 1, 1600000000),"
                    + " ('kTCCServiceMicrophone', '/usr/libexec/Launch', 1, 0, 2, 1600000100)");
            Path wal = db.resolveSibling("TCC.db-wal");
            assertThat(Files.size(wal)).isPositive();
            dump.file(Tcc.FS_PATH, Files.readAllBytes(db)).file(Tcc.FS_PATH + "-wal", Files.readAllBytes(wal));
        }
    }

    private Path build(IosFsSource.Layout layout, String leading) throws Exception {
        FsDumpFixture dump = new FsDumpFixture()
                .file(Sms.SMS_FS_PATH, smsDb())
                .file(Datausage.FS_PATH, dataUsageDb())
                .file("usr/libexec/knownd", "binary")
                .dir("private/var/mobile/bh") // a folder is not a binary
                .file(SAFARI, safariDb())
                .file(Calendar.FS_PATH, calendarDb())
                .file(APP, Plists.binary(ApplicationsTest.metadata("com.example.app", "com.example.sideloader")));
        tccWithWal(dump);
        return dump.write(tmp.resolve("out"), layout, leading);
    }

    @ParameterizedTest(name = "{0}, leading folder \"{1}\"")
    @MethodSource("layouts")
    void mixedModulesFindAndReadTheirFilesInADump(IosFsSource.Layout layout, String leading) throws Exception {
        Path dump = build(layout, leading);
        try (IosFsSource s = IosFsSource.open(dump)) {
            ModuleResult sms = run(new Sms(), s);
            assertThat(sms.recordCount()).isEqualTo(1);
            assertThat(sms.urls()).isNotEmpty();

            ModuleResult tcc = run(new Tcc(), s);
            assertThat(tcc.recordCount()).as("rows only in the WAL").isEqualTo(2);

            ModuleResult usage = run(new Datausage(), s);
            assertThat(usage.recordCount()).isEqualTo(2);
            assertThat(usage.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Level.MEDIUM,
                            "Could not find the binary associated with the process with name bh"));

            ModuleResult safari = run(new SafariHistory(), s);
            assertThat(safari.recordCount()).isEqualTo(1);
            assertThat(((Map<?, ?>) ((List<?>) safari.results()).get(0)).get("safari_history_db")).isEqualTo(SAFARI);

            ModuleResult calendar = run(new Calendar(), s);
            assertThat(calendar.recordCount()).isEqualTo(1);
            assertThat(calendar.alerts()).extracting(Alert::level).containsExactly(Level.HIGH);

            ModuleResult apps = run(new Applications(), s);
            assertThat(apps.recordCount()).isEqualTo(1);
            assertThat(apps.alerts()).extracting(Alert::message)
                    .containsExactly("Suspicious app not installed from the App Store or MDM: com.example.app");

            // an IOC through the dump: the SMS link
            ModuleResult withIoc = run(new Sms(), s, Indicators.builder()
                    .add(org.vigil.ioc.IndicatorType.DOMAINS, "evil.example.org", "Test", "t.stix2").build());
            assertThat(withIoc.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL);
        }
    }
}
