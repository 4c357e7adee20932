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

class SmsAttachmentsTest {
    private static final String NAME = "HomeDomain/Library/SMS/sms.db";
    @TempDir
    Path tmp;

    private final SmsAttachments module = new SmsAttachments();

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    /** sms.db tables as iOS 14 declares them (message abridged). */
    private Path db() throws Exception {
        return sqlite(tmp.resolve("sms.db"),
                "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,"
                        + " handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, is_from_me INTEGER DEFAULT 0)",
                "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL,"
                        + " country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT)",
                "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,"
                        + " created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT,"
                        + " mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,"
                        + " user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0,"
                        + " is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB,"
                        + " hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0,"
                        + " ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL,"
                        + " sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_server_change_token_blob BLOB,"
                        + " sr_ck_record_id TEXT, is_commsafety_sensitive INTEGER DEFAULT 0)",
                "CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,"
                        + " attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE,"
                        + " UNIQUE(message_id, attachment_id))",
                "INSERT INTO handle (ROWID, id, service) VALUES (1, '+15555550100', 'iMessage')",
                "INSERT INTO message (ROWID, guid, handle_id, service, date) VALUES (1, 'M1', 1, 'iMessage', 0)");
    }

    private void attachment(Path db, long rowid, String filename, int outgoing, byte[] userInfo, Long message)
            throws Exception {
        insert(db, "INSERT INTO attachment (ROWID, guid, original_guid, created_date, start_date, filename,"
                + " mime_type, is_outgoing, user_info, transfer_name, total_bytes, is_sticker)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", new Object[] {rowid, "A" + rowid, "O" + rowid, 726100000L,
                        0L, filename, "image/gif", outgoing, userInfo,
                        filename == null ? null : filename.substring(filename.lastIndexOf('/') + 1), 1234L, 0});
        if (message != null) {
            insert(db, "INSERT INTO message_attachment_join VALUES (?,?)", new Object[] {message, rowid});
        }
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Sms.SMS_BACKUP_ID, "HomeDomain", "Library/SMS/sms.db",
                file);
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    // --- real sample ---------------------------------------------------------------------------

    @Test
    void sampleSmsDbHasNoAttachmentTable() throws Exception {
        // MVT logs "No SMS attachment tables found" and reports nothing; Vigil says it could not check
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessage(NAME + ": no table attachment");
    }

    // --- extraction -----------------------------------------------------------------------------

