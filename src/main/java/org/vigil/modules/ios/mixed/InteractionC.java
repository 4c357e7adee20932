package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * CoreDuet people interactions ({@code interaction_c}, MVT's {@code InteractionC}): who the
 * phone's user exchanged messages, calls and shares with, in which app, and when.
 *
 * <p><b>Artifact</b>: {@code interactionC.db}; in a backup HomeDomain {@value #RELATIVE_PATH}
 * (fileID {@value #BACKUP_ID}), in a filesystem dump {@value #FS_PATH}.
 *
 * <p><b>Records</b>: one per interaction row, from the first of four queries (after the APOLLO
 * project's "interaction_contact_interactions" module, as in MVT) that the schema supports, from
 * the most complete (sender and recipient contacts, attachments, group name, intent id) to the
 * smallest (interaction and sender only). Keys are MVT's, including its spelling
 * {@code derivied_intent_id}; the ten date fields are Mac times turned into ISO; the direction is
 * {@code INCOMING} / {@code OUTGOING}. For WhatsApp ({@code net.whatsapp.WhatsApp}) rows, the
 * sender, recipient and chat ({@code domain_identifier}) identifiers ({@code ...@lid},
 * {@code ...@s.whatsapp.net}, {@code +phone}) are resolved to a phone number and a name through
 * the records of {@link WhatsappContacts} (a declared dependency; without it nothing resolves):
 * {@code sender_, recipient_, domain_resolved_phone_number} and {@code _resolved_name}.
 *
 * <p><b>Flags</b>: nothing (no indicator type applies), as in MVT.
 *
 * <p><b>Timeline</b>: {@code start_date} and {@code end_date} ("[bundle] account DIRECTION from X
 * to Y (group: g): content"); {@code interactions_creation_date} only when the record was created
 * an hour or more before or after the interaction (back-filled: sync, restore or tampering) or
 * when there is no start date; and, once per contact, the contact's aggregate dates (first
 * recorded, first/last incoming, first/last outgoing) in contact-centric sentences.
 */
public final class InteractionC implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(InteractionC.class);

    /** Backup fileID: SHA-1 of {@code HomeDomain-Library/CoreDuet/People/interactionC.db}. */
    public static final String BACKUP_ID = "1f5a521220a3ad80ebfdc196978df8e7a2e49dee";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/CoreDuet/People/interactionC.db";
    static final String FS_PATH = "private/var/mobile/Library/CoreDuet/People/interactionC.db";

    static final String WHATSAPP_BUNDLE_ID = "net.whatsapp.WhatsApp";
    /** A creation date this far (seconds) from the start date is put on the timeline. */
    static final double CREATION_DIVERGENCE_SECONDS = 3600.0;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "interaction_c", "InteractionC", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(WhatsappContacts.SLUG),
            "CoreDuet interactions: contacts, apps and times (context; WhatsApp LIDs resolved to contacts)");

    /** The fields holding Mac times, turned into ISO. */
    static final Set<String> DATE_FIELDS = Set.of("start_date", "end_date", "interactions_creation_date",
            "contacts_creation_date", "first_incoming_recipient_date", "first_incoming_sender_date",
            "first_outgoing_recipient_date", "last_incoming_sender_date", "last_incoming_recipient_date",
            "last_outgoing_recipient_date");

    /** Per-contact aggregate dates, in MVT's order, and their sentences ({@code %s} = the contact). */
    static final Map<String, String> CONTACT_EVENTS = contactEvents();

    private static Map<String, String> contactEvents() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("contacts_creation_date", "Contact %s first recorded in interactionC");
        m.put("first_incoming_sender_date", "First incoming interaction from %s");
        m.put("last_incoming_sender_date", "Last incoming interaction from %s");
        m.put("first_incoming_recipient_date", "First incoming interaction where %s was a recipient");
        m.put("last_incoming_recipient_date", "Last incoming interaction where %s was a recipient");
        m.put("first_outgoing_recipient_date", "First outgoing interaction to %s");
        m.put("last_outgoing_recipient_date", "Last outgoing interaction to %s");
        return m;
    }

    // ---------------------------------------------------------------------------- the four queries

    /** One output field: its key and the SQL expression giving it. */
    private record Field(String key, String sql) {}

    private static Field f(String key, String sql) {
        return new Field(key, sql);
    }

    private static final String I = "ZINTERACTIONS";
    private static final String S = "ZCONTACTS";
    private static final String R = "RECIPIENT_CONTACT";
    private static final String A = "ZATTACHMENT";
    private static final String LABELLED_DIRECTION =
            "CASE ZINTERACTIONS.ZDIRECTION WHEN '0' THEN 'INCOMING' WHEN '1' THEN 'OUTGOING' END";

    /** Fields of the first two variants, with or without the newer columns. */
    private static List<Field> joinedFields(boolean newest) {
        List<Field> l = new ArrayList<>(List.of(
                f("start_date", I + ".ZSTARTDATE"), f("end_date", I + ".ZENDDATE"), f("bundle_id", I + ".ZBUNDLEID"),
                f("account", I + ".ZACCOUNT"), f("target_bundle_id", I + ".ZTARGETBUNDLEID"),
                f("direction", LABELLED_DIRECTION),
                f("sender_display_name", S + ".ZDISPLAYNAME"), f("sender_identifier", S + ".ZIDENTIFIER"),
                f("sender_personid", S + ".ZPERSONID"),
                f("recipient_display_name", R + ".ZDISPLAYNAME"), f("recipient_identifier", R + ".ZIDENTIFIER"),
                f("recipient_personid", R + ".ZPERSONID"),
                f("recipient_count", I + ".ZRECIPIENTCOUNT"), f("domain_identifier", I + ".ZDOMAINIDENTIFIER"),
                f("is_response", I + ".ZISRESPONSE"),
                f("content", A + ".ZCONTENTTEXT"), f("uti", A + ".ZUTI"),
                f("attachment_content_url", A + ".ZCONTENTURL"), f("size", A + ".ZSIZEINBYTES")));
        if (newest) {
            l.add(f("photo_local_id", A + ".ZPHOTOLOCALIDENTIFIER"));
        }
        l.addAll(List.of(
                f("attachment_id", "HEX(" + A + ".ZIDENTIFIER)"), f("cloud_id", A + ".ZCLOUDIDENTIFIER"),
                f("incoming_recipient_count", S + ".ZINCOMINGRECIPIENTCOUNT"),
                f("incoming_sender_count", S + ".ZINCOMINGSENDERCOUNT"),
                f("outgoing_recipient_count", S + ".ZOUTGOINGRECIPIENTCOUNT"),
                f("interactions_creation_date", I + ".ZCREATIONDATE"),
                f("contacts_creation_date", S + ".ZCREATIONDATE"),
                f("first_incoming_recipient_date", S + ".ZFIRSTINCOMINGRECIPIENTDATE"),
                f("first_incoming_sender_date", S + ".ZFIRSTINCOMINGSENDERDATE"),
                f("first_outgoing_recipient_date", S + ".ZFIRSTOUTGOINGRECIPIENTDATE"),
                f("last_incoming_sender_date", S + ".ZLASTINCOMINGSENDERDATE"),
                f("last_incoming_recipient_date", S + ".ZLASTINCOMINGRECIPIENTDATE"),
                f("last_outgoing_recipient_date", S + ".ZLASTOUTGOINGRECIPIENTDATE"),
                f("custom_id", S + ".ZCUSTOMIDENTIFIER"),
                f("interaction_content_url", I + ".ZCONTENTURL"), f("location_uuid", I + ".ZLOCATIONUUID")));
        if (newest) {
            l.add(f("group_name", I + ".ZGROUPNAME"));
            l.add(f("derivied_intent_id", I + ".ZDERIVEDINTENTIDENTIFIER"));
        }
        l.add(f("table_id", I + ".Z_PK"));
        return l;
    }

    private static final String JOINED_FROM = " FROM ZINTERACTIONS"
            + " LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK"
            + " LEFT JOIN Z_1INTERACTIONS ON ZINTERACTIONS.Z_PK = Z_1INTERACTIONS.Z_3INTERACTIONS"
            + " LEFT JOIN ZATTACHMENT ON Z_1INTERACTIONS.Z_1ATTACHMENTS = ZATTACHMENT.Z_PK"
            + " LEFT JOIN Z_2INTERACTIONRECIPIENT"
            + " ON ZINTERACTIONS.Z_PK = Z_2INTERACTIONRECIPIENT.Z_3INTERACTIONRECIPIENT"
            + " LEFT JOIN ZCONTACTS " + R + " ON Z_2INTERACTIONRECIPIENT.Z_2RECIPIENTS = " + R + ".Z_PK";

    private static final String SENDER_FROM = " FROM ZINTERACTIONS"
            + " LEFT JOIN ZCONTACTS ON ZINTERACTIONS.ZSENDER = ZCONTACTS.Z_PK";

    /** The third variant: interactions and senders, with the sender's custom identifier. */
    private static List<Field> senderFields() {
        return List.of(f("start_date", I + ".ZSTARTDATE"), f("end_date", I + ".ZENDDATE"),
                f("bundle_id", I + ".ZBUNDLEID"), f("sender_display_name", S + ".ZDISPLAYNAME"),
                f("sender_identifier", S + ".ZIDENTIFIER"), f("sender_personid", S + ".ZPERSONID"),
                f("direction", I + ".ZDIRECTION"), f("is_response", I + ".ZISRESPONSE"),
                f("mechanism", I + ".ZMECHANISM"), f("recipient_count", I + ".ZRECIPIENTCOUNT"),
                f("interactions_creation_date", I + ".ZCREATIONDATE"),
                f("contacts_creation_date", S + ".ZCREATIONDATE"),
                f("first_incoming_recipient_date", S + ".ZFIRSTINCOMINGRECIPIENTDATE"),
                f("first_incoming_sender_date", S + ".ZFIRSTINCOMINGSENDERDATE"),
                f("first_outgoing_recipient_date", S + ".ZFIRSTOUTGOINGRECIPIENTDATE"),
                f("last_incoming_sender_date", S + ".ZLASTINCOMINGSENDERDATE"),
                f("last_incoming_recipient_date", S + ".ZLASTINCOMINGRECIPIENTDATE"),
                f("last_outgoing_recipient_date", S + ".ZLASTOUTGOINGRECIPIENTDATE"),
                f("account", I + ".ZACCOUNT"), f("domain_identifier", I + ".ZDOMAINIDENTIFIER"),
                f("incoming_recipient_count", S + ".ZINCOMINGRECIPIENTCOUNT"),
                f("incoming_sender_count", S + ".ZINCOMINGSENDERCOUNT"),
                f("outgoing_recipient_count", S + ".ZOUTGOINGRECIPIENTCOUNT"),
                f("custom_id", S + ".ZCUSTOMIDENTIFIER"),
                f("interaction_content_url", I + ".ZCONTENTURL"), f("location_uuid", I + ".ZLOCATIONUUID"),
                f("table_id", I + ".Z_PK"));
    }

    /** The fourth variant: the smallest (no custom identifier), in its own key order. */
    private static List<Field> minimalFields() {
        return List.of(f("start_date", I + ".ZSTARTDATE"), f("end_date", I + ".ZENDDATE"),
                f("interactions_creation_date", I + ".ZCREATIONDATE"), f("bundle_id", I + ".ZBUNDLEID"),
                f("sender_display_name", S + ".ZDISPLAYNAME"), f("sender_identifier", S + ".ZIDENTIFIER"),
                f("sender_personid", S + ".ZPERSONID"), f("direction", I + ".ZDIRECTION"),
                f("is_response", I + ".ZISRESPONSE"), f("mechanism", I + ".ZMECHANISM"),
                f("contacts_creation_date", S + ".ZCREATIONDATE"),
                f("first_incoming_recipient_date", S + ".ZFIRSTINCOMINGRECIPIENTDATE"),
                f("first_incoming_sender_date", S + ".ZFIRSTINCOMINGSENDERDATE"),
                f("first_outgoing_recipient_date", S + ".ZFIRSTOUTGOINGRECIPIENTDATE"),
                f("last_incoming_sender_date", S + ".ZLASTINCOMINGSENDERDATE"),
                f("last_incoming_recipient_date", S + ".ZLASTINCOMINGRECIPIENTDATE"),
                f("last_outgoing_recipient_date", S + ".ZLASTOUTGOINGRECIPIENTDATE"),
                f("account", I + ".ZACCOUNT"), f("domain_identifier", I + ".ZDOMAINIDENTIFIER"),
                f("incoming_recipient_count", S + ".ZINCOMINGRECIPIENTCOUNT"),
                f("incoming_sender_count", S + ".ZINCOMINGSENDERCOUNT"),
                f("outgoing_recipient_count", S + ".ZOUTGOINGRECIPIENTCOUNT"),
                f("interaction_content_url", I + ".ZCONTENTURL"), f("location_uuid", I + ".ZLOCATIONUUID"),
                f("table_id", I + ".Z_PK"));
    }

    /** The four queries, most complete first. */
    static final List<String> QUERIES = List.of(
            select(joinedFields(true), JOINED_FROM),
            select(joinedFields(false), JOINED_FROM),
            select(senderFields(), SENDER_FROM),
            select(minimalFields(), SENDER_FROM));

    private static String select(List<Field> fields, String from) {
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < fields.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(fields.get(i).sql()).append(" AS \"").append(fields.get(i).key())
                    .append('"');
        }
        return sb.append(from).toString();
    }

    /** Columns the smallest query needs, to name the missing one when none runs. */
    private static final Map<String, List<String>> MINIMAL_COLUMNS = Map.of(
            "ZINTERACTIONS", List.of("Z_PK", "ZSENDER", "ZSTARTDATE", "ZENDDATE", "ZCREATIONDATE", "ZBUNDLEID",
                    "ZDIRECTION", "ZISRESPONSE", "ZMECHANISM", "ZACCOUNT", "ZDOMAINIDENTIFIER", "ZCONTENTURL",
                    "ZLOCATIONUUID"),
            "ZCONTACTS", List.of("Z_PK", "ZDISPLAYNAME", "ZIDENTIFIER", "ZPERSONID", "ZCREATIONDATE",
                    "ZFIRSTINCOMINGRECIPIENTDATE", "ZFIRSTINCOMINGSENDERDATE", "ZFIRSTOUTGOINGRECIPIENTDATE",
                    "ZLASTINCOMINGSENDERDATE", "ZLASTINCOMINGRECIPIENTDATE", "ZLASTOUTGOINGRECIPIENTDATE",
                    "ZINCOMINGRECIPIENTCOUNT", "ZINCOMINGSENDERCOUNT", "ZOUTGOINGRECIPIENTCOUNT"));

    // ---------------------------------------------------------------------------- run

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "interactionC.db");
        String name = ref.displayName();
        LOG.info("Found InteractionC database at {}", name);
        ContactIndex contacts = ContactIndex.of(ctx.dependency(WhatsappContacts.SLUG).orElse(null));
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            try (PreparedStatement ps = prepare(db, name); ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                String[] names = new String[md.getColumnCount()];
                for (int i = 0; i < names.length; i++) {
                    names[i] = md.getColumnLabel(i + 1);
                }
                while (rs.next()) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    for (int i = 0; i < names.length; i++) {
                        Object value = rs.getObject(i + 1);
                        if (DATE_FIELDS.contains(names[i]) && value instanceof Number n) {
                            value = Times.fromMac(n);
                        }
                        entry.put(names[i], value);
                    }
                    postprocess(entry, contacts);
                    out.record(entry);
                    timeline(out, entry);
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} InteractionC events", out.recordCount());
        return out.build();
    }

    /** The first query the schema supports, prepared. */
    private static PreparedStatement prepare(SqliteReader db, String name)
            throws SQLException, UnsupportedSchemaException, CorruptArtifactException {
        SQLException last = null;
        for (int i = 0; i < QUERIES.size(); i++) {
            try {
                PreparedStatement ps = db.connection().prepareStatement(QUERIES.get(i));
                if (i > 0) {
                    LOG.info("{}: using the fallback query {} of {} ({})", name, i + 1, QUERIES.size(),
                            last == null ? "" : last.getMessage());
                }
                return ps;
            } catch (SQLException e) {
                if (Support.sqlFailure(e, name) instanceof CorruptArtifactException c) {
                    throw c;
                }
                last = e;
            }
        }
        for (Map.Entry<String, List<String>> table : List.of(
                Map.entry("ZINTERACTIONS", MINIMAL_COLUMNS.get("ZINTERACTIONS")),
                Map.entry("ZCONTACTS", MINIMAL_COLUMNS.get("ZCONTACTS")))) {
            Schema.requireColumns(db, name, table.getKey(), table.getValue().toArray(String[]::new));
        }
        throw new UnsupportedSchemaException(name + ": no supported interaction query ("
                + (last == null ? "" : last.getMessage()) + ")");
    }

    // ---------------------------------------------------------------------------- WhatsApp names

    /** Phone number and name of a WhatsApp contact. */
    record Resolved(String phone, String name) {
        static final Resolved NONE = new Resolved(null, null);

        boolean found() {
            return phone != null && !phone.isEmpty() || name != null && !name.isEmpty();
        }
    }

    /** WhatsApp contacts by LID and by phone digits, from the WhatsappContacts records. */
    record ContactIndex(Map<String, Resolved> byLid, Map<String, Resolved> byPhone) {
        static final ContactIndex EMPTY = new ContactIndex(Map.of(), Map.of());

        static ContactIndex of(ModuleOutcome outcome) {
            if (outcome == null || !(outcome.results() instanceof List<?> records)) {
                return EMPTY;
            }
            Map<String, Resolved> byLid = new HashMap<>();
            Map<String, Resolved> byPhone = new HashMap<>();
            for (Object o : records) {
                String lid;
                String phone;
                String fullName;
                String givenName;
                String whatsappId;
                if (o instanceof WhatsappContacts.Contact c) {
                    lid = c.lid();
                    phone = c.phoneNumber();
                    fullName = c.fullName();
                    givenName = c.givenName();
                    whatsappId = c.whatsappId();
                } else if (o instanceof Map<?, ?> m) {
                    lid = Support.string(m.get("lid"));
                    phone = Support.string(m.get("phone_number"));
                    fullName = Support.string(m.get("full_name"));
                    givenName = Support.string(m.get("given_name"));
                    whatsappId = Support.string(m.get("whatsapp_id"));
                } else {
                    continue;
                }
                Resolved entry = new Resolved(phone, WhatsappContacts.firstTruthy(fullName, givenName));
                if (WhatsappContacts.isSet(lid)) {
                    byLid.put(lid, entry);
                }
                if (WhatsappContacts.isSet(phone)) {
                    byPhone.put(digits(phone), entry);
                }
                if (whatsappId != null && whatsappId.contains("@")) {
                    byPhone.putIfAbsent(whatsappId.substring(0, whatsappId.indexOf('@')), entry);
                }
            }
            return new ContactIndex(byLid, byPhone);
        }

        /** A WhatsApp identifier (LID, JID or +phone) as phone number and name. */
        Resolved resolve(Object raw) {
            if (!Support.truthy(raw)) {
                return Resolved.NONE;
            }
            String value = Support.string(raw);
            if (value.endsWith("@lid")) {
                return byLid.getOrDefault(value, Resolved.NONE);
            }
            if (value.endsWith("@g.us")) {
                return Resolved.NONE;
            }
            if (value.endsWith("@s.whatsapp.net")) {
                String d = value.substring(0, value.indexOf('@'));
                Resolved r = byPhone.getOrDefault(d, Resolved.NONE);
                return new Resolved(WhatsappContacts.isSet(r.phone()) ? r.phone() : "+" + d, r.name());
            }
            if (value.startsWith("+")) {
                return new Resolved(null, byPhone.getOrDefault(digits(value), Resolved.NONE).name());
            }
            return Resolved.NONE;
        }
    }

    private static final Pattern NON_DIGIT = Pattern.compile("\\D", Pattern.UNICODE_CHARACTER_CLASS);

    static String digits(String s) {
        return NON_DIGIT.matcher(s).replaceAll("");
    }

    /** Labels raw directions, and resolves WhatsApp identifiers. */
    static void postprocess(Map<String, Object> entry, ContactIndex contacts) {
        Object direction = entry.get("direction");
        if (isValue(direction, 0)) {
            entry.put("direction", "INCOMING");
        } else if (isValue(direction, 1)) {
            entry.put("direction", "OUTGOING");
        }
        if (!WHATSAPP_BUNDLE_ID.equals(entry.get("bundle_id"))) {
            return;
        }
        Map<String, List<Object>> candidates = new LinkedHashMap<>();
        candidates.put("sender", Arrays.asList(entry.get("sender_identifier"), entry.get("custom_id")));
        candidates.put("recipient", Arrays.asList(entry.get("recipient_identifier")));
        candidates.put("domain", Arrays.asList(entry.get("domain_identifier")));
        candidates.forEach((prefix, values) -> {
            Resolved r = Resolved.NONE;
            for (Object v : values) {
                r = contacts.resolve(v);
                if (r.found()) {
                    break;
                }
            }
            entry.put(prefix + "_resolved_phone_number", r.phone());
            entry.put(prefix + "_resolved_name", r.name());
        });
    }

    /** Python's {@code value in (n, "n")}. */
    private static boolean isValue(Object value, int n) {
        if (value instanceof Number num) {
            return num.doubleValue() == n;
        }
        return String.valueOf(n).equals(value);
    }

    // ---------------------------------------------------------------------------- timeline

    /** "Name (identifier)", the identifier, the name, or null. */
    static String describeParty(Map<String, Object> entry, String prefix) {
        Object name = firstTruthy(entry.get(prefix + "_display_name"), entry.get(prefix + "_resolved_name"));
        Object identifier = firstTruthy(entry.get(prefix + "_resolved_phone_number"), entry.get(prefix + "_identifier"));
        if (name != null && identifier != null) {
            String nameText = Support.text(name);
            String idText = Support.text(identifier);
            String nameDigits = digits(nameText);
            // a display name that is only the formatted phone number adds nothing
            if (!nameDigits.isEmpty() && nameDigits.equals(digits(idText))) {
                return idText;
            }
            return nameText + " (" + idText + ")";
        }
        Object either = name != null ? name : identifier;
        return either == null ? null : Support.text(either);
    }

    private static Object firstTruthy(Object a, Object b) {
        return Support.truthy(a) ? a : Support.truthy(b) ? b : null;
    }

    static void timeline(ModuleResult.Builder out, Map<String, Object> entry) {
        String sender = describeParty(entry, "sender");
        String recipient = describeParty(entry, "recipient");
        if (recipient == null) {
            recipient = describeParty(entry, "domain");
        }
        Object direction = entry.get("direction");
        if (sender == null && "OUTGOING".equals(direction)) {
            sender = "local user";
        }
        if (recipient == null && "INCOMING".equals(direction)) {
            recipient = "local user";
        }
        StringBuilder header = new StringBuilder("[").append(Support.text(entry.get("bundle_id"))).append(']');
        if (Support.truthy(entry.get("account"))) {
            header.append(' ').append(Support.text(entry.get("account")));
        }
        if (Support.truthy(direction)) {
            header.append(' ').append(Support.text(direction));
        }
        StringBuilder data = new StringBuilder(header).append(" from ").append(sender == null ? "unknown" : sender)
                .append(" to ").append(recipient == null ? "unknown" : recipient);
        if (Support.truthy(entry.get("group_name"))) {
            data.append(" (group: ").append(Support.text(entry.get("group_name"))).append(')');
        }
        if (Support.truthy(entry.get("content"))) {
            data.append(": ").append(Support.text(entry.get("content")));
        }
        String text = data.toString();

        List<Object> seen = new ArrayList<>(2);
        for (String field : List.of("start_date", "end_date")) {
            Object ts = entry.get(field);
            if (!Support.truthy(ts) || seen.contains(ts)) {
                continue;
            }
            out.timeline(Support.text(ts), field, text);
            seen.add(ts);
        }
        creationEvent(out, entry, text);
        String party = describeParty(entry, "sender");
        if (party != null) {
            CONTACT_EVENTS.forEach((field, template) -> {
                Object ts = entry.get(field);
                if (Support.truthy(ts)) {
                    out.timeline(Support.text(ts), field, String.format(template, party));
                }
            });
        }
    }

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** The creation date, when it diverges from the start date by an hour or more (or stands alone). */
    private static void creationEvent(ModuleResult.Builder out, Map<String, Object> entry, String text) {
        Object creation = entry.get("interactions_creation_date");
        if (!Support.truthy(creation)) {
            return;
        }
        String creationText = Support.text(creation);
        LocalDateTime start = parse(entry.get("start_date"));
        LocalDateTime created = parse(creation);
        if (start == null || created == null) {
            out.timeline(creationText, "interactions_creation_date", text);
            return;
        }
        double delta = ChronoUnit.MICROS.between(start, created) / 1e6;
        if (Math.abs(delta) < CREATION_DIVERGENCE_SECONDS) {
            return;
        }
        out.timeline(creationText, "interactions_creation_date", "Interaction record created "
                + describeDelta(Math.abs(delta)) + " " + (delta > 0 ? "after" : "before") + " the event: " + text);
    }

    private static LocalDateTime parse(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        try {
            return LocalDateTime.parse(s, ISO);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** "N days" from a day on, else "N hours" (rounded half to even, as Python formats). */
    static String describeDelta(double seconds) {
        if (seconds >= 86400) {
            return round(seconds / 86400) + " days";
        }
        return round(seconds / 3600) + " hours";
    }

    private static String round(double v) {
        return new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** No indicator checks (as in MVT). */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }
}
