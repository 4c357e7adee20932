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
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class CalendarTest {
    private static final String NAME = "HomeDomain/Library/Calendar/Calendar.sqlitedb";
    private static final String SAMPLE_DATA = "Calendar event Super interesting meeting (very very interesting things)"
            + " (invitation by user@example.org)";
    @TempDir
    Path tmp;

    private final Calendar module = new Calendar();

    @SuppressWarnings("unchecked")
    private static List<Calendar.Event> records(ModuleResult r) {
        return (List<Calendar.Event>) r.results();
    }

    private static Indicators generatedPlusEmail(String email) {
        return Indicators.builder()
                .add(IndicatorType.DOMAINS, "example.org", "TestMalware", "test.stix2")
                .add(IndicatorType.PROCESSES, "Launch", "TestMalware", "test.stix2")
                .add(IndicatorType.EMAILS, "foobar@example.org", "TestMalware", "test.stix2")
                .add(IndicatorType.EMAILS, email, "TestMalware", "test.stix2").build();
    }

    /** Calendar.sqlitedb tables, abridged to the columns MVT reads plus a few neighbours. */
    private Path db() throws Exception {
        return sqlite(tmp.resolve("Calendar.sqlitedb"),
                "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, summary TEXT,"
                        + " location_id INTEGER, description TEXT, start_date REAL, start_tz TEXT, end_date REAL,"
                        + " end_tz TEXT, all_day INTEGER, calendar_id INTEGER, organizer_id INTEGER, url TEXT,"
                        + " last_modified REAL, external_id TEXT, external_mod_tag TEXT, unique_identifier TEXT,"
                        + " hidden INTEGER, UUID TEXT, creation_date REAL, action TEXT, created_by_id INTEGER)",
                "CREATE TABLE Participant (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, entity_type INTEGER,"
                        + " UUID TEXT, email TEXT, phone_number TEXT, comment TEXT, last_modified REAL)");
    }

    private void item(Path db, String summary, String description, Object start, Long organizer, String uuid)
            throws Exception {
        insert(db, "INSERT INTO CalendarItem (summary, description, start_date, end_date, all_day, calendar_id,"
                + " organizer_id, hidden, UUID) VALUES (?,?,?,?,?,?,?,?,?)",
                new Object[] {summary, description, start, null, 0, 1, organizer, 0, uuid});
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Calendar.CALENDAR_BACKUP_ID, "HomeDomain",
                Calendar.RELATIVE_PATH, file);
    }

    @Test
    void backupFileIdIsTheSha1OfDomainAndPath() {
        assertThat(FileIds.of("HomeDomain", "Library/Calendar/Calendar.sqlitedb"))
                .isEqualTo(Calendar.CALENDAR_BACKUP_ID).startsWith("2041457d");
    }

    // --- real sample ---------------------------------------------------------------------------

    @Test
    void extractsTheSampleLikeMvt() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(records(r)).containsExactly(new Calendar.Event(1, "Super interesting meeting",
                "very very interesting things", "2023-04-18 09:15:00.000000", "2023-04-18 10:15:00.000000", 0, 1, 1,
                "", "2023-04-11 18:30:38.000000", null, null, "", 0, "FAE72C77-4932-47FD-885C-A084D502F3C4",
                "2023-04-11 18:30:06.000000", "", 0, "a050b517-6677-5119-9a77-2d26bbf30507", "user@example.org",
                "12345678", null, null));
        Fixtures.assertKeys(json(records(r).get(0)), "id", "summary", "description", "start_date", "end_date",
                "all_day", "calendar_id", "organizer_id", "url", "last_modified", "external_id", "external_mod_tag",
                "unique_identifier", "hidden", "uuid", "creation_date", "action", "created_by_id", "participant_uuid",
                "participant_email", "participant_phone", "participant_comment", "participant_last_modified");
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void sampleTimeline() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2023-04-18 09:15:00.000000", "Calendar", "start_date", SAMPLE_DATA),
                new TimelineEvent("2023-04-18 10:15:00.000000", "Calendar", "end_date", SAMPLE_DATA),
                new TimelineEvent("2023-04-11 18:30:38.000000", "Calendar", "last_modified", SAMPLE_DATA),
                new TimelineEvent("2023-04-11 18:30:06.000000", "Calendar", "creation_date", SAMPLE_DATA));
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocSampleOrganizerEmail() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup(), generatedPlusEmail("user@example.org"));
        assertThat(records(r)).hasSize(1);
        assertThat(r.timeline()).hasSize(4);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("calendar");
        assertThat(a.eventTime()).isEmpty();
        assertThat(a.matchedIndicator().value()).isEqualTo("user@example.org");
        assertThat(a.event()).isSameAs(records(r).get(0));
    }

    @Test
    void otherEmailIndicatorsDoNotMatch() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup(), generatedPlusEmail("someone@example.org"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocRecheckOfMvtJson() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"summary\": \"x\", \"participant_email\": \"USER@example.org\"},"
                + " {\"summary\": \"Meeting\", \"description\": \"Notes\", \"participant_email\": null}]");
        List<Alert> alerts = module.recheck(results, generatedPlusEmail("user@example.org"));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(alerts.get(0).event()).isSameAs(results.get(0));
        assertThat(module.recheck(results, Indicators.empty())).isEmpty();
    }

    // --- QuaDream heuristic ------------------------------------------------------------------------

    @Test
    void quadreamInvitationIsHighWithoutIndicators() throws Exception {
        Path db = db();
        item(db, "Meeting", "Notes", 726100000.0, null, "11111111-2222-3333-4444-555555555555");
        ModuleResult r = run(module, backup(db));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.HIGH);
        assertThat(a.message()).isEqualTo("Potential Quadream exploit event identified: "
                + "11111111-2222-3333-4444-555555555555");
        assertThat(a.eventTime()).isEmpty();
        assertThat(a.matchedIndicator()).isNull();
        assertThat(a.event()).isSameAs(records(r).get(0));
    }

    @Test
    void similarEventsAreNotQuadream() throws Exception {
        Path db = db();
        item(db, "Meeting", "Notes ", 726100000.0, null, "A");
        item(db, "meeting", "Notes", 726100000.0, null, "B");
        item(db, "Meeting", null, 726100000.0, null, "C");
        item(db, "Team Meeting", "Notes", 726100000.0, null, "D");
        assertThat(run(module, backup(db)).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void indicatorHitReplacesTheHeuristicLikeMvt() throws Exception {
        Path db = db();
        insert(db, "INSERT INTO Participant (ROWID, UUID, email) VALUES (?,?,?)", new Object[] {5, "P", "bad@example.net"});
        item(db, "Meeting", "Notes", 726100000.0, 5L, "Q");
        ModuleResult r = run(module, backup(db), generatedPlusEmail("bad@example.net"));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL);
    }

    // --- extraction details ------------------------------------------------------------------------

    @Test
    void datesTimelineAndOrganizer() throws Exception {
        Path db = db();
        insert(db, "INSERT INTO Participant (ROWID, UUID, email, phone_number, comment, last_modified)"
                + " VALUES (?,?,?,?,?,?)", new Object[] {7, "P7", "org@example.net", "+1", "hi", 726100200.0});
        insert(db, "INSERT INTO CalendarItem (summary, description, start_date, end_date, last_modified,"
                + " creation_date, organizer_id, UUID) VALUES (?,?,?,?,?,?,?,?)",
                new Object[] {"Lunch", null, 726100000.0, 0.0, "2024-01-01", null, 7, "U1"});
        ModuleResult r = run(module, backup(db));
        Calendar.Event e = records(r).get(0);
        assertThat(e.startDate()).isEqualTo("2024-01-04 22:26:40.000000");
        assertThat(e.endDate()).isEmpty();
        assertThat(e.lastModified()).isEqualTo("2024-01-01");
        assertThat(e.creationDate()).isNull();
        assertThat(e.participantLastModified()).isEqualTo("2024-01-04 22:30:00.000000");
        assertThat(e.participantEmail()).isEqualTo("org@example.net");
        String data = "Calendar event Lunch (None) (invitation by org@example.net)";
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "Calendar", "start_date", data),
                new TimelineEvent("2024-01-01", "Calendar", "last_modified", data),
                new TimelineEvent("2024-01-04 22:30:00.000000", "Calendar", "participant_last_modified", data));
    }

    @Test
    void olderSchemaWithoutParticipantTable() throws Exception {
        Path db = sqlite(tmp.resolve("old.sqlitedb"),
                "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT, description TEXT,"
                        + " start_date REAL, end_date REAL, UUID TEXT)",
                "INSERT INTO CalendarItem VALUES (1, 'Meeting', 'Notes', 726100000.0, 726103600.0, 'OLD')");
        ModuleResult r = run(module, backup(db));
        Calendar.Event e = records(r).get(0);
        assertThat(e.id()).isEqualTo(1);
        assertThat(e.uuid()).isEqualTo("OLD");
        assertThat(e.participantEmail()).isNull();
        assertThat(e.creationDate()).isNull();
        assertThat(r.timeline()).hasSize(2);
        assertThat(r.alerts()).extracting(Alert::message)
                .containsExactly("Potential Quadream exploit event identified: OLD");
    }

    // --- absent and unreadable ----------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Calendar.sqlitedb not found");
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        Path db = db();
        item(db, "x", "y", 726100000.0, null, "F");
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(Calendar.FS_PATH, "", Calendar.FS_PATH, db);
        assertThat(records(run(module, fs))).hasSize(1);
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
                .hasMessage(NAME + ": no table CalendarItem");
    }

    @Test
    void missingRequiredColumn() throws Exception {
        Path f = sqlite(tmp.resolve("y.db"), "CREATE TABLE CalendarItem (ROWID INTEGER PRIMARY KEY, summary TEXT)");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column description in table CalendarItem");
    }
}
