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
import org.vigil.modules.ios.mixed.WhatsappContacts.Contact;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class WhatsappContactsTest {
    private static final String NAME = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ContactsV2.sqlite";
    private static final String PLUGIN = "WhatsappContacts";

    @TempDir
    Path tmp;

    private final WhatsappContacts module = new WhatsappContacts();

    @SuppressWarnings("unchecked")
    private static List<Contact> records(ModuleResult r) {
        return (List<Contact>) r.results();
    }

    private FakeSource backup(Path db) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(WhatsappContacts.BACKUP_ID, Whatsapp.DOMAIN,
                "ContactsV2.sqlite", db);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // --- real sample ---------------------------------------------------------------------------

    @Test
    void extractsTheSampleLikeMvt() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(records(r)).hasSize(2);
        Contact alice = records(r).stream().filter(c -> "Alice".equals(c.givenName())).findFirst().orElseThrow();
        assertThat(alice).isEqualTo(new Contact(1, "14155550100@s.whatsapp.net", "100000000000001@lid",
                "+14155550100", "(415) 555-0100", "Alice Example", "Alice", "Example", "alice.example", null,
                "Hey there! I am using WhatsApp.", null, null, 86400.0, "2025-07-23 21:46:40.000000",
                "2025-07-12 08:00:00.000000", "2025-08-16 01:20:00.000000", "2025-08-04 11:33:20.000000", 1, 1,
                true, "24 hours"));
        Contact bob = records(r).stream().filter(c -> "Bob".equals(c.givenName())).findFirst().orElseThrow();
        assertThat(bob.lid()).isNull();
        assertThat(bob.disappearingModeDuration()).isNull();
        assertThat(bob.disappearingModeIsOn()).isFalse();
        assertThat(bob.disappearingModeLabel()).isEqualTo("off");
        assertThat(bob.disappearingModeTimestamp()).isNull();
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void sampleTimeline() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2025-07-23 21:46:40.000000", PLUGIN, "disappearing_mode_set",
                        "WhatsApp disappearing messages timer set to '24 hours' for 14155550100@s.whatsapp.net"
                                + " (Alice Example)"),
                new TimelineEvent("2025-07-12 08:00:00.000000", PLUGIN, "about_changed",
                        "WhatsApp about text of 14155550100@s.whatsapp.net (Alice Example) changed to"
                                + " \"Hey there! I am using WhatsApp.\""),
                new TimelineEvent("2025-08-16 01:20:00.000000", PLUGIN, "about_expiration",
                        "WhatsApp about text of 14155550100@s.whatsapp.net (Alice Example) scheduled to expire"),
                new TimelineEvent("2025-08-04 11:33:20.000000", PLUGIN, "contact_last_updated",
                        "WhatsApp contact record for 14155550100@s.whatsapp.net (Alice Example) updated"),
                new TimelineEvent("2025-08-04 11:33:20.000000", PLUGIN, "contact_last_updated",
                        "WhatsApp contact record for 14155550101@s.whatsapp.net (Bob Example) updated"));
    }

    @Test
    void sampleJsonKeys() throws Exception {
        JsonNode node = json(records(run(module, Fixtures.sampleBackup())).get(0));
        Fixtures.assertKeys(node, "row_pk", "whatsapp_id", "lid", "phone_number", "localized_phone_number",
                "full_name", "given_name", "last_name", "user_name", "business_name", "about_text", "about_emoji",
                "notes", "disappearing_mode_duration", "disappearing_mode_timestamp", "about_timestamp",
                "about_expiration_timestamp", "last_updated", "phone_status", "sync_policy",
                "disappearing_mode_is_on", "disappearing_mode_label");
        assertThat(Fixtures.JSON.writeValueAsString(records(run(module, Fixtures.sampleBackup())).get(0)))
                .contains("\"disappearing_mode_duration\":86400.0").contains("\"disappearing_mode_is_on\":true");
    }

    @Test
    void indicatorsRaiseNothing() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "whatsapp.net", "TestMalware", "t.stix2")
                .build();
        ModuleResult r = run(module, Fixtures.sampleBackup(), iocs);
        assertThat(r.alerts()).isEmpty();
        assertThat(module.recheck(json(r.results()), iocs)).isEmpty();
    }

    // --- labels and older schemas --------------------------------------------------------------------

    @Test
    void timerLabels() {
        assertThat(WhatsappContacts.label(null)).isEqualTo("off");
        assertThat(WhatsappContacts.label(0.0)).isEqualTo("off");
        assertThat(WhatsappContacts.label(604800)).isEqualTo("7 days");
        assertThat(WhatsappContacts.label(1209600.0)).isEqualTo("14 days");
        assertThat(WhatsappContacts.label(2592000L)).isEqualTo("30 days");
        assertThat(WhatsappContacts.label(7776000.9)).isEqualTo("90 days");
        assertThat(WhatsappContacts.label(3600.0)).isEqualTo("3600 seconds");
    }

    @Test
    void olderSchemaWithoutDurationAndWithOtherStatusColumn() throws Exception {
        Path db = sqlite(tmp.resolve("c.sqlite"), "CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY,"
                + " ZFULLNAME VARCHAR, ZPHONENUMBER VARCHAR, ZLASTUPDATED TIMESTAMP, ZPHONENUMBERSTATUS INTEGER)");
        insert(db, "INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (?,?,?,?,?)",
                new Object[] {7, "Dora", "+3312345", 0.0, 2}, new Object[] {8, null, null, null, null});
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).containsExactly(
                new Contact(7, null, null, "+3312345", null, "Dora", null, null, null, null, null, null, null, null,
                        null, null, null, null, 2, null, null, null),
                new Contact(8, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null));
        assertThat(r.timeline()).isEmpty();
    }

    @Test
    void blobsAreDecodedAndUnknownContactsNamed() throws Exception {
        Path db = sqlite(tmp.resolve("c.sqlite"), "CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY,"
                + " ZLID BLOB, ZABOUTTEXT BLOB, ZABOUTTIMESTAMP TIMESTAMP, ZDISAPPEARINGMODEDURATION FLOAT,"
                + " ZDISAPPEARINGMODETIMESTAMP TIMESTAMP)");
        insert(db, "INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (?,?,?,?,?,?)",
                new Object[] {1, b("5@lid"), new byte[0], 726100000.0, 90.0, 726100000.0},
                new Object[] {2, null, b("caf\u00e9"), 726100060.0, null, null});
        ModuleResult r = run(module, backup(db));
        assertThat(records(r).get(0).lid()).isEqualTo("5@lid");
        assertThat(records(r).get(0).disappearingModeLabel()).isEqualTo("90 seconds");
        assertThat(records(r).get(1).aboutText()).isEqualTo("caf\u00e9");
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-04 22:26:40.000000", PLUGIN, "disappearing_mode_set",
                        "WhatsApp disappearing messages timer set to '90 seconds' for 5@lid"),
                new TimelineEvent("2024-01-04 22:26:40.000000", PLUGIN, "about_changed",
                        "WhatsApp about text of 5@lid changed"),
                new TimelineEvent("2024-01-04 22:27:40.000000", PLUGIN, "about_changed",
                        "WhatsApp about text of unknown changed to \"caf\u00e9\""));
    }

    // --- absent and unreadable ----------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("WhatsApp ContactsV2.sqlite not found");
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        Path db = sqlite(tmp.resolve("c.sqlite"), "CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY)",
                "INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1)");
        String p = "private/var/mobile/Containers/Shared/AppGroup/X/ContactsV2.sqlite";
        assertThat(records(run(module, new FakeSource(SourceKind.IOS_FS, tmp).add(p, "", p, db)))).hasSize(1);
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
                .hasMessage(NAME + ": no table ZWAADDRESSBOOKCONTACT");
    }

    @Test
    void tableWithoutPrimaryKeyColumn() throws Exception {
        Path f = sqlite(tmp.resolve("c.sqlite"), "CREATE TABLE ZWAADDRESSBOOKCONTACT (ZFULLNAME VARCHAR)");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column Z_PK in table ZWAADDRESSBOOKCONTACT");
    }
}
