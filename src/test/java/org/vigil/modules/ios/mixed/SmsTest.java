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
import java.util.ArrayList;
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
import org.vigil.core.model.UrlRecord;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class SmsTest {
    private static final String NAME = "HomeDomain/Library/SMS/sms.db";
    @TempDir
    Path tmp;

    private final Sms module = new Sms();

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    private Path db() throws Exception {
        return sqlite(tmp.resolve("sms.db"),
                "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT NOT NULL, text TEXT,"
                        + " handle_id INTEGER DEFAULT 0, attributedBody BLOB, service TEXT, account TEXT,"
                        + " date INTEGER, date_read INTEGER, is_from_me INTEGER DEFAULT 0, payload_data BLOB,"
                        + " message_summary_info BLOB, custom_blob BLOB)",
                "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, service TEXT)",
                "INSERT INTO handle (ROWID, id, service) VALUES (1, '+15555550100', 'iMessage')");
    }

    private void message(Path db, String guid, String text, long handle, Long date, Long dateRead, int fromMe)
            throws Exception {
        insert(db, "INSERT INTO message (guid, text, handle_id, service, account, date, date_read, is_from_me)"
                + " VALUES (?,?,?,?,?,?,?,?)", new Object[] {guid, text, handle, "iMessage", "e:me@example.net",
                date, dateRead, fromMe});
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Sms.SMS_BACKUP_ID, "HomeDomain", "Library/SMS/sms.db",
                file);
    }

    // --- real sample ---------------------------------------------------------------------------

    @Test
    void extractsTheSampleLikeMvt() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(records(r)).hasSize(1);
        Map<String, Object> m = records(r).get(0);
        assertThat(m).hasSize(74 + 5);
        assertThat(m.keySet()).startsWith("ROWID", "guid", "text", "replace")
                .endsWith("thread_originator_part", "phone_number", "isodate", "isodate_read", "direction", "links");
        assertThat(m).containsEntry("ROWID", 3)
                .containsEntry("guid", "FDC6EC94-9D5A-434D-90FA-BF170E10A311")
                .containsEntry("text", "Please click here https://badbadbad.example.org/")
                .containsEntry("date", 588813210539788032L)
                .containsEntry("phone_number", "apple")
                .containsEntry("isodate", "2019-08-29 23:13:30.000000")
                .containsEntry("isodate_read", "2019-08-29 23:13:30.000000")
                .containsEntry("direction", "received")
                .containsEntry("service", null)
                .containsEntry("attributedBody", null)
                .containsEntry("links", List.of("https://badbadbad.example.org/"));
        assertThat(r.urls()).containsExactly(
                new UrlRecord("https://badbadbad.example.org/", null, "2019-08-29 23:13:30.000000", "sms"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void sampleTimeline() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        String data = "None: FDC6EC94-9D5A-434D-90FA-BF170E10A311 \"Please click here https://badbadbad.example.org/\""
                + " from apple (None)";
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2019-08-29 23:13:30.000000", "SMS", "sms_received", data),
                new TimelineEvent("2019-08-29 23:13:30.000000", "SMS", "sms_read", data));
    }

    @Test
    void sampleJsonKeepsColumnOrder() throws Exception {
        JsonNode node = json(records(run(module, Fixtures.sampleBackup())).get(0));
        assertThat(node.fieldNames().next()).isEqualTo("ROWID");
        assertThat(node.get("date").asLong()).isEqualTo(588813210539788032L);
        assertThat(node.get("links").get(0).asText()).isEqualTo("https://badbadbad.example.org/");
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocSampleDomainIndicator() throws Exception {
        Indicators iocs = Indicators.builder()
                .add(IndicatorType.DOMAINS, "badbadbad.example.org", "Test", "test.stix2").build();
        ModuleResult r = run(module, Fixtures.sampleBackup(), iocs);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.matchedIndicator().value()).isEqualTo("badbadbad.example.org");
        assertThat(a.eventTime()).isEqualTo("2019-08-29 23:13:30.000000");
        assertThat(a.event()).isSameAs(records(r).get(0));
    }

    @Test
    void unrelatedIndicatorsDoNotMatch() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "example.com", "Test", "test.stix2").build();
        ModuleResult r = run(module, Fixtures.sampleBackup(), iocs);
        assertThat(r.alerts()).isEmpty();
    }

    // --- extraction details ----------------------------------------------------------------------

    @Test
    void carriesEveryColumnBase64sBlobsAndKeepsMessagesWithoutHandle() throws Exception {
        Path db = db();
        insert(db, "INSERT INTO message (guid, text, handle_id, attributedBody, payload_data, message_summary_info,"
                + " custom_blob, date, date_read, is_from_me) VALUES (?,?,?,?,?,?,?,?,?,?)",
                new Object[] {"G1", null, 0, "body".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3},
                        new byte[0], new byte[] {(byte) 0xff}, 726100000L, 0L, 1});
        ModuleResult r = run(module, backup(db));
        Map<String, Object> m = records(r).get(0);
        assertThat(m.keySet()).containsExactly("ROWID", "guid", "text", "handle_id", "attributedBody", "service",
                "account", "date", "date_read", "is_from_me", "payload_data", "message_summary_info", "custom_blob",
                "phone_number", "isodate", "isodate_read", "direction", "links");
        assertThat(m).containsEntry("attributedBody", "Ym9keQ==").containsEntry("payload_data", "AQID")
                .containsEntry("message_summary_info", "").containsEntry("custom_blob", "/w==")
                .containsEntry("text", "").containsEntry("phone_number", null)
                .containsEntry("isodate", "2024-01-04 22:26:40.000000").containsEntry("isodate_read", "")
                .containsEntry("direction", "sent").containsEntry("links", List.of());
        assertThat(r.timeline()).containsExactly(new TimelineEvent("2024-01-04 22:26:40.000000", "SMS",
                "sms_received", "None: G1 \"\" from None (None)"));
    }

    @Test
    void linksAndTimelineText() throws Exception {
        Path db = db();
        message(db, "G2", "Look: HTTPS://Example.net/a?b=1 and\nhttp://x.example.org/", 1, 726100000123456789L,
                726100060000000000L, 0);
        ModuleResult r = run(module, backup(db));
        Map<String, Object> m = records(r).get(0);
        assertThat(m.get("links")).isEqualTo(List.of("HTTPS://Example.net/a?b=1", "http://x.example.org/"));
        String data = "iMessage: G2 \"Look: HTTPS://Example.net/a?b=1 and\\nhttp://x.example.org/\" from +15555550100"
                + " (e:me@example.net)";
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", "SMS", "sms_received", data),
                new TimelineEvent("2024-01-04 22:27:40.000000", "SMS", "sms_read", data));
        assertThat(r.urls()).extracting(UrlRecord::url)
                .containsExactly("HTTPS://Example.net/a?b=1", "http://x.example.org/");
    }

    @Test
    void manyMessagesAreStreamed() throws Exception {
        Path db = db();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            rows.add(new Object[] {"G" + i, "msg " + i + " https://example.net/" + i, 1, 726100000L + i});
        }
        insert(db, "INSERT INTO message (guid, text, handle_id, date) VALUES (?,?,?,?)", rows.toArray(new Object[0][]));
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).hasSize(20_000);
        assertThat(records(r).get(19_999)).containsEntry("guid", "G19999");
        assertThat(r.urls()).hasSize(20_000);
        assertThat(r.timeline()).hasSize(20_000);
    }

    @Test
    void progressCountsTheMessageRowsAndEachRecord() throws Exception {
        Path db = db();
        for (int i = 0; i < 5; i++) {
            message(db, "G" + i, "hello " + i, 1, 726100000L + i, null, 0);
        }
        org.vigil.testing.RecordingProgress progress = new org.vigil.testing.RecordingProgress();
        try (FakeSource source = backup(db);
                org.vigil.core.Progress.Step step = progress.start("sms", 0, org.vigil.core.Progress.Unit.RECORDS)) {
            ModuleResult r = module.run(new org.vigil.core.ModuleContext(source, Indicators.empty(), null,
                    Map.of(), java.time.Clock.systemUTC(), null, true, step));
            assertThat(records(r)).hasSize(5);
        }
        assertThat(progress.steps().get(0).total()).isEqualTo(5);
        assertThat(progress.steps().get(0).done()).isEqualTo(5);
    }

    // --- Apple threat notification ------------------------------------------------------------------

    @Test
    void appleThreatNotificationsAreHigh() throws Exception {
        Path db = db();
        message(db, "A1", Sms.ALERT_OLD + ". Learn more", 1, 726100000L, 0L, 0);
        message(db, "A2", Sms.ALERT_NEW + "...", 1, 726100100L, 0L, 0);
        ModuleResult r = run(module, backup(db));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message, Alert::eventTime).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.HIGH,
                        "Apple warning about state-sponsored attack received on the 2024-01-04 22:26:40.000000",
                        "2024-01-04 22:26:40.000000"),
                org.assertj.core.groups.Tuple.tuple(Level.HIGH,
                        "Apple warning about state-sponsored attack received on the 2024-01-04 22:28:20.000000",
                        "2024-01-04 22:28:20.000000"));
        assertThat(r.alerts().get(0).event()).isSameAs(records(r).get(0));
        assertThat(r.alerts().get(0).matchedIndicator()).isNull();
    }

    @Test
    void quotedThreatNotificationIsNotAnAlert() throws Exception {
        Path db = db();
        message(db, "A3", "Did you get this? " + Sms.ALERT_NEW, 1, 726100000L, 0L, 0);
        message(db, "A4", "alert: state-sponsored attackers may be targeting your iphone", 1, 726100000L, 0L, 0);
        assertThat(run(module, backup(db)).alerts()).isEmpty();
    }

    // --- check-iocs ---------------------------------------------------------------------------------

    @Test
    void recheckWithoutIndicatorsIsEmpty() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(module.recheck(json(r.results()), Indicators.empty())).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocRecheckOfMvtJson() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"text\": \"first\", \"links\": [\"http://example.com/thisisbad\"],"
                + " \"isodate\": \"2024-01-04 22:26:40.000000\"}, {\"text\": \"second https://github.com\","
                + " \"links\": []}]");
        Indicators iocs = Indicators.builder().add(IndicatorType.URLS, "http://example.com/thisisbad", "Test",
                "test.stix2").build();
        List<Alert> alerts = module.recheck(results, iocs);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).event()).isSameAs(results.get(0));
        assertThat(alerts.get(0).eventTime()).isEqualTo("2024-01-04 22:26:40.000000");
        assertThat(alerts.get(0).module()).isEqualTo("sms");
    }

    // --- absent and unreadable ----------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("sms.db not found");
    }

    @Test
    void listedButNotInBackup() {
        assertThatThrownBy(() -> run(module, backup(null))).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        Path db = db();
        message(db, "F1", "hi", 1, 726100000L, 0L, 0);
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
                .hasMessage(NAME + ": no table message");
    }

    @Test
    void withoutHandleTable() throws Exception {
        Path db = sqlite(tmp.resolve("old.db"), "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, date INTEGER)",
                "INSERT INTO message VALUES (1, 'hello https://example.net/', 726100000)");
        ModuleResult r = run(module, backup(db));
        assertThat(records(r).get(0)).containsEntry("phone_number", null).containsEntry("direction", "received")
                .containsEntry("links", List.of("https://example.net/"));
    }
}
