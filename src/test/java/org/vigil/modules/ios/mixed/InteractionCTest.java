package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

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
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class InteractionCTest {
    private static final String NAME = "HomeDomain/Library/CoreDuet/People/interactionC.db";
    private static final String PLUGIN = "InteractionC";

    @TempDir
    Path tmp;

    private final InteractionC module = new InteractionC();

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    /** Runs WhatsappContacts, then InteractionC with its outcome, as the runner does. */
    private ModuleResult runWithContacts(AcquisitionSource source) throws Exception {
        ModuleOutcome contacts = org.vigil.core.ModuleRunner.runOne(new WhatsappContacts(),
                new ModuleContext(source, Indicators.empty(), ModuleOptions.defaults(), Map.of(), Fixtures.CLOCK));
        assertThat(contacts.status()).isEqualTo(ModuleStatus.CHECKED);
        return module.run(new ModuleContext(source, Indicators.empty(), ModuleOptions.defaults(),
                Map.of(WhatsappContacts.SLUG, contacts), Fixtures.CLOCK));
    }

    private static Map<String, Object> bySender(ModuleResult r, String sender) {
        return records(r).stream().filter(e -> sender.equals(e.get("sender_identifier"))).findFirst().orElseThrow();
    }

    private static List<String> data(ModuleResult r) {
        return r.timeline().stream().map(TimelineEvent::data).toList();
    }

    @Test
    void declaresItsDependency() {
        assertThat(module.descriptor().dependencies()).containsExactly("whatsapp_contacts");
        assertThat(module.descriptor().slug()).isEqualTo("interaction_c");
        assertThat(module.descriptor().pluginName()).isEqualTo("InteractionC");
    }

    // --- real sample, with WhatsappContacts -------------------------------------------------------

    @Test
    void sampleWithWhatsappContacts() throws Exception {
        ModuleResult r = runWithContacts(Fixtures.sampleBackup());
        assertThat(records(r)).hasSize(3);
        Map<String, Object> incoming = bySender(r, "100000000000001@lid");
        assertThat(incoming).containsEntry("direction", "INCOMING")
                .containsEntry("sender_resolved_phone_number", "+14155550100")
                .containsEntry("sender_resolved_name", "Alice Example")
                .containsEntry("start_date", "2025-09-08 04:53:20.000000")
                .containsEntry("attachment_id", "").containsEntry("derivied_intent_id", null)
                .containsEntry("table_id", 1);
        Map<String, Object> outgoing = records(r).stream().filter(e -> "OUTGOING".equals(e.get("direction")))
                .findFirst().orElseThrow();
        assertThat(outgoing).containsEntry("recipient_identifier", "+14155550100")
                .containsEntry("recipient_resolved_phone_number", null)
                .containsEntry("recipient_resolved_name", "Alice Example")
                .containsEntry("domain_resolved_phone_number", "+14155550100")
                .containsEntry("domain_resolved_name", "Alice Example")
                .containsEntry("sender_resolved_phone_number", null).containsEntry("sender_resolved_name", null);
        Map<String, Object> sms = records(r).stream().filter(e -> "com.apple.MobileSMS".equals(e.get("bundle_id")))
                .findFirst().orElseThrow();
        assertThat(sms).doesNotContainKey("sender_resolved_name").containsEntry("sender_display_name", "Bob Example")
                .containsEntry("first_incoming_sender_date", "2025-09-03 13:46:40.000000");
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void sampleJsonKeysFollowTheMostCompleteQuery() throws Exception {
        ModuleResult r = runWithContacts(Fixtures.sampleBackup());
        Fixtures.assertKeys(json(bySender(r, "+14155550101")), "start_date", "end_date", "bundle_id", "account",
                "target_bundle_id", "direction", "sender_display_name", "sender_identifier", "sender_personid",
                "recipient_display_name", "recipient_identifier", "recipient_personid", "recipient_count",
                "domain_identifier", "is_response", "content", "uti", "attachment_content_url", "size",
                "photo_local_id", "attachment_id", "cloud_id", "incoming_recipient_count", "incoming_sender_count",
                "outgoing_recipient_count", "interactions_creation_date", "contacts_creation_date",
                "first_incoming_recipient_date", "first_incoming_sender_date", "first_outgoing_recipient_date",
                "last_incoming_sender_date", "last_incoming_recipient_date", "last_outgoing_recipient_date",
                "custom_id", "interaction_content_url", "location_uuid", "group_name", "derivied_intent_id",
                "table_id");
        assertThat(json(bySender(r, "100000000000001@lid")).size()).isEqualTo(39 + 6);
    }

    @Test
    void sampleTimelineWithWhatsappContacts() throws Exception {
        ModuleResult r = runWithContacts(Fixtures.sampleBackup());
        String sms = "[com.apple.MobileSMS] INCOMING from Bob Example (+14155550101) to local user";
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2025-09-08 04:53:20.000000", PLUGIN, "start_date",
                        "[net.whatsapp.WhatsApp] INCOMING from Alice Example (+14155550100) to local user"),
                new TimelineEvent("2025-09-09 08:40:00.000000", PLUGIN, "start_date",
                        "[net.whatsapp.WhatsApp] OUTGOING from local user to Alice Example (+14155550100)"),
                new TimelineEvent("2025-09-10 12:26:40.000000", PLUGIN, "start_date", sms),
                new TimelineEvent("2025-12-09 12:26:40.000000", PLUGIN, "interactions_creation_date",
                        "Interaction record created 90 days after the event: " + sms),
                new TimelineEvent("2025-09-03 13:46:40.000000", PLUGIN, "first_incoming_sender_date",
                        "First incoming interaction from Bob Example (+14155550101)"),
                new TimelineEvent("2025-09-10 12:26:40.000000", PLUGIN, "last_incoming_sender_date",
                        "Last incoming interaction from Bob Example (+14155550101)"));
    }

    // --- real sample, alone --------------------------------------------------------------------------

    @Test
    void sampleWithoutWhatsappContacts() throws Exception {
        ModuleResult r = Fixtures.run(module, Fixtures.sampleBackup());
        assertThat(records(r)).hasSize(3);
        assertThat(bySender(r, "100000000000001@lid")).containsEntry("sender_resolved_phone_number", null)
                .containsEntry("sender_resolved_name", null);
        assertThat(data(r)).contains("[net.whatsapp.WhatsApp] INCOMING from 100000000000001@lid to local user",
                "[net.whatsapp.WhatsApp] OUTGOING from local user to +14155550100",
                "[com.apple.MobileSMS] INCOMING from Bob Example (+14155550101) to local user");
        assertThat(r.timeline()).hasSize(6);
    }

    @Test
    void contactsModuleThatFoundNothingResolvesNothing() throws Exception {
        FakeSource source = Fixtures.sampleBackup();
        ModuleOutcome absent = ModuleOutcome.without(WhatsappContacts.SLUG, "WhatsappContacts",
                ModuleStatus.NOT_PRESENT, "WhatsApp ContactsV2.sqlite not found");
        ModuleResult r = module.run(new ModuleContext(source, Indicators.empty(), ModuleOptions.defaults(),
                Map.of(WhatsappContacts.SLUG, absent), Fixtures.CLOCK));
        assertThat(data(r)).contains("[net.whatsapp.WhatsApp] INCOMING from 100000000000001@lid to local user");
    }

    @Test
    void noIndicatorChecks() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "whatsapp.net", "TestMalware", "t.stix2")
                .build();
        ModuleResult r = Fixtures.run(module, Fixtures.sampleBackup(), iocs);
        assertThat(r.alerts()).isEmpty();
        assertThat(module.recheck(json(r.results()), iocs)).isEmpty();
    }

    // --- identifier resolution --------------------------------------------------------------------------

    private static InteractionC.ContactIndex index() {
        WhatsappContacts.Contact alice = new WhatsappContacts.Contact(1, "14155550100@s.whatsapp.net",
                "100000000000001@lid", "+1 (415) 555-0100", null, null, "Alice", null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
        WhatsappContacts.Contact bob = new WhatsappContacts.Contact(2, "14155550101@s.whatsapp.net", null, null, null,
                "Bob Example", null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);
        ModuleOutcome outcome = new ModuleOutcome(WhatsappContacts.SLUG, "WhatsappContacts", ModuleStatus.CHECKED, "",
                List.of(alice, bob), List.of(), List.of(), List.of());
        return InteractionC.ContactIndex.of(outcome);
    }

    @Test
    void resolvesLidJidAndPhoneIdentifiers() {
        InteractionC.ContactIndex idx = index();
        assertThat(idx.resolve("100000000000001@lid"))
                .isEqualTo(new InteractionC.Resolved("+1 (415) 555-0100", "Alice"));
        assertThat(idx.resolve("999@lid")).isEqualTo(InteractionC.Resolved.NONE);
        assertThat(idx.resolve("14155550101@s.whatsapp.net"))
                .isEqualTo(new InteractionC.Resolved("+14155550101", "Bob Example"));
        assertThat(idx.resolve("14155550100@s.whatsapp.net"))
                .isEqualTo(new InteractionC.Resolved("+1 (415) 555-0100", "Alice"));
        assertThat(idx.resolve("4915100000@s.whatsapp.net")).isEqualTo(new InteractionC.Resolved("+4915100000", null));
        assertThat(idx.resolve("+1 415 555 0100")).isEqualTo(new InteractionC.Resolved(null, "Alice"));
        assertThat(idx.resolve("120363000000000000@g.us")).isEqualTo(InteractionC.Resolved.NONE);
        assertThat(idx.resolve("14155550100")).isEqualTo(InteractionC.Resolved.NONE);
        assertThat(idx.resolve(null)).isEqualTo(InteractionC.Resolved.NONE);
    }

    @Test
    void customIdStandsInForAnUnresolvedSender() {
        Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("bundle_id", "net.whatsapp.WhatsApp");
        e.put("direction", 1);
        e.put("sender_identifier", "555@lid");
        e.put("custom_id", "14155550101@s.whatsapp.net");
        InteractionC.postprocess(e, index());
        assertThat(e).containsEntry("direction", "OUTGOING").containsEntry("sender_resolved_phone_number", "+14155550101")
                .containsEntry("sender_resolved_name", "Bob Example").containsEntry("recipient_resolved_name", null);
        Map<String, Object> other = new java.util.LinkedHashMap<>();
        other.put("bundle_id", "com.apple.MobileSMS");
        other.put("direction", "0");
        other.put("sender_identifier", "555@lid");
        InteractionC.postprocess(other, index());
        assertThat(other).containsOnlyKeys("bundle_id", "direction", "sender_identifier")
                .containsEntry("direction", "INCOMING");
    }

    @Test
    void partyDescriptions() {
        Map<String, Object> e = new java.util.HashMap<>();
        e.put("sender_display_name", "+1 (415) 555-0100");
        e.put("sender_identifier", "+14155550100");
        assertThat(InteractionC.describeParty(e, "sender")).isEqualTo("+14155550100");
        e.put("sender_display_name", "Alice");
        assertThat(InteractionC.describeParty(e, "sender")).isEqualTo("Alice (+14155550100)");
        e.put("sender_identifier", null);
        assertThat(InteractionC.describeParty(e, "sender")).isEqualTo("Alice");
        assertThat(InteractionC.describeParty(e, "recipient")).isNull();
    }

    @Test
    void deltaWording() {
        assertThat(InteractionC.describeDelta(3600)).isEqualTo("1 hours");
        assertThat(InteractionC.describeDelta(5400)).isEqualTo("2 hours"); // 1.5 rounds half to even
        assertThat(InteractionC.describeDelta(9000)).isEqualTo("2 hours"); // 2.5 too
        assertThat(InteractionC.describeDelta(86400)).isEqualTo("1 days");
        assertThat(InteractionC.describeDelta(7776000)).isEqualTo("90 days");
    }

    // --- fixtures: timeline rules and older schemas ------------------------------------------------

    /** The smallest schema (the fourth query): no attachment, recipient or custom-id columns. */
    private Path minimalDb() throws Exception {
        return sqlite(tmp.resolve("interactionC.db"),
                "CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER INTEGER, ZSTARTDATE TIMESTAMP,"
                        + " ZENDDATE TIMESTAMP, ZCREATIONDATE TIMESTAMP, ZBUNDLEID VARCHAR, ZDIRECTION INTEGER,"
                        + " ZISRESPONSE INTEGER, ZMECHANISM INTEGER, ZACCOUNT VARCHAR, ZDOMAINIDENTIFIER VARCHAR,"
                        + " ZCONTENTURL VARCHAR, ZLOCATIONUUID VARCHAR)",
                "CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY, ZDISPLAYNAME VARCHAR, ZIDENTIFIER VARCHAR,"
                        + " ZPERSONID VARCHAR, ZCREATIONDATE TIMESTAMP, ZFIRSTINCOMINGRECIPIENTDATE TIMESTAMP,"
                        + " ZFIRSTINCOMINGSENDERDATE TIMESTAMP, ZFIRSTOUTGOINGRECIPIENTDATE TIMESTAMP,"
                        + " ZLASTINCOMINGSENDERDATE TIMESTAMP, ZLASTINCOMINGRECIPIENTDATE TIMESTAMP,"
                        + " ZLASTOUTGOINGRECIPIENTDATE TIMESTAMP, ZINCOMINGRECIPIENTCOUNT INTEGER,"
                        + " ZINCOMINGSENDERCOUNT INTEGER, ZOUTGOINGRECIPIENTCOUNT INTEGER)");
    }

    private FakeSource backup(Path db) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(InteractionC.BACKUP_ID, "HomeDomain",
                "Library/CoreDuet/People/interactionC.db", db);
    }

    @Test
    void olderSchemaUsesTheSmallestQuery() throws Exception {
        Path db = minimalDb();
        insert(db, "INSERT INTO ZCONTACTS (Z_PK, ZDISPLAYNAME, ZIDENTIFIER, ZCREATIONDATE) VALUES (?,?,?,?)",
                new Object[] {1, "Eve", "eve@example.net", 700000000.0});
        insert(db, "INSERT INTO ZINTERACTIONS (Z_PK, ZSENDER, ZSTARTDATE, ZENDDATE, ZCREATIONDATE, ZBUNDLEID,"
                + " ZDIRECTION, ZACCOUNT) VALUES (?,?,?,?,?,?,?,?)",
                new Object[] {1, 1, 726100000.0, 726100060.0, 726100000.5, "com.apple.mobilemail", 0, "me@example.net"},
                new Object[] {2, null, 726200000.0, 726200000.0, 726100000.0, "com.apple.mobilephone", 1, null},
                new Object[] {3, null, null, null, 726300000.0, "com.example.app", 2, null});
        ModuleResult r = Fixtures.run(module, backup(db));
        assertThat(records(r)).hasSize(3);
        Fixtures.assertKeys(json(records(r).get(0)), "start_date", "end_date", "interactions_creation_date",
                "bundle_id", "sender_display_name", "sender_identifier", "sender_personid", "direction",
                "is_response", "mechanism", "contacts_creation_date", "first_incoming_recipient_date",
                "first_incoming_sender_date", "first_outgoing_recipient_date", "last_incoming_sender_date",
                "last_incoming_recipient_date", "last_outgoing_recipient_date", "account", "domain_identifier",
                "incoming_recipient_count", "incoming_sender_count", "outgoing_recipient_count",
                "interaction_content_url", "location_uuid", "table_id");
        assertThat(records(r).get(0)).containsEntry("direction", "INCOMING")
                .containsEntry("interactions_creation_date", "2024-01-04 22:26:40.500000");
        assertThat(records(r).get(2)).containsEntry("direction", 2).containsEntry("start_date", null);
        String mail = "[com.apple.mobilemail] me@example.net INCOMING from Eve (eve@example.net) to local user";
        String call = "[com.apple.mobilephone] OUTGOING from local user to unknown";
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", PLUGIN, "start_date", mail),
                new TimelineEvent("2024-01-04 22:27:40.000000", PLUGIN, "end_date", mail),
                new TimelineEvent("2023-03-08 20:26:40.000000", PLUGIN, "contacts_creation_date",
                        "Contact Eve (eve@example.net) first recorded in interactionC"),
                new TimelineEvent("2024-01-06 02:13:20.000000", PLUGIN, "start_date", call),
                new TimelineEvent("2024-01-04 22:26:40.000000", PLUGIN, "interactions_creation_date",
                        "Interaction record created 1 days before the event: " + call),
                new TimelineEvent("2024-01-07 06:00:00.000000", PLUGIN, "interactions_creation_date",
                        "[com.example.app] 2 from unknown to unknown"));
    }

    @Test
    void thirdQueryKeepsTheCustomIdentifier() throws Exception {
        Path db = minimalDb();
        sqlite(db, "ALTER TABLE ZCONTACTS ADD COLUMN ZCUSTOMIDENTIFIER VARCHAR",
                "ALTER TABLE ZINTERACTIONS ADD COLUMN ZRECIPIENTCOUNT INTEGER");
        insert(db, "INSERT INTO ZINTERACTIONS (Z_PK, ZSTARTDATE, ZBUNDLEID) VALUES (?,?,?)",
                new Object[] {1, 726100000.0, "x"});
        ModuleResult r = Fixtures.run(module, backup(db));
        assertThat(json(records(r).get(0)).fieldNames()).toIterable().contains("custom_id", "mechanism")
                .doesNotContain("target_bundle_id");
        assertThat(json(records(r).get(0)).fieldNames().next()).isEqualTo("start_date");
    }

    // --- absent and unreadable ----------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> Fixtures.run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("interactionC.db not found");
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Fixtures.emptyFile(tmp, "x");
        assertThatThrownBy(() -> Fixtures.run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void randomBytes() throws Exception {
        Path f = Fixtures.randomFile(tmp, "x");
        assertThatThrownBy(() -> Fixtures.run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void foreignSchema() throws Exception {
        Path f = Fixtures.foreignDb(tmp, "x.db");
        assertThatThrownBy(() -> Fixtures.run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table ZINTERACTIONS");
    }

    @Test
    void schemaMissingAColumnOfEveryQuery() throws Exception {
        Path f = sqlite(tmp.resolve("i.db"), "CREATE TABLE ZINTERACTIONS (Z_PK INTEGER PRIMARY KEY, ZSENDER INTEGER,"
                + " ZSTARTDATE TIMESTAMP)", "CREATE TABLE ZCONTACTS (Z_PK INTEGER PRIMARY KEY)");
        assertThatThrownBy(() -> Fixtures.run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column ZENDDATE in table ZINTERACTIONS");
    }
}