    @Test
    void extractsEveryColumnInMvtOrder() throws Exception {
        Path db = db();
        attachment(db, 1, "~/Library/SMS/Attachments/ab/12/cat.gif", 0, "info".getBytes(StandardCharsets.UTF_8), 1L);
        ModuleResult r = run(module, backup(db));
        Map<String, Object> a = records(r).get(0);
        assertThat(a.keySet()).containsExactly("attachment_id", "ROWID", "guid", "created_date", "start_date",
                "filename", "uti", "mime_type", "transfer_state", "is_outgoing", "user_info", "transfer_name",
                "total_bytes", "is_sticker", "sticker_user_info", "attribution_info", "hide_attachment",
                "ck_sync_state", "ck_server_change_token_blob", "ck_record_id", "original_guid", "sr_ck_sync_state",
                "sr_ck_server_change_token_blob", "sr_ck_record_id", "is_commsafety_sensitive", "service",
                "phone_number", "isodate", "direction", "has_user_info");
        assertThat(a).containsEntry("attachment_id", 1).containsEntry("ROWID", 1)
                .containsEntry("created_date", 726100000).containsEntry("start_date", "")
                .containsEntry("filename", "~/Library/SMS/Attachments/ab/12/cat.gif")
                .containsEntry("user_info", "aW5mbw==").containsEntry("sticker_user_info", null)
                .containsEntry("service", "iMessage").containsEntry("phone_number", "+15555550100")
                .containsEntry("isodate", "2024-01-04 22:26:40.000000").containsEntry("direction", "received")
                .containsEntry("has_user_info", true);
        assertThat(json(a).get("has_user_info").asBoolean()).isTrue();
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void defaultsForOrphanAttachments() throws Exception {
        Path db = db();
        attachment(db, 2, null, 1, null, null);
        Map<String, Object> a = records(run(module, backup(db))).get(0);
        assertThat(a).containsEntry("filename", "NULL").containsEntry("service", "Unknown")
                .containsEntry("phone_number", null).containsEntry("direction", "sent")
                .containsEntry("has_user_info", false);
    }

    @Test
    void timeline() throws Exception {
        Path db = db();
        attachment(db, 1, "~/Library/SMS/Attachments/ab/12/cat.gif", 0, null, 1L);
        attachment(db, 2, null, 1, new byte[] {1}, null);
        ModuleResult r = run(module, backup(db));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "SMSAttachments", "sms_attachment",
                        "iMessage: Attachment 'cat.gif' received from +15555550100 with 1234 bytes (is_sticker: 0,"
                                + " has_user_info: False)"),
                new TimelineEvent("2024-01-04 22:26:40.000000", "SMSAttachments", "sms_attachment",
                        "Unknown: Attachment 'None' sent from None with 1234 bytes (is_sticker: 0,"
                                + " has_user_info: True)"));
    }

    // --- heuristic ---------------------------------------------------------------------------------

    @Test
    void receivedTemporaryAttachmentIsMedium() throws Exception {
        Path db = db();
        attachment(db, 1, "/var/tmp/com.apple.messages/abcdef.gif-1", 0, null, 1L);
        ModuleResult r = run(module, backup(db));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.MEDIUM);
        assertThat(a.message()).isEqualTo("Suspicious iMessage attachment /var/tmp/com.apple.messages/abcdef.gif-1"
                + " on 2024-01-04 22:26:40.000000");
        assertThat(a.eventTime()).isEqualTo("2024-01-04 22:26:40.000000");
        assertThat(a.event()).isSameAs(records(r).get(0));
        assertThat(a.matchedIndicator()).isNull();
    }

    @Test
    void otherTemporaryAttachmentsAreNotFlagged() throws Exception {
        Path db = db();
        attachment(db, 1, "/var/tmp/abcdef.gif-1", 1, null, 1L);
        attachment(db, 2, "/var/tmp/abcdef.gif-2", 0, null, 1L);
        attachment(db, 3, "/private/var/tmp/abcdef.gif-1", 0, null, 1L);
        attachment(db, 4, "~/Library/SMS/Attachments/x-1", 0, null, 1L);
        assertThat(run(module, backup(db)).alerts()).isEmpty();
    }

    // --- indicators ----------------------------------------------------------------------------------

    @Test
    @Tag("needs-ioc-engine")
    void fileNameIndicatorIsHigh() throws Exception {
        Path db = db();
        attachment(db, 1, "~/Library/SMS/Attachments/ab/12/evil.gif", 0, null, 1L);
        ModuleResult r = run(module, backup(db), iocs(IndicatorType.FILE_NAMES, "evil.gif"));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.HIGH);
        assertThat(a.eventTime()).isEmpty();
        assertThat(a.matchedIndicator().value()).isEqualTo("evil.gif");
    }

    @Test
    @Tag("needs-ioc-engine")
    void filePathIndicatorAndHeuristicBothFire() throws Exception {
        Path db = db();
        attachment(db, 1, "/var/tmp/evil/x.gif-1", 0, null, 1L);
        ModuleResult r = run(module, backup(db), iocs(IndicatorType.FILE_PATHS, "/var/tmp/evil/"));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.HIGH, Level.MEDIUM);
    }

    @Test
    void unrelatedFileIndicatorsDoNotMatch() throws Exception {
        Path db = db();
        attachment(db, 1, "~/Library/SMS/Attachments/ab/12/cat.gif", 0, null, 1L);
        assertThat(run(module, backup(db), iocs(IndicatorType.FILE_NAMES, "dog.gif")).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocRecheckOfMvtJson() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"filename\": \"/var/tmp/a.gif-1\", \"direction\": \"received\","
                + " \"isodate\": \"2024-01-04 22:26:40.000000\"}, {\"filename\": \"~/evil.gif\"}]");
        List<Alert> alerts = module.recheck(results, iocs(IndicatorType.FILE_NAMES, "evil.gif"));
        assertThat(alerts).hasSize(1); // the heuristic is not part of a re-check
        assertThat(alerts.get(0).event()).isSameAs(results.get(1));
        assertThat(alerts.get(0).level()).isEqualTo(Level.HIGH);
    }

    // --- older schema, absent and unreadable ---------------------------------------------------------

    @Test
    void olderSchemaWithoutStickerColumnsOrJoinTable() throws Exception {
        Path db = sqlite(tmp.resolve("old.db"),
                "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, created_date INTEGER,"
                        + " start_date INTEGER, filename TEXT, mime_type TEXT, is_outgoing INTEGER, user_info BLOB,"
                        + " transfer_name TEXT, total_bytes INTEGER)",
                "INSERT INTO attachment VALUES (1, 'G', 726100000, 726100001, '/var/tmp/x-1', 'a/b', 0, NULL, 'x-1', 5)");
        ModuleResult r = run(module, backup(db));
        assertThat(records(r).get(0)).containsEntry("start_date", "2024-01-04 22:26:41.000000")
                .containsEntry("service", "Unknown").containsEntry("phone_number", null);
        assertThat(r.timeline()).extracting(TimelineEvent::data).containsExactly(
                "Unknown: Attachment 'x-1' received from None with 5 bytes (is_sticker: None, has_user_info: False)");
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.MEDIUM);
    }

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("sms.db not found");
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        Path db = db();
        attachment(db, 1, "a", 0, null, 1L);
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(Sms.SMS_FS_PATH, "", Sms.SMS_FS_PATH, db);
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
                .hasMessage(NAME + ": no table attachment");
    }

    @Test
    void missingRequiredColumn() throws Exception {
        Path f = sqlite(tmp.resolve("y.db"), "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY, filename TEXT)");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column is_outgoing in table attachment");
    }
}
