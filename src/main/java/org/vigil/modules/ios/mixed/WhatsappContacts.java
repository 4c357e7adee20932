package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * WhatsApp contacts and their disappearing-messages settings ({@code whatsapp_contacts}, MVT's
 * {@code WhatsappContacts}).
 *
 * <p><b>Artifact</b>: WhatsApp's {@code ContactsV2.sqlite}; in a backup domain
 * {@value Whatsapp#DOMAIN}, relative path {@value #RELATIVE_PATH} (fileID {@value #BACKUP_ID});
 * in a filesystem dump {@value #FS_PATH}. Often missing from incremental backups.
 *
 * <p><b>Records</b>: one per row of {@code ZWAADDRESSBOOKCONTACT}, with the columns WhatsApp's
 * version has (it renames them across versions; absent ones are null): {@code row_pk},
 * identifiers ({@code whatsapp_id}, {@code lid}, {@code phone_number}, ...), names, about text,
 * {@code disappearing_mode_duration} with {@code _is_on} and {@code _label} ("24 hours", "7 days",
 * "14 days", "30 days", "90 days", "off", else "N seconds"; all three null when the database has
 * no duration column: the state is then unknown, not off), four Mac-time dates as ISO,
 * {@code phone_status} and {@code sync_policy}. ChatStorage.sqlite does not keep the
 * disappearing-messages timer of one-to-one chats: this database does. {@link InteractionC} uses
 * these records to resolve WhatsApp LIDs and phone numbers to names.
 *
 * <p><b>Flags</b>: nothing (context for the analyst), as in MVT.
 *
 * <p><b>Timeline</b>: {@code disappearing_mode_set}, {@code about_changed},
 * {@code about_expiration}, {@code contact_last_updated}.
 */
public final class WhatsappContacts implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(WhatsappContacts.class);

    /** Backup fileID: SHA-1 of {@code AppDomainGroup-group.net.whatsapp.WhatsApp.shared-ContactsV2.sqlite}. */
    public static final String BACKUP_ID = "b8548dc30aa1030df0ce18ef08b882cf7ab5212f";
    static final String RELATIVE_PATH = "ContactsV2.sqlite";
    static final String FS_PATH = "private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite";
    static final String TABLE = "ZWAADDRESSBOOKCONTACT";

    /** The slug {@link InteractionC} depends on. */
    public static final String SLUG = "whatsapp_contacts";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            SLUG, "WhatsappContacts", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(Whatsapp.DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "WhatsApp contacts: identifiers, names and disappearing-messages timers (context)");

    /** Output field to the columns that may hold it, in order of preference. */
    private static final Map<String, List<String>> CANDIDATES = candidates();

    private static Map<String, List<String>> candidates() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("whatsapp_id", List.of("ZWHATSAPPID"));
        m.put("lid", List.of("ZLID"));
        m.put("phone_number", List.of("ZPHONENUMBER"));
        m.put("localized_phone_number", List.of("ZLOCALIZEDPHONENUMBER"));
        m.put("full_name", List.of("ZFULLNAME"));
        m.put("given_name", List.of("ZGIVENNAME"));
        m.put("last_name", List.of("ZLASTNAME"));
        m.put("user_name", List.of("ZUSERNAME"));
        m.put("business_name", List.of("ZBUSINESSNAME"));
        m.put("about_text", List.of("ZABOUTTEXT"));
        m.put("about_emoji", List.of("ZABOUTEMOJI"));
        m.put("notes", List.of("ZNOTES"));
        m.put("disappearing_mode_duration", List.of("ZDISAPPEARINGMODEDURATION"));
        m.put("disappearing_mode_timestamp", List.of("ZDISAPPEARINGMODETIMESTAMP"));
        m.put("about_timestamp", List.of("ZABOUTTIMESTAMP"));
        m.put("about_expiration_timestamp", List.of("ZABOUTEXPIRATIONTIMESTAMP"));
        m.put("last_updated", List.of("ZLASTUPDATED"));
        m.put("phone_status", List.of("ZPHONESTATUS", "ZPHONENUMBERSTATUS"));
        m.put("sync_policy", List.of("ZSYNCPOLICY"));
        return m;
    }

    /**
     * One WhatsApp contact.
     *
     * @param rowPk {@code Z_PK}
     * @param whatsappId JID ({@code <digits>@s.whatsapp.net})
     * @param lid LID ({@code <digits>@lid})
     * @param phoneNumber phone number ({@code +<digits>})
     * @param localizedPhoneNumber phone number as displayed
     * @param fullName full name
     * @param givenName given name
     * @param lastName last name
     * @param userName WhatsApp user name
     * @param businessName business name
     * @param aboutText "about" text
     * @param aboutEmoji "about" emoji
     * @param notes notes
     * @param disappearingModeDuration timer in seconds, as stored
     * @param disappearingModeTimestamp when the timer was set, ISO
     * @param aboutTimestamp when the about text changed, ISO
     * @param aboutExpirationTimestamp when the about text expires, ISO
     * @param lastUpdated last update of the record, ISO
     * @param phoneStatus {@code ZPHONESTATUS} or {@code ZPHONENUMBERSTATUS}
     * @param syncPolicy {@code ZSYNCPOLICY}
     * @param disappearingModeIsOn timer on (null when unknown)
     * @param disappearingModeLabel timer label (null when unknown)
     */
    @JsonPropertyOrder({"row_pk", "whatsapp_id", "lid", "phone_number", "localized_phone_number", "full_name",
            "given_name", "last_name", "user_name", "business_name", "about_text", "about_emoji", "notes",
            "disappearing_mode_duration", "disappearing_mode_timestamp", "about_timestamp",
            "about_expiration_timestamp", "last_updated", "phone_status", "sync_policy", "disappearing_mode_is_on",
            "disappearing_mode_label"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Contact(
            @JsonProperty("row_pk") Object rowPk,
            @JsonProperty("whatsapp_id") String whatsappId,
            @JsonProperty("lid") String lid,
            @JsonProperty("phone_number") String phoneNumber,
            @JsonProperty("localized_phone_number") String localizedPhoneNumber,
            @JsonProperty("full_name") String fullName,
            @JsonProperty("given_name") String givenName,
            @JsonProperty("last_name") String lastName,
            @JsonProperty("user_name") String userName,
            @JsonProperty("business_name") String businessName,
            @JsonProperty("about_text") String aboutText,
            @JsonProperty("about_emoji") String aboutEmoji,
            @JsonProperty("notes") String notes,
            @JsonProperty("disappearing_mode_duration") Object disappearingModeDuration,
            @JsonProperty("disappearing_mode_timestamp") String disappearingModeTimestamp,
            @JsonProperty("about_timestamp") String aboutTimestamp,
            @JsonProperty("about_expiration_timestamp") String aboutExpirationTimestamp,
            @JsonProperty("last_updated") String lastUpdated,
            @JsonProperty("phone_status") Object phoneStatus,
            @JsonProperty("sync_policy") Object syncPolicy,
            @JsonProperty("disappearing_mode_is_on") Boolean disappearingModeIsOn,
            @JsonProperty("disappearing_mode_label") String disappearingModeLabel) {

        /** How the timeline names the contact: JID, LID or phone number, with the full name. */
        String describe() {
            String contact = firstTruthy(whatsappId, lid, phoneNumber);
            if (contact == null) {
                contact = "unknown";
            }
            return isSet(fullName) ? contact + " (" + fullName + ")" : contact;
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(Whatsapp.DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "WhatsApp ContactsV2.sqlite");
        String name = ref.displayName();
        LOG.info("Found WhatsApp contacts database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        int withTimer = 0;
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            Set<String> present = Schema.requireColumns(db, name, TABLE, "Z_PK");
            Map<String, String> selected = new LinkedHashMap<>();
            CANDIDATES.forEach((field, columns) -> columns.stream()
                    .filter(c -> present.contains(c.toLowerCase(Locale.ROOT))).findFirst()
                    .ifPresent(c -> selected.put(field, c)));
            boolean hasDuration = selected.containsKey("disappearing_mode_duration");
            if (!hasDuration) {
                LOG.warn("{}: no ZDISAPPEARINGMODEDURATION column: the disappearing-messages state is unknown", name);
            }
            List<String> fields = new ArrayList<>(selected.keySet());
            String sql = "SELECT Z_PK" + selected.values().stream().map(c -> ", " + c).reduce("", String::concat)
                    + " FROM " + TABLE;
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 0; i < fields.size(); i++) {
                        row.put(fields.get(i), rs.getObject(i + 2));
                    }
                    Contact c = contact(rs.getObject(1), row, hasDuration);
                    if (Boolean.TRUE.equals(c.disappearingModeIsOn())) {
                        withTimer++;
                    }
                    out.record(c);
                    timeline(out, c);
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} WhatsApp contacts ({} with disappearing messages enabled)",
                out.recordCount(), withTimer);
        return out.build();
    }

    private static Contact contact(Object pk, Map<String, Object> row, boolean hasDuration) {
        Object duration = hasDuration ? row.get("disappearing_mode_duration") : null;
        return new Contact(pk,
                Support.string(row.get("whatsapp_id")),
                Support.string(row.get("lid")),
                Support.string(row.get("phone_number")),
                Support.string(row.get("localized_phone_number")),
                Support.string(row.get("full_name")),
                Support.string(row.get("given_name")),
                Support.string(row.get("last_name")),
                Support.string(row.get("user_name")),
                Support.string(row.get("business_name")),
                Support.string(row.get("about_text")),
                Support.string(row.get("about_emoji")),
                Support.string(row.get("notes")),
                duration,
                date(row.get("disappearing_mode_timestamp")),
                date(row.get("about_timestamp")),
                date(row.get("about_expiration_timestamp")),
                date(row.get("last_updated")),
                row.get("phone_status"),
                row.get("sync_policy"),
                hasDuration ? Support.truthy(duration) : null,
                hasDuration ? label(duration) : null);
    }

    /** A Mac-time date as ISO; null when absent, zero or not a number. */
    private static String date(Object value) {
        Double seconds = number(value);
        if (seconds == null) {
            return null;
        }
        String iso = value instanceof Number n ? Times.fromMac(n) : Times.fromMac(seconds);
        return iso.isEmpty() ? null : iso;
    }

    /** The label of a disappearing-messages timer. */
    static String label(Object duration) {
        Double d = number(duration);
        if (d == null || d == 0 || d.isNaN()) {
            return "off";
        }
        long seconds = (long) d.doubleValue(); // truncation, like Python's int()
        return switch ((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, seconds))) {
            case 86_400 -> "24 hours";
            case 604_800 -> "7 days";
            case 1_209_600 -> "14 days";
            case 2_592_000 -> "30 days";
            case 7_776_000 -> "90 days";
            default -> seconds + " seconds";
        };
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        String s = Support.string(value);
        if (s == null) {
            return null;
        }
        try {
            return Double.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void timeline(ModuleResult.Builder out, Contact c) {
        String contact = c.describe();
        if (isSet(c.disappearingModeTimestamp())) {
            out.timeline(c.disappearingModeTimestamp(), "disappearing_mode_set",
                    "WhatsApp disappearing messages timer set to '" + Support.text(c.disappearingModeLabel())
                            + "' for " + contact);
        }
        if (isSet(c.aboutTimestamp())) {
            String data = "WhatsApp about text of " + contact + " changed";
            if (isSet(c.aboutText())) {
                data += " to \"" + c.aboutText() + "\"";
            }
            out.timeline(c.aboutTimestamp(), "about_changed", data);
        }
        if (isSet(c.aboutExpirationTimestamp())) {
            out.timeline(c.aboutExpirationTimestamp(), "about_expiration",
                    "WhatsApp about text of " + contact + " scheduled to expire");
        }
        if (isSet(c.lastUpdated())) {
            out.timeline(c.lastUpdated(), "contact_last_updated", "WhatsApp contact record for " + contact + " updated");
        }
    }

    static boolean isSet(String s) {
        return s != null && !s.isEmpty();
    }

    static String firstTruthy(String... values) {
        for (String v : values) {
            if (isSet(v)) {
                return v;
            }
        }
        return null;
    }

    /** No indicator checks: the records are context (as in MVT). */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }
}
