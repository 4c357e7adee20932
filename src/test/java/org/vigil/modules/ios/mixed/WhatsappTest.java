package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
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

class WhatsappTest {
    private static final String NAME = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite";
    private static final String PLUGIN = "Whatsapp";

    @TempDir
    Path tmp;

    private final Whatsapp module = new Whatsapp();

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    private static List<Map<String, Object>> ofType(ModuleResult r, String type) {
        return records(r).stream().filter(m -> type.equals(m.get("record_type"))).toList();
    }

    private static List<Map<String, Object>> messages(ModuleResult r) {
        return records(r).stream().filter(m -> m.containsKey("ZTEXT")).toList();
    }

    /** A ChatStorage.sqlite with the tables of recent WhatsApp versions (a subset of columns). */
    private Path chatStorage(String file) throws Exception {
        return sqlite(tmp.resolve(file),
                "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, ZCHATSESSION INTEGER,"
                        + " ZISFROMME INTEGER, ZMESSAGEDATE TIMESTAMP, ZFROMJID VARCHAR, ZTOJID VARCHAR,"
                        + " ZTEXT VARCHAR, ZSTANZAID VARCHAR)",
                "CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZAUTHORNAME VARCHAR,"
                        + " ZMEDIAURL VARCHAR, ZMEDIALOCALPATH VARCHAR)",
                "CREATE TABLE ZWAMESSAGEDATAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZCONTENT1 VARCHAR,"
                        + " ZCONTENT2 VARCHAR, ZMATCHEDTEXT VARCHAR, ZSUMMARY VARCHAR, ZTITLE VARCHAR)",
                "CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR,"
                        + " ZSESSIONTYPE INTEGER, ZARCHIVED INTEGER, ZREMOVED INTEGER, ZMESSAGECOUNTER INTEGER,"
                        + " ZLASTMESSAGEDATE TIMESTAMP, ZGROUPINFO INTEGER)",
                "CREATE TABLE ZWAGROUPINFO (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZCREATIONDATE TIMESTAMP)");
    }

    private void message(Path db, int pk, Integer session, Double date, String from, String text) throws Exception {
        insert(db, "INSERT INTO ZWAMESSAGE (Z_PK, ZCHATSESSION, ZMESSAGEDATE, ZFROMJID, ZTEXT) VALUES (?,?,?,?,?)",
                new Object[] {pk, session, date, from, text});
    }

