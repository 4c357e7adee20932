package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.PyFormat;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Calendar events ({@code calendar}, MVT's {@code Calendar}).
 *
 * <p><b>Artifact</b>: {@code Calendar.sqlitedb}; in a backup HomeDomain
 * {@code Library/Calendar/Calendar.sqlitedb} (fileID {@value #CALENDAR_BACKUP_ID}), in a
 * filesystem dump {@code private/var/mobile/Library/Calendar/Calendar.sqlitedb}.
 *
 * <p><b>Records</b>: one per {@code CalendarItem} row with its organizer ({@code Participant} row
 * {@code organizer_id}, if any): {@code id, summary, description, start_date, end_date, all_day,
 * calendar_id, organizer_id, url, last_modified, external_id, external_mod_tag, unique_identifier,
 * hidden, uuid, creation_date, action, created_by_id, participant_uuid, participant_email,
 * participant_phone, participant_comment, participant_last_modified}. The five dates (Mac absolute
 * time) are converted to ISO ("" for 0; text values kept as they are). {@code summary} and
 * {@code description} are required; other columns absent from an iOS version read as null.
 *
 * <p><b>Flags</b>: an organizer e-mail matching an e-mail indicator (CRITICAL); otherwise, always,
 * an event whose summary is exactly "Meeting" and description exactly "Notes" (HIGH). The heuristic
 * is MVT's ("Potential Quadream exploit event"): QuaDream's ENDOFDAYS exploit, reported by Citizen
 * Lab and Microsoft in April 2023, was delivered through iCloud calendar invitations; MVT gives no
 * further source for the exact texts.
 *
 * <p><b>Timeline</b>: one row per non-empty date, the event being the date's name
 * ({@code start_date}, {@code end_date}, {@code last_modified}, {@code creation_date},
 * {@code participant_last_modified}): "Calendar event SUMMARY (DESCRIPTION) (invitation by EMAIL)".
 */
public final class Calendar implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Calendar.class);

    /** Backup fileID of HomeDomain Library/Calendar/Calendar.sqlitedb. */
    public static final String CALENDAR_BACKUP_ID = "2041457d5fe04d39d0ab481178355df6781e6858";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/Calendar/Calendar.sqlitedb";
    static final String FS_PATH = "private/var/mobile/Library/Calendar/Calendar.sqlitedb";

    static final String QUADREAM_SUMMARY = "Meeting";
    static final String QUADREAM_DESCRIPTION = "Notes";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "calendar", "Calendar", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Calendar events: organizer e-mails against indicators, QuaDream exploit invitations");

    /** CalendarItem columns in MVT's order (JSON name, column). */
    private static final String[][] ITEM_COLUMNS = {
        {"id", "ROWID"}, {"summary", "summary"}, {"description", "description"}, {"start_date", "start_date"},
        {"end_date", "end_date"}, {"all_day", "all_day"}, {"calendar_id", "calendar_id"},
        {"organizer_id", "organizer_id"}, {"url", "url"}, {"last_modified", "last_modified"},
        {"external_id", "external_id"}, {"external_mod_tag", "external_mod_tag"},
        {"unique_identifier", "unique_identifier"}, {"hidden", "hidden"}, {"uuid", "UUID"},
        {"creation_date", "creation_date"}, {"action", "action"}, {"created_by_id", "created_by_id"}};
    private static final String[][] PARTICIPANT_COLUMNS = {
        {"participant_uuid", "UUID"}, {"participant_email", "email"}, {"participant_phone", "phone_number"},
        {"participant_comment", "comment"}, {"participant_last_modified", "last_modified"}};
    static final List<String> DATE_FIELDS = List.of("start_date", "end_date", "last_modified", "creation_date",
            "participant_last_modified");

    /**
     * One calendar item and its organizer. Dates are ISO strings, "" for 0, null when absent.
     *
     * @param id CalendarItem ROWID
     * @param summary title
     * @param description notes
     * @param startDate start
     * @param endDate end
     * @param allDay all-day flag
     * @param calendarId calendar
     * @param organizerId organizer's Participant row
     * @param url URL
     * @param lastModified last modification
     * @param externalId server-side id
     * @param externalModTag server-side modification tag
     * @param uniqueIdentifier unique identifier
     * @param hidden hidden flag
     * @param uuid item UUID
     * @param creationDate creation
     * @param action action
     * @param createdById creator
     * @param participantUuid organizer UUID
     * @param participantEmail organizer e-mail
     * @param participantPhone organizer phone number
     * @param participantComment organizer comment
     * @param participantLastModified organizer row last modification
     */
    @JsonPropertyOrder({"id", "summary", "description", "start_date", "end_date", "all_day", "calendar_id",
            "organizer_id", "url", "last_modified", "external_id", "external_mod_tag", "unique_identifier", "hidden",
            "uuid", "creation_date", "action", "created_by_id", "participant_uuid", "participant_email",
            "participant_phone", "participant_comment", "participant_last_modified"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Event(
            @JsonProperty("id") Object id,
            @JsonProperty("summary") Object summary,
            @JsonProperty("description") Object description,
            @JsonProperty("start_date") String startDate,
            @JsonProperty("end_date") String endDate,
            @JsonProperty("all_day") Object allDay,
            @JsonProperty("calendar_id") Object calendarId,
            @JsonProperty("organizer_id") Object organizerId,
            @JsonProperty("url") Object url,
            @JsonProperty("last_modified") String lastModified,
            @JsonProperty("external_id") Object externalId,
            @JsonProperty("external_mod_tag") Object externalModTag,
            @JsonProperty("unique_identifier") Object uniqueIdentifier,
            @JsonProperty("hidden") Object hidden,
            @JsonProperty("uuid") Object uuid,
            @JsonProperty("creation_date") String creationDate,
            @JsonProperty("action") Object action,
            @JsonProperty("created_by_id") Object createdById,
            @JsonProperty("participant_uuid") Object participantUuid,
            @JsonProperty("participant_email") Object participantEmail,
            @JsonProperty("participant_phone") Object participantPhone,
            @JsonProperty("participant_comment") Object participantComment,
            @JsonProperty("participant_last_modified") String participantLastModified) {

        /** The dates in MVT's timeline order, by field name (null when absent). */
        @JsonIgnore
        Map<String, String> dates() {
            Map<String, String> d = new LinkedHashMap<>();
            d.put("start_date", startDate);
            d.put("end_date", endDate);
            d.put("last_modified", lastModified);
            d.put("creation_date", creationDate);
            d.put("participant_last_modified", participantLastModified);
            return d;
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(CALENDAR_BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "Calendar.sqlitedb");
        String name = ref.displayName();
        LOG.info("Found calendar database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Event e = read(rs);
                    out.record(e);
                    check(out, e, indicators);
                    timeline(out, e);
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} calendar items", out.recordCount());
        return out.build();
    }

    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Set<String> item = Schema.requireColumns(db, name, "CalendarItem", "summary", "description");
        Set<String> participant = Schema.columnsIfPresent(db, "Participant");
        boolean join = !participant.isEmpty() && item.contains("organizer_id");
        if (!join) {
            LOG.warn("{}: no Participant table or organizer_id column; organizers are unknown", name);
        }
        List<String> select = new ArrayList<>();
        for (String[] c : ITEM_COLUMNS) {
            select.add(c[1].equals("ROWID") ? "CalendarItem.ROWID" : Schema.col(item, "CalendarItem", c[1]));
        }
        for (String[] c : PARTICIPANT_COLUMNS) {
            select.add(join ? Schema.col(participant, "Participant", c[1]) : "NULL");
        }
        return "SELECT " + String.join(", ", select) + " FROM CalendarItem"
                + (join ? " LEFT JOIN Participant ON Participant.ROWID = CalendarItem.organizer_id" : "")
                + " ORDER BY CalendarItem.ROWID";
    }

    private static Event read(ResultSet rs) throws SQLException {
        Object[] v = new Object[ITEM_COLUMNS.length + PARTICIPANT_COLUMNS.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = rs.getObject(i + 1);
        }
        return new Event(v[0], v[1], v[2], date(v[3]), date(v[4]), v[5], v[6], v[7], v[8], date(v[9]), v[10], v[11],
                v[12], v[13], v[14], date(v[15]), v[16], v[17], v[18], v[19], v[20], v[21], date(v[22]));
    }

    /** MVT's date rule: null and text stay as they are, numbers are Mac absolute time (0 gives ""). */
    static String date(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        if (value instanceof Number n) {
            return Times.fromMac(n);
        }
        return value instanceof byte[] b ? PyFormat.bytes(b) : value.toString();
    }

    private static void check(ModuleResult.Builder out, Event e, Indicators indicators) {
        String email = e.participantEmail() == null ? "" : text(e.participantEmail());
        if (indicators != null && !email.isEmpty()) {
            var match = indicators.checkEmail(email);
            if (match.isPresent()) {
                // like MVT, an indicator hit replaces the heuristic for this event
                out.alert(Level.CRITICAL, match.get(), "", e);
                return;
            }
        }
        if (QUADREAM_SUMMARY.equals(e.summary()) && QUADREAM_DESCRIPTION.equals(e.description())) {
            out.alert(Level.HIGH, "Potential Quadream exploit event identified: " + text(e.uuid()), "", e);
        }
    }

    private static void timeline(ModuleResult.Builder out, Event e) {
        String data = "Calendar event " + text(e.summary()) + " (" + text(e.description()) + ") (invitation by "
                + text(e.participantEmail()) + ")";
        for (Map.Entry<String, String> d : e.dates().entrySet()) {
            if (d.getValue() != null && !d.getValue().isEmpty()) {
                out.timeline(d.getValue(), d.getKey(), data);
            }
        }
    }

    private static String text(Object value) {
        return value instanceof byte[] b ? PyFormat.bytes(b) : Support.py(value);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode event : results) {
            JsonNode email = event.get("participant_email");
            if (email != null && email.isTextual() && !email.asText().isEmpty()) {
                indicators.checkEmail(email.asText()).ifPresent(m -> out.alert(Level.CRITICAL, m, "", event));
            }
        }
        return out.build().alerts();
    }
}
