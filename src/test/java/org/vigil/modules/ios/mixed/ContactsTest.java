package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class ContactsTest {
    private static final String NAME = "HomeDomain/Library/AddressBook/AddressBook.sqlitedb";
    @TempDir
    Path tmp;

    private final Contacts module = new Contacts();

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    /** The AddressBook tables as iOS declares them (abridged to the columns around those read). */
    private Path db() throws Exception {
        Path db = sqlite(tmp.resolve("AddressBook.sqlitedb"),
                "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT,"
                        + " FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT,"
                        + " Department TEXT, Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT,"
                        + " Prefix TEXT, Suffix TEXT, CreationDate INTEGER, ModificationDate INTEGER)",
                "CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER,"
                        + " identifier INTEGER, label INTEGER, value TEXT, guid TEXT)");
        insert(db, "INSERT INTO ABPerson (ROWID, First, Last, Middle, Organization) VALUES (?,?,?,?,?)",
                new Object[] {2, "Bob", "Example", null, null},
                new Object[] {1, "Alice", "Example", "Q", "Example Org"});
        insert(db, "INSERT INTO ABMultiValue (UID, record_id, property, identifier, label, value) VALUES (?,?,?,?,?,?)",
                new Object[] {10, 2, 3, 0, 1, "+15555550101"},
                new Object[] {11, 1, 4, 0, 2, "alice@example.net"},
                new Object[] {12, 1, 3, 1, 1, "+15555550100"},
                new Object[] {13, 1, 22, 2, 3, null},
                new Object[] {14, 99, 3, 0, 1, "+15555550199"});
        return db;
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Contacts.CONTACTS_BACKUP_ID, "HomeDomain",
                Contacts.RELATIVE_PATH, file);
    }

    private static Map<String, Object> contact(Object value, Object first, Object middle, Object last, Object org) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", value);
        m.put("First", first);
        m.put("Middle", middle);
        m.put("Last", last);
        m.put("Organization", org);
        return m;
    }

    @Test
    void backupFileIdIsTheSha1OfDomainAndPath() {
        assertThat(FileIds.of("HomeDomain", "Library/AddressBook/AddressBook.sqlitedb"))
                .isEqualTo(Contacts.CONTACTS_BACKUP_ID).startsWith("31bb7ba8");
    }

    @Test
    void sampleListsTheDatabaseWithoutItsContent() throws Exception {
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void oneRecordPerNonNullValueOfAPersonOrderedByPerson() throws Exception {
        ModuleResult r = run(module, backup(db()));
        assertThat(records(r)).containsExactly(
                contact("alice@example.net", "Alice", "Q", "Example", "Example Org"),
                contact("+15555550100", "Alice", "Q", "Example", "Example Org"),
                contact("+15555550101", "Bob", null, "Example", null));
        Fixtures.assertKeys(json(records(r).get(0)), "value", "First", "Middle", "Last", "Organization");
        assertThat(r.timeline()).isEmpty();
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void olderSchemaWithoutMiddleAndOrganization() throws Exception {
        Path db = sqlite(tmp.resolve("old.sqlitedb"),
                "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, Last TEXT)",
                "CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, value TEXT)",
                "INSERT INTO ABPerson VALUES (1, 'Carol', 'Example')",
                "INSERT INTO ABMultiValue VALUES (1, 1, '+15555550102')");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("value", "+15555550102");
        expected.put("First", "Carol");
        expected.put("middle", null);
        expected.put("Last", "Example");
        expected.put("organization", null);
        assertThat(records(run(module, backup(db)))).containsExactly(expected);
    }

    @Test
    void noIndicatorChecks() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.EMAILS, "alice@example.net", "TestMalware",
                "test.stix2").build();
        ModuleResult r = run(module, backup(db()), iocs);
        assertThat(r.alerts()).isEmpty();
        assertThat(module.recheck(json(r.results()), iocs)).isEmpty();
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(Contacts.FS_PATH, "", Contacts.FS_PATH, db());
        assertThat(records(run(module, fs))).hasSize(3);
    }

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("AddressBook.sqlitedb not found");
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
                .hasMessage(NAME + ": no table ABPerson");
    }

    @Test
    void noMultiValueTable() throws Exception {
        Path f = sqlite(tmp.resolve("y.db"), "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT)");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table ABMultiValue");
    }
}