    private FakeSource backup(Path chat) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Whatsapp.BACKUP_ID, Whatsapp.DOMAIN,
                Whatsapp.RELATIVE_PATH, chat);
    }

    // --- real sample ---------------------------------------------------------------------------

    @Test
    void extractsTheSampleLikeMvt() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(records(r)).hasSize(6);
        assertThat(messages(r)).hasSize(3);
        assertThat(ofType(r, "chat_session")).hasSize(2);
        List<Map<String, Object>> pairs = ofType(r, "lid_phone_number_pair");
        assertThat(pairs).hasSize(1);
        assertThat(pairs.get(0)).containsExactly(Map.entry("record_type", "lid_phone_number_pair"),
                Map.entry("lid", "100000000000001"), Map.entry("phone_number", "14155550100"),
                Map.entry("pair_timestamp", "2025-08-25 07:33:20.000000"));

        Map<String, Object> linked = messages(r).stream().filter(m -> m.get("links") != null
                && !((List<?>) m.get("links")).isEmpty()).findFirst().orElseThrow();
        assertThat(linked.get("links")).isEqualTo(List.of("https://example.org/news"));
        assertThat(linked).containsEntry("Z_PK", 2).containsEntry("ZTEXT", "Check https://example.org/news")
                .containsEntry("isodate", "2025-08-28 18:53:20.000000").containsEntry("ZFROMJID", null);
        assertThat(linked.keySet()).containsExactly("Z_PK", "ZCHATSESSION", "ZFROMJID", "ZTOJID", "ZTEXT",
                "ZMESSAGEDATE", "ZMESSAGETYPE", "ZISFROMME", "ZAUTHORNAME", "ZMEDIAURL", "ZCONTENT1", "ZCONTENT2",
                "ZMATCHEDTEXT", "ZSUMMARY", "ZTITLE", "isodate", "links");
        // messages with text and no link have no "links" key, as in MVT
        assertThat(messages(r).stream().filter(m -> !m.containsKey("links")).map(m -> m.get("ZTEXT")))
                .containsExactly("Hi", "Welcome");

        Map<String, Object> alice = ofType(r, "chat_session").stream()
                .filter(s -> "Alice Example".equals(s.get("partner_name"))).findFirst().orElseThrow();
        assertThat(alice).containsExactly(Map.entry("session_pk", 1), Map.entry("contact_jid", "100000000000001@lid"),
                Map.entry("partner_name", "Alice Example"), Map.entry("session_type", 0), Map.entry("archived", 0),
                Map.entry("removed", 0), Map.entry("message_counter", 2),
                Map.entry("last_message_date", "2025-08-28 18:53:20.000000"),
                new java.util.AbstractMap.SimpleEntry<>("group_creation_date", null),
                Map.entry("first_stored_message_date", "2025-08-27 15:06:40.000000"),
                Map.entry("last_stored_message_date", "2025-08-28 18:53:20.000000"),
                Map.entry("stored_message_count", 2), Map.entry("record_type", "chat_session"),
                Map.entry("partner_resolved_phone_number", "+14155550100"));
        Map<String, Object> group = ofType(r, "chat_session").stream()
                .filter(s -> "Example Group".equals(s.get("partner_name"))).findFirst().orElseThrow();
        assertThat(group).containsEntry("group_creation_date", "2025-08-21 20:13:20.000000")
                .containsEntry("first_stored_message_date", "2025-08-29 22:40:00.000000")
                .containsEntry("last_stored_message_date", "2025-08-29 22:40:00.000000")
                .containsEntry("last_message_date", "2025-08-31 02:26:40.000000")
                .containsEntry("partner_resolved_phone_number", null);
        assertThat(r.alerts()).isEmpty();
        assertThat(r.urls()).containsExactly(
                new UrlRecord("https://example.org/news", null, "2025-08-28 18:53:20.000000", "whatsapp"));
    }

    @Test
    void sampleTimeline() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(r.timeline()).containsExactlyInAnyOrder(
                new TimelineEvent("2025-08-27 15:06:40.000000", PLUGIN, "message",
                        "'Hi' from 14155550100@s.whatsapp.net"),
                new TimelineEvent("2025-08-28 18:53:20.000000", PLUGIN, "message",
                        "'Check https://example.org/news' from None - Embedded links: https://example.org/news"),
                new TimelineEvent("2025-08-29 22:40:00.000000", PLUGIN, "message",
                        "'Welcome' from 14155550101@s.whatsapp.net"),
                new TimelineEvent("2025-08-25 07:33:20.000000", PLUGIN, "lid_pair_recorded",
                        "WhatsApp associated LID 100000000000001 with phone number 14155550100"),
                new TimelineEvent("2025-08-27 15:06:40.000000", PLUGIN, "chat_first_message",
                        "First stored message in WhatsApp chat with 'Alice Example' (+14155550100)"),
                new TimelineEvent("2025-08-28 18:53:20.000000", PLUGIN, "chat_last_message",
                        "Last message in WhatsApp chat with 'Alice Example' (+14155550100)"),
                new TimelineEvent("2025-08-21 20:13:20.000000", PLUGIN, "group_created",
                        "WhatsApp group chat 'Example Group' (120000000000000001@g.us) was created"),
                new TimelineEvent("2025-08-29 22:40:00.000000", PLUGIN, "chat_first_message",
                        "First stored message in WhatsApp group chat 'Example Group' (120000000000000001@g.us)"),
                new TimelineEvent("2025-08-31 02:26:40.000000", PLUGIN, "chat_last_message",
                        "Last message in WhatsApp group chat 'Example Group' (120000000000000001@g.us)"));
    }

    @Test
    void sampleJsonShape() throws Exception {
        List<Map<String, Object>> records = records(run(module, Fixtures.sampleBackup()));
        assertThat(Fixtures.JSON.writeValueAsString(records.get(0).get("ZMESSAGEDATE"))).isEqualTo("778000000.0");
        JsonNode node = json(records);
        assertThat(node.get(3).get("record_type").asText()).isEqualTo("lid_phone_number_pair");
        assertThat(node.get(4).get("record_type").asText()).isEqualTo("chat_session");
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocSampleDomainIsCritical() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "example.org", "TestMalware", "test.stix2")
                .build();
        ModuleResult r = run(module, Fixtures.sampleBackup(), iocs);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("whatsapp");
        assertThat(a.matchedIndicator().value()).isEqualTo("example.org");
        assertThat(a.event()).isSameAs(messages(r).get(1));
        assertThat(a.eventTime()).isEqualTo("2025-08-28 18:53:20.000000");
    }

    @Test
    @Tag("needs-ioc-engine")
    void mvtGeneratedIndicatorsGiveOneCriticalAlert() throws Exception {
        Indicators.LoadResult loaded = Indicators.load(List.of(org.vigil.testing.SharedData.generatedIocs()));
        assertThat(loaded.errors()).isEmpty();
        ModuleResult r = run(module, Fixtures.sampleBackup(), loaded.indicators());
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.level()).isEqualTo(Level.CRITICAL);
            assertThat(a.message()).isEqualTo("Found a known suspicious domain https://example.org/news matching"
                    + " indicator \"example.org\" from \"TestMalware\"");
            assertThat(a.matchedIndicator().value()).isEqualTo("example.org");
        });
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocOtherDomainDoesNotMatch() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "example.com", "TestMalware", "test.stix2")
                .build();
        assertThat(run(module, Fixtures.sampleBackup(), iocs).alerts()).isEmpty();
    }

    // --- links ----------------------------------------------------------------------------------

    @Test
    void linksFromEveryFieldWithoutWhatsappMediaAndDuplicates() throws Exception {
        Path db = chatStorage("chat.sqlite");
        message(db, 1, null, 726100000.0, "1@s.whatsapp.net", "see https://a.example.net/x and https://a.example.net/x");
        insert(db, "INSERT INTO ZWAMEDIAITEM (ZMESSAGE, ZMEDIAURL) VALUES (?,?)",
                new Object[] {1, "https://mmg.whatsapp.net/d/f/abc.enc"}, new Object[] {1, "https://cdn.example.net/m"});
        insert(db, "INSERT INTO ZWAMESSAGEDATAITEM (ZMESSAGE, ZCONTENT1, ZMATCHEDTEXT) VALUES (?,?,?)",
                new Object[] {1, "http://c1.example.net/", "https://a.example.net/x"});
        message(db, 2, null, 726100100.0, null, "   ");
        message(db, 3, null, null, null, null);
        message(db, 4, null, 726100200.0, null, "https://mmg-fna.whatsapp.net/only-media");
        ModuleResult r = run(module, backup(db));
        List<Map<String, Object>> m = messages(r);
        assertThat(m).hasSize(5); // two media items for message 1
        // one row per media item (SQLite's join order); links in field order, media hosts left out
        assertThat(List.of(m.get(0).get("links"), m.get(1).get("links"))).containsExactlyInAnyOrder(
                List.of("https://a.example.net/x", "http://c1.example.net/"),
                List.of("https://a.example.net/x", "https://cdn.example.net/m", "http://c1.example.net/"));
        assertThat(m.get(2)).containsEntry("links", List.of()).containsEntry("ZTEXT", "   ");
        assertThat(m.get(3)).containsEntry("links", List.of()).containsEntry("ZTEXT", "").containsEntry("isodate", "");
        assertThat(m.get(4)).doesNotContainKey("links");
        assertThat(r.urls()).extracting(UrlRecord::url).containsExactlyInAnyOrder("https://a.example.net/x",
                "http://c1.example.net/", "https://a.example.net/x", "https://cdn.example.net/m",
                "http://c1.example.net/");
        assertThat(r.urls()).allMatch(u -> u.source().equals("whatsapp"));
        assertThat(r.timeline()).contains(new TimelineEvent("2024-01-04 22:28:20.000000", PLUGIN, "message",
                "'   ' from None"), new TimelineEvent("", PLUGIN, "message", "'' from None"));
    }

    @Test
    void newlinesAreEscapedInTheTimeline() throws Exception {
        Path db = chatStorage("chat.sqlite");
        message(db, 1, null, 726100000.0, "1@s.whatsapp.net", "line one\nline two");
        assertThat(run(module, backup(db)).timeline()).containsExactly(new TimelineEvent(
                "2024-01-04 22:26:40.000000", PLUGIN, "message", "'line one\\nline two' from 1@s.whatsapp.net"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocOnMediaUrlAndOnePerMessage() throws Exception {
        Path db = chatStorage("chat.sqlite");
        message(db, 1, null, 726100000.0, null, "https://bad.example.net/a https://other.example.net/ok");
        message(db, 2, null, 726100100.0, null, "https://fine.example.com/");
        insert(db, "INSERT INTO ZWAMEDIAITEM (ZMESSAGE, ZMEDIAURL) VALUES (?,?)",
                new Object[] {2, "https://cdn.bad.example.net/x"});
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example.net", "TestMalware",
                "test.stix2").build();
        ModuleResult r = run(module, backup(db), iocs);
        assertThat(r.alerts()).extracting(Alert::level, Alert::eventTime).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.CRITICAL, "2024-01-04 22:26:40.000000"),
                org.assertj.core.groups.Tuple.tuple(Level.CRITICAL, "2024-01-04 22:28:20.000000"));
        assertThat(r.alerts().get(1).event()).isSameAs(messages(r).get(1));
    }

    // --- LID pairs and chats ----------------------------------------------------------------------

    @Test
    void lidPairsFallBackToChatStorageAndResolveChats() throws Exception {
        Path db = chatStorage("chat.sqlite");
        sqliteExec(db, "CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY, ZLID VARCHAR,"
                + " ZPHONENUMBER VARCHAR, ZTIMESTAMP TIMESTAMP)");
        insert(db, "INSERT INTO ZWAPHONENUMBERLIDPAIR (ZLID, ZPHONENUMBER, ZTIMESTAMP) VALUES (?,?,?)",
                new Object[] {"200@lid", "+15550001@s.whatsapp.net", null},
                new Object[] {"300", null, 726100000.0});
        insert(db, "INSERT INTO ZWACHATSESSION (Z_PK, ZCONTACTJID, ZPARTNERNAME, ZLASTMESSAGEDATE) VALUES (?,?,?,?)",
                new Object[] {1, "200@lid", null, null}, new Object[] {2, "300@lid", "Carol", 0.0});
        ModuleResult r = run(module, backup(db));
        List<Map<String, Object>> pairs = ofType(r, "lid_phone_number_pair");
        assertThat(pairs).extracting(p -> p.get("pair_timestamp")).containsExactly(null, "2024-01-04 22:26:40.000000");
        List<Map<String, Object>> chats = ofType(r, "chat_session");
        assertThat(chats.get(0)).containsEntry("partner_resolved_phone_number", "+15550001")
                .containsEntry("stored_message_count", 0).containsEntry("first_stored_message_date", null);
        assertThat(chats.get(1)).containsEntry("partner_resolved_phone_number", null)
                .containsEntry("last_message_date", null);
        // no dates: no chat events; one pair event (the other pair has no time)
        assertThat(r.timeline()).containsExactly(new TimelineEvent("2024-01-04 22:26:40.000000", PLUGIN,
                "lid_pair_recorded", "WhatsApp associated LID 300 with phone number None"));
    }

    @Test
    void lastStoredMessageStandsInForMissingChatDate() throws Exception {
        Path db = chatStorage("chat.sqlite");
        insert(db, "INSERT INTO ZWACHATSESSION (Z_PK, ZCONTACTJID, ZPARTNERNAME) VALUES (?,?,?)",
                new Object[] {1, "15550002@s.whatsapp.net", null});
        message(db, 1, 1, 726100000.0, "15550002@s.whatsapp.net", "a");
        message(db, 2, 1, 726103600.0, null, "b");
        ModuleResult r = run(module, backup(db));
        assertThat(r.timeline()).contains(
                new TimelineEvent("2024-01-04 22:26:40.000000", PLUGIN, "chat_first_message",
                        "First stored message in WhatsApp chat with 15550002@s.whatsapp.net"),
                new TimelineEvent("2024-01-04 23:26:40.000000", PLUGIN, "chat_last_message",
                        "Last message in WhatsApp chat with 15550002@s.whatsapp.net"));
    }

    @Test
    void lidDatabaseBesideChatStorageInAFilesystemDump() throws Exception {
        Path chat = chatStorage("chat.sqlite");
        insert(chat, "INSERT INTO ZWACHATSESSION (Z_PK, ZCONTACTJID) VALUES (?,?)", new Object[] {1, "9@lid"});
        Path lid = sqlite(tmp.resolve("lid.sqlite"), "CREATE TABLE ZWAPHONENUMBERLIDPAIR (Z_PK INTEGER PRIMARY KEY,"
                + " ZTIMESTAMP TIMESTAMP, ZLID VARCHAR, ZPHONENUMBER VARCHAR)");
        insert(lid, "INSERT INTO ZWAPHONENUMBERLIDPAIR (ZLID, ZPHONENUMBER) VALUES (?,?)", new Object[] {"9", "4477"});
        String dir = "private/var/mobile/Containers/Shared/AppGroup/ABC/";
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(dir + "ChatStorage.sqlite", "",
                dir + "ChatStorage.sqlite", chat).add(dir + "LID.sqlite", "", dir + "LID.sqlite", lid);
        ModuleResult r = run(module, fs);
        assertThat(ofType(r, "chat_session").get(0)).containsEntry("partner_resolved_phone_number", "+4477");
    }

    @Test
    void corruptLidDatabaseIsOnlyAWarning() throws Exception {
        Path chat = chatStorage("chat.sqlite");
        message(chat, 1, null, 726100000.0, null, "hi");
        FakeSource source = backup(chat).add(Whatsapp.LID_BACKUP_ID, Whatsapp.DOMAIN, "LID.sqlite",
                Fixtures.randomFile(tmp, "lid"));
        ModuleResult r = run(module, source);
        assertThat(messages(r)).hasSize(1);
        assertThat(ofType(r, "lid_phone_number_pair")).isEmpty();
    }

    // --- schemas -------------------------------------------------------------------------------------

    @Test
    void olderSchemaWithoutMediaDataGroupAndChatTables() throws Exception {
        Path db = sqlite(tmp.resolve("old.sqlite"), "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY,"
                + " ZMESSAGEDATE TIMESTAMP, ZTEXT VARCHAR)");
        insert(db, "INSERT INTO ZWAMESSAGE VALUES (?,?,?)", new Object[] {1, 726100000.0, "old https://x.example.net"});
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).hasSize(1);
        assertThat(records(r).get(0)).containsEntry("ZMEDIAURL", null).containsEntry("ZTITLE", null)
                .containsEntry("links", List.of("https://x.example.net"));
        assertThat(r.timeline()).containsExactly(new TimelineEvent("2024-01-04 22:26:40.000000", PLUGIN, "message",
                "'old https://x.example.net' from Unknown - Embedded links: https://x.example.net"));
    }

    @Test
    void manyMessagesAreStreamed() throws Exception {
        Path db = chatStorage("chat.sqlite");
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= 20_000; i++) {
            rows.add(new Object[] {i, 1, 726100000.0 + i, "1@s.whatsapp.net", "m" + i});
        }
        insert(db, "INSERT INTO ZWAMESSAGE (Z_PK, ZCHATSESSION, ZMESSAGEDATE, ZFROMJID, ZTEXT) VALUES (?,?,?,?,?)",
                rows.toArray(new Object[0][]));
        insert(db, "INSERT INTO ZWACHATSESSION (Z_PK, ZCONTACTJID) VALUES (?,?)", new Object[] {1, "1@s.whatsapp.net"});
        ModuleResult r = run(module, backup(db));
        assertThat(messages(r)).hasSize(20_000);
        assertThat(ofType(r, "chat_session").get(0)).containsEntry("stored_message_count", 20_000);
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
        JsonNode results = Fixtures.JSON.readTree("[{\"ZTEXT\": \"a\", \"links\": [\"https://github.com\","
                + " \"http://example.com/thisisbad\"], \"isodate\": \"2025-08-28 18:53:20.000000\"},"
                + " {\"record_type\": \"chat_session\"}, {\"ZTEXT\": \"b\", \"links\": []}]");
        Indicators iocs = Indicators.builder().add(IndicatorType.URLS, "http://example.com/thisisbad", "TestMalware",
                "test.stix2").build();
        List<Alert> alerts = module.recheck(results, iocs);
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).event()).isSameAs(results.get(0));
        assertThat(alerts.get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(alerts.get(0).eventTime()).isEqualTo("2025-08-28 18:53:20.000000");
    }

    // --- absent and unreadable ----------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("WhatsApp ChatStorage.sqlite not found");
    }

    @Test
    void listedButNotInBackup() {
        assertThatThrownBy(() -> run(module, backup(null))).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": listed in Manifest.db but not in the backup");
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
                .hasMessage(NAME + ": no table ZWAMESSAGE");
    }

    private static void sqliteExec(Path db, String... statements) throws Exception {
        sqlite(db, statements);
    }
}
