package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.vigil.core.model.Level;
import org.vigil.core.model.UrlRecord;
import org.vigil.io.RowMap;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.ioc.UrlExpander;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * WhatsApp messages, chats and LID pairs ({@code whatsapp}, MVT's {@code Whatsapp}).
 *
 * <p><b>Artifacts</b>: WhatsApp's {@code ChatStorage.sqlite}; in a backup domain {@value #DOMAIN},
 * relative path {@value #RELATIVE_PATH} (fileID {@value #BACKUP_ID}); in a filesystem dump
 * {@value #FS_PATH}. The LID-to-phone-number pairs come from {@code LID.sqlite} (fileID
 * {@value #LID_BACKUP_ID}, which backups may hold without listing it in Manifest.db; in a dump
 * {@value #LID_FS_PATH}), else from the same table in ChatStorage.sqlite (older versions).
 *
 * <p><b>Records</b>, in this order:
 * <ul>
 *   <li>one per message row ({@code ZWAMESSAGE} left-joined with its media item and data item):
 *       every {@code ZWAMESSAGE} column, then {@code ZAUTHORNAME, ZMEDIAURL, ZCONTENT1, ZCONTENT2,
 *       ZMATCHEDTEXT, ZSUMMARY, ZTITLE}, {@code isodate} ({@code ZMESSAGEDATE}), {@code ZTEXT}
 *       ("" when null) and, when the message has links or no text, {@code links}: the
 *       {@code http(s)://} links of ZTEXT, ZMATCHEDTEXT, ZMEDIAURL, ZCONTENT1 and ZCONTENT2, minus
 *       WhatsApp's own media hosts, without duplicates;</li>
 *   <li>{@code record_type: "lid_phone_number_pair"}: {@code lid, phone_number,
 *       pair_timestamp};</li>
 *   <li>{@code record_type: "chat_session"}, one per chat: {@code session_pk, contact_jid,
 *       partner_name, session_type, archived, removed, message_counter, last_message_date,
 *       group_creation_date, first_stored_message_date, last_stored_message_date,
 *       stored_message_count, partner_resolved_phone_number} (a {@code @lid} chat resolved through
 *       the LID pairs).</li>
 * </ul>
 *
 * <p><b>Flags</b>: a message whose links match a URL or domain indicator (CRITICAL, one alert per
 * message: its first matching link), as in MVT. No heuristic. Every link also goes to urls.json
 * (source {@code whatsapp}).
 *
 * <p><b>Timeline</b>: {@code message}; {@code lid_pair_recorded}; {@code group_created},
 * {@code chat_first_message}, {@code chat_last_message}.
 */
public final class Whatsapp implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Whatsapp.class);

    /** Backup fileID: SHA-1 of {@code AppDomainGroup-group.net.whatsapp.WhatsApp.shared-ChatStorage.sqlite}. */
    public static final String BACKUP_ID = "7c7fba66680ef796b916b067077cc246adacf01d";
    /** Backup fileID: SHA-1 of {@code AppDomainGroup-group.net.whatsapp.WhatsApp.shared-LID.sqlite}. */
    public static final String LID_BACKUP_ID = "e794f6ffcc3c222535f47684a63d5178da3c4500";
    static final String DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
    static final String RELATIVE_PATH = "ChatStorage.sqlite";
    static final String LID_RELATIVE_PATH = "LID.sqlite";
    static final String FS_PATH = "private/var/mobile/Containers/Shared/AppGroup/*/ChatStorage.sqlite";
    static final String LID_FS_PATH = "private/var/mobile/Containers/Shared/AppGroup/*/LID.sqlite";

    /** WhatsApp's own media links, left out of {@code links}. */
    static final List<String> MEDIA_PREFIXES = List.of("https://mmg-fna.whatsapp.net/", "https://mmg.whatsapp.net/");
    /** Message columns that may hold links, in MVT's order. */
    static final List<String> LINK_FIELDS = List.of("ZTEXT", "ZMATCHEDTEXT", "ZMEDIAURL", "ZCONTENT1", "ZCONTENT2");

    static final String LID_TABLE = "ZWAPHONENUMBERLIDPAIR";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "whatsapp", "Whatsapp", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, DOMAIN + "/" + LID_RELATIVE_PATH, FS_PATH, LID_FS_PATH),
            List.of(),
            "WhatsApp messages: links against indicators; chats and LID pairs on the timeline");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** A message whose links wait for the batched indicator check. */
    private record Linked(Map<String, Object> message, List<String> links) {}

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "WhatsApp ChatStorage.sqlite");
        String name = ref.displayName();
        LOG.info("Found WhatsApp database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        UrlExpander expander = ctx.hasIndicators() ? ctx.indicators().expander() : null;
        List<Linked> linked = new ArrayList<>();
        long messages;
        int pairs;
        long sessions;
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            try {
                messages = readMessages(db, name, out, expander, linked);
                Map<String, String> lidMap = new HashMap<>();
                pairs = readLidPairs(ctx.source(), ref, db, name, out, lidMap);
                sessions = readSessions(db, name, out, lidMap);
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        if (ctx.hasIndicators() && !linked.isEmpty()) {
            List<List<String>> batches = linked.stream().map(Linked::links).toList();
            List<Optional<IndicatorMatch>> matches = ctx.indicators().checkUrlBatches(batches);
            for (int i = 0; i < linked.size(); i++) {
                Map<String, Object> message = linked.get(i).message();
                matches.get(i).ifPresent(m -> out.alert(Level.CRITICAL, m, (String) message.get("isodate"), message));
            }
        }
        LOG.info("Extracted a total of {} WhatsApp messages, {} chat sessions and {} LID-phone number pairs",
                messages, sessions, pairs);
        return out.build();
    }

    // ------------------------------------------------------------------------------------ messages

    /** The message query over the tables present (media and data items are optional). */
    static String messageQuery(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Schema.requireColumns(db, name, "ZWAMESSAGE", "Z_PK");
        Set<String> media = Schema.columnsIfPresent(db, "ZWAMEDIAITEM");
        Set<String> data = Schema.columnsIfPresent(db, "ZWAMESSAGEDATAITEM");
        boolean joinMedia = media.contains("zmessage");
        boolean joinData = data.contains("zmessage");
        StringBuilder sql = new StringBuilder("SELECT ZWAMESSAGE.*");
        for (String c : List.of("ZAUTHORNAME", "ZMEDIAURL")) {
            sql.append(", ").append(joinMedia ? Schema.col(media, "ZWAMEDIAITEM", c) : "NULL")
                    .append(" AS ").append(c);
        }
        for (String c : List.of("ZCONTENT1", "ZCONTENT2", "ZMATCHEDTEXT", "ZSUMMARY", "ZTITLE")) {
            sql.append(", ").append(joinData ? Schema.col(data, "ZWAMESSAGEDATAITEM", c) : "NULL")
                    .append(" AS ").append(c);
        }
        sql.append(" FROM ZWAMESSAGE");
        if (joinMedia) {
            sql.append(" LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK");
        }
        if (joinData) {
            sql.append(" LEFT JOIN ZWAMESSAGEDATAITEM ON ZWAMESSAGEDATAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK");
        }
        return sql.toString();
    }

    private static long readMessages(SqliteReader db, String name, ModuleResult.Builder out, UrlExpander expander,
            List<Linked> linked) throws SQLException, UnsupportedSchemaException {
        long count = 0;
        try (PreparedStatement ps = db.connection().prepareStatement(messageQuery(db, name));
                ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            String[] names = new String[md.getColumnCount()];
            for (int i = 0; i < names.length; i++) {
                names[i] = md.getColumnLabel(i + 1);
            }
            // one RowMap per message: the keys in the order MVT's dict has them ("links" only on
            // some messages, so optional unless a column has that name)
            RowMap.Columns columns = RowMap.Columns.of(names, "isodate", "ZTEXT", "links");
            if (!List.of(names).contains("links")) {
                columns = columns.withOptional("links");
            }
            int[] positions = new int[names.length];
            for (int i = 0; i < names.length; i++) {
                positions[i] = columns.indexOf(names[i]);
            }
            int dateAt = columns.indexOf("ZMESSAGEDATE");
            int textAt = columns.indexOf("ZTEXT");
            int isodateAt = columns.indexOf("isodate");
            int linksAt = columns.indexOf("links");
            int fromAt = columns.indexOf("ZFROMJID");
            int[] linkFields = LINK_FIELDS.stream().mapToInt(columns::indexOf).toArray();
            StringBuilder data = new StringBuilder();
            while (rs.next()) {
                RowMap message = new RowMap(columns);
                for (int i = 0; i < positions.length; i++) {
                    message.setAt(positions[i], rs.getObject(i + 1));
                }
                Object date = at(message, dateAt);
                String isodate = date instanceof Number n ? Times.fromMac(n) : "";
                message.setAt(isodateAt, isodate);
                if (!Support.truthy(message.valueAt(textAt))) {
                    message.setAt(textAt, "");
                }
                List<String> links = links(message, linkFields);
                String text = Support.string(message.valueAt(textAt));
                if (!links.isEmpty() || text.isBlank()) {
                    message.setAt(linksAt, links);
                }
                out.record(message);
                count++;
                data.setLength(0);
                data.append('\'');
                appendEscapingNewlines(data, text);
                data.append("' from ").append(fromAt >= 0 ? Support.text(message.valueAt(fromAt)) : "Unknown");
                if (!links.isEmpty()) {
                    data.append(" - Embedded links: ");
                    for (int i = 0; i < links.size(); i++) {
                        if (i > 0) {
                            data.append(", ");
                        }
                        data.append(links.get(i));
                    }
                }
                out.timeline(isodate, "message", data.toString());
                for (String link : links) {
                    out.url(urlRecord(link, isodate, expander));
                }
                if (!links.isEmpty()) {
                    linked.add(new Linked(message, links));
                }
            }
        }
        return count;
    }

    /** The links of a message, WhatsApp media links left out, first occurrence order. */
    static List<String> links(Map<String, Object> message) {
        Set<String> found = new LinkedHashSet<>();
        for (String field : LINK_FIELDS) {
            addLinks(found, message.get(field));
        }
        return new ArrayList<>(found);
    }

    /** {@link #links(Map)} for a row whose link fields sit at {@code fields} (-1: no such key). */
    private static List<String> links(RowMap message, int[] fields) {
        Set<String> found = null;
        for (int field : fields) {
            Object value = at(message, field);
            if (value == null || value instanceof String s && s.indexOf("://") < 0) {
                continue; // every link has "://": most values have none
            }
            if (found == null) {
                found = new LinkedHashSet<>();
            }
            addLinks(found, value);
        }
        return found == null || found.isEmpty() ? new ArrayList<>() : new ArrayList<>(found);
    }

    private static void addLinks(Set<String> found, Object value) {
        if (Support.truthy(value)) {
            for (String link : Sms.links(Support.string(value))) {
                if (!isMedia(link)) {
                    found.add(link);
                }
            }
        }
    }

    private static boolean isMedia(String link) {
        for (String prefix : MEDIA_PREFIXES) {
            if (link.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The value at {@code i}, null for -1 (a key the query does not have). */
    private static Object at(RowMap row, int i) {
        return i < 0 ? null : row.valueAt(i);
    }

    /** Appends {@code text} with each newline written as backslash-n. */
    private static void appendEscapingNewlines(StringBuilder sb, String text) {
        int from = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
            sb.append(text, from, i).append("\\n");
            from = i + 1;
        }
        sb.append(text, from, text.length());
    }

    private static UrlRecord urlRecord(String link, String isodate, UrlExpander expander) {
        // only with --allow-network: the expander is offline otherwise
        String expanded = expander != null && expander.isOnline() && UrlExpander.isShortened(link)
                ? expander.expand(link).orElse(null) : null;
        return new UrlRecord(link, expanded, isodate, "whatsapp");
    }

    // ------------------------------------------------------------------------------------ LID pairs

    /**
     * Reads the LID pairs (from LID.sqlite, else from ChatStorage.sqlite), adds their records and
     * timeline rows, and fills {@code lidMap} (LID digits to phone digits).
     */
    private static int readLidPairs(AcquisitionSource source, ArtifactRef chatRef, SqliteReader chatDb,
            String chatName, ModuleResult.Builder out, Map<String, String> lidMap) throws SQLException, IOException {
        Optional<LidDb> lidDb = findLidDb(source, chatRef);
        int count = 0;
        if (lidDb.isPresent()) {
            String name = lidDb.get().name();
            LOG.info("Found WhatsApp LID database at {}", name);
            try (SqliteReader db = SqliteReader.open(lidDb.get().file(), name)) {
                if (!db.hasTable(LID_TABLE)) {
                    LOG.warn("{}: no table {}: LID chat identifiers cannot be resolved to phone numbers", name,
                            LID_TABLE);
                    return 0;
                }
                count = readLidPairs(db, out, lidMap);
            } catch (CorruptArtifactException e) {
                LOG.warn("Unable to extract WhatsApp LID-phone number pairs: {}", e.getMessage());
            } catch (SQLException e) {
                LOG.warn("Unable to extract WhatsApp LID-phone number pairs: {}: {}", name, e.getMessage());
            }
            return count;
        }
        if (chatDb.hasTable(LID_TABLE)) {
            return readLidPairs(chatDb, out, lidMap);
        }
        LOG.info("No WhatsApp LID database found in this backup or filesystem dump ({} has no {} table either):"
                + " LID chat identifiers cannot be resolved to phone numbers", chatName, LID_TABLE);
        return 0;
    }

    private static int readLidPairs(SqliteReader db, ModuleResult.Builder out, Map<String, String> lidMap)
            throws SQLException {
        Set<String> cols = db.columns(LID_TABLE);
        String sql = "SELECT " + Schema.col(cols, LID_TABLE, "ZLID") + ", "
                + Schema.col(cols, LID_TABLE, "ZPHONENUMBER") + ", "
                + Schema.col(cols, LID_TABLE, "ZTIMESTAMP") + " FROM " + LID_TABLE;
        int count = 0;
        try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Object lid = rs.getObject(1);
                Object phone = rs.getObject(2);
                Object ts = rs.getObject(3);
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("record_type", "lid_phone_number_pair");
                pair.put("lid", lid);
                pair.put("phone_number", phone);
                pair.put("pair_timestamp", macOrNull(ts));
                out.record(pair);
                count++;
                if (pair.get("pair_timestamp") != null) {
                    out.timeline((String) pair.get("pair_timestamp"), "lid_pair_recorded", "WhatsApp associated LID "
                            + Support.text(lid) + " with phone number " + Support.text(phone));
                }
                if (Support.truthy(lid) && Support.truthy(phone)) {
                    String lidDigits = beforeAt(Support.string(lid));
                    String phoneDigits = stripLeadingPlus(beforeAt(Support.string(phone)));
                    lidMap.put(lidDigits, phoneDigits);
                }
            }
        }
        return count;
    }

    /** Where the LID database is, as a local file. */
    private record LidDb(Path file, String name) {}

    /**
     * LID.sqlite: by its fileID (listed in Manifest.db, or present in the backup folder without
     * being listed, as in MVT's sample), else beside ChatStorage.sqlite in a dump, else the first
     * match of the dump pattern.
     */
    private static Optional<LidDb> findLidDb(AcquisitionSource source, ArtifactRef chatRef) throws IOException {
        Optional<ArtifactRef> listed = source.byId(LID_BACKUP_ID);
        if (listed.isPresent() && source.hasContent(listed.get())) {
            return Optional.of(new LidDb(source.localFile(listed.get()), listed.get().displayName()));
        }
        if (source.kind() != SourceKind.IOS_BACKUP_ENCRYPTED) {
            // an encrypted backup's unlisted files cannot be decrypted (no key without a Manifest row)
            String rel = LID_BACKUP_ID.substring(0, 2) + "/" + LID_BACKUP_ID;
            Optional<Path> unlisted = source.rootFile(rel);
            if (unlisted.isPresent()) {
                return Optional.of(new LidDb(unlisted.get(), DOMAIN + "/" + LID_RELATIVE_PATH + " (" + rel + ")"));
            }
        }
        String chatPath = chatRef.relativePath();
        if (chatPath.endsWith("/" + RELATIVE_PATH)) {
            String sibling = chatPath.substring(0, chatPath.length() - RELATIVE_PATH.length()) + LID_RELATIVE_PATH;
            for (ArtifactRef ref : source.find(new ArtifactPattern(chatRef.domain(), sibling))) {
                if (source.hasContent(ref)) {
                    return Optional.of(new LidDb(source.localFile(ref), ref.displayName()));
                }
            }
        }
        for (ArtifactRef ref : source.find(ArtifactPattern.anyDomain(LID_FS_PATH))) {
            if (source.hasContent(ref)) {
                return Optional.of(new LidDb(source.localFile(ref), ref.displayName()));
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------ chats

    private static long readSessions(SqliteReader db, String name, ModuleResult.Builder out,
            Map<String, String> lidMap) throws SQLException {
        Optional<String> sql = sessionQuery(db, name);
        if (sql.isEmpty()) {
            return 0;
        }
        long count = 0;
        try (PreparedStatement ps = db.connection().prepareStatement(sql.get()); ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            String[] names = new String[md.getColumnCount()];
            for (int i = 0; i < names.length; i++) {
                names[i] = md.getColumnLabel(i + 1);
            }
            while (rs.next()) {
                Map<String, Object> session = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    session.put(names[i], rs.getObject(i + 1));
                }
                session.put("record_type", "chat_session");
                session.put("partner_resolved_phone_number", null);
                String jid = Support.truthy(session.get("contact_jid"))
                        ? Support.string(session.get("contact_jid")) : "";
                if (jid.endsWith("@lid")) {
                    String phone = lidMap.get(beforeAt(jid));
                    if (phone != null && !phone.isEmpty()) {
                        session.put("partner_resolved_phone_number", "+" + phone);
                    }
                }
                for (String field : List.of("last_message_date", "group_creation_date", "first_stored_message_date",
                        "last_stored_message_date")) {
                    Object v = session.get(field);
                    session.put(field, Support.truthy(v) ? macOrNull(v) : null);
                }
                out.record(session);
                count++;
                sessionTimeline(out, session);
            }
        }
        return count;
    }

    /** The chat query over the columns present; empty (with a warning) without a chat table. */
    static Optional<String> sessionQuery(SqliteReader db, String name) throws SQLException {
        Set<String> chat = Schema.columnsIfPresent(db, "ZWACHATSESSION");
        if (!chat.contains("z_pk")) {
            LOG.warn("Unable to extract WhatsApp chat sessions: {}: no table ZWACHATSESSION", name);
            return Optional.empty();
        }
        Set<String> group = Schema.columnsIfPresent(db, "ZWAGROUPINFO");
        Set<String> msg = db.columns("ZWAMESSAGE");
        boolean joinGroup = chat.contains("zgroupinfo") && group.contains("z_pk");
        boolean joinMessages = msg.contains("zchatsession");
        String messageDate = joinMessages ? Schema.col(msg, "ZWAMESSAGE", "ZMESSAGEDATE") : "NULL";
        StringBuilder sql = new StringBuilder("SELECT ZWACHATSESSION.Z_PK AS session_pk, ")
                .append(Schema.col(chat, "ZWACHATSESSION", "ZCONTACTJID")).append(" AS contact_jid, ")
                .append(Schema.col(chat, "ZWACHATSESSION", "ZPARTNERNAME")).append(" AS partner_name, ")
                .append(Schema.col(chat, "ZWACHATSESSION", "ZSESSIONTYPE")).append(" AS session_type, ")
                .append(Schema.col(chat, "ZWACHATSESSION", "ZARCHIVED")).append(" AS archived, ")
                .append(Schema.col(chat, "ZWACHATSESSION", "ZREMOVED")).append(" AS removed, ")
                .append(Schema.col(chat, "ZWACHATSESSION", "ZMESSAGECOUNTER"))
                .append(" AS message_counter, ")
                .append(Schema.col(chat, "ZWACHATSESSION", "ZLASTMESSAGEDATE"))
                .append(" AS last_message_date, ")
                .append(joinGroup ? Schema.col(group, "ZWAGROUPINFO", "ZCREATIONDATE") : "NULL")
                .append(" AS group_creation_date, ")
                .append("MIN(").append(messageDate).append(") AS first_stored_message_date, ")
                .append("MAX(").append(messageDate).append(") AS last_stored_message_date, ")
                .append(joinMessages ? "COUNT(ZWAMESSAGE.Z_PK)" : "0").append(" AS stored_message_count")
                .append(" FROM ZWACHATSESSION");
        if (joinGroup) {
            sql.append(" LEFT JOIN ZWAGROUPINFO ON ZWACHATSESSION.ZGROUPINFO = ZWAGROUPINFO.Z_PK");
        }
        if (joinMessages) {
            sql.append(" LEFT JOIN ZWAMESSAGE ON ZWAMESSAGE.ZCHATSESSION = ZWACHATSESSION.Z_PK");
        }
        sql.append(" GROUP BY ZWACHATSESSION.Z_PK");
        return Optional.of(sql.toString());
    }

    private static void sessionTimeline(ModuleResult.Builder out, Map<String, Object> session) {
        String chat = describeChat(session);
        String groupCreated = (String) session.get("group_creation_date");
        if (groupCreated != null) {
            out.timeline(groupCreated, "group_created", chat + " was created");
        }
        String first = (String) session.get("first_stored_message_date");
        if (first != null) {
            out.timeline(first, "chat_first_message", "First stored message in " + chat);
        }
        // the chat's own last-message date wins: the newest stored message may have been deleted
        String last = session.get("last_message_date") != null ? (String) session.get("last_message_date")
                : (String) session.get("last_stored_message_date");
        if (last != null) {
            out.timeline(last, "chat_last_message", "Last message in " + chat);
        }
    }

    /** "WhatsApp chat with 'Name' (+phone)" or "WhatsApp group chat 'Name' (jid)". */
    static String describeChat(Map<String, Object> session) {
        String jid = Support.truthy(session.get("contact_jid")) ? Support.string(session.get("contact_jid"))
                : "unknown";
        Object name = session.get("partner_name");
        Object resolved = session.get("partner_resolved_phone_number");
        String identifier = Support.truthy(resolved) ? Support.string(resolved) : jid;
        String label = Support.truthy(name) ? "'" + Support.text(name) + "' (" + identifier + ")" : identifier;
        boolean group = jid.endsWith("@g.us") || Support.truthy(session.get("group_creation_date"));
        return (group ? "WhatsApp group chat " : "WhatsApp chat with ") + label;
    }

    // ------------------------------------------------------------------------------------ helpers

    /** A Mac time as ISO, or null when it gives no date. */
    private static String macOrNull(Object value) {
        if (!Support.truthy(value) || !(value instanceof Number n)) {
            return null;
        }
        String iso = Times.fromMac(n);
        return iso.isEmpty() ? null : iso;
    }

    private static String beforeAt(String s) {
        int at = s.indexOf('@');
        return at < 0 ? s : s.substring(0, at);
    }

    private static String stripLeadingPlus(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '+') {
            i++;
        }
        return s.substring(i);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        List<JsonNode> records = new ArrayList<>();
        List<List<String>> batches = new ArrayList<>();
        for (JsonNode r : results) {
            JsonNode linkNode = r.get("links");
            if (linkNode == null || !linkNode.isArray() || linkNode.isEmpty()) {
                continue;
            }
            List<String> links = new ArrayList<>();
            linkNode.forEach(l -> {
                if (l.isTextual()) {
                    links.add(l.asText());
                }
            });
            records.add(r);
            batches.add(links);
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        List<Optional<IndicatorMatch>> matches = indicators.checkUrlBatches(batches);
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            matches.get(i).ifPresent(m -> out.alert(Level.CRITICAL, m, r.path("isodate").asText(""), r));
        }
        return out.build().alerts();
    }
}
