package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Base64;
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
 * SMS and iMessage attachments ({@code sms_attachments}, MVT's {@code SMSAttachments}).
 *
 * <p><b>Artifact</b>: {@code sms.db}, as {@link Sms}: in a backup HomeDomain
 * {@code Library/SMS/sms.db} (fileID {@value Sms#SMS_BACKUP_ID}), in a filesystem dump
 * {@code private/var/mobile/Library/SMS/sms.db}.
 *
 * <p><b>Records</b>: one per {@code attachment} row and message it is joined to (through
 * {@code message_attachment_join}), in attachment order: {@code attachment_id}, every column of
 * {@code attachment} ({@code user_info, sticker_user_info, attribution_info,
 * ck_server_change_token_blob, sr_ck_server_change_token_blob} base64-encoded when not empty, other
 * binary columns as MVT writes bytes), the message's {@code service} ("Unknown" when none), the
 * sender's {@code handle.id} as {@code phone_number}, then {@code isodate} ({@code created_date}),
 * {@code direction} ({@code sent} when {@code is_outgoing} is 1, else {@code received}) and
 * {@code has_user_info}; {@code start_date} is converted to ISO in place and a null
 * {@code filename} becomes "NULL". Columns {@code filename} and {@code is_outgoing} are required.
 *
 * <p><b>Flags</b>: a file name matching a file-name or file-path indicator (HIGH); always, a
 * received attachment whose path starts with {@code /var/tmp/} and ends with {@code -1} (MEDIUM).
 * The heuristic is MVT's (attachments written outside the Messages attachment store, as iMessage
 * zero-click exploits have done); MVT gives no published source for the exact pattern.
 *
 * <p><b>Timeline</b>: {@code sms_attachment} at {@code isodate}: "SERVICE: Attachment 'NAME'
 * DIRECTION from PHONE with N bytes (is_sticker: S, has_user_info: B)".
 */
public final class SmsAttachments implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SmsAttachments.class);

    static final String SUSPICIOUS_PREFIX = "/var/tmp/";
    static final String SUSPICIOUS_SUFFIX = "-1";
    static final Set<String> BASE64_COLUMNS = Set.of("user_info", "sticker_user_info", "attribution_info",
            "ck_server_change_token_blob", "sr_ck_server_change_token_blob");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sms_attachments", "SMSAttachments", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(Sms.SMS_DOMAIN + "/" + Sms.SMS_RELATIVE_PATH, Sms.SMS_FS_PATH),
            List.of(),
            "SMS/iMessage attachments: file names against indicators, exploit-like temporary attachments");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(Sms.SMS_BACKUP_ID),
                List.of(ArtifactPattern.of(Sms.SMS_DOMAIN, Sms.SMS_RELATIVE_PATH),
                        ArtifactPattern.anyDomain(Sms.SMS_FS_PATH)),
                "sms.db");
        String name = ref.displayName();
        LOG.info("Found SMS database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                String[] names = new String[md.getColumnCount()];
                for (int i = 0; i < names.length; i++) {
                    names[i] = md.getColumnLabel(i + 1);
                }
                while (rs.next()) {
                    Map<String, Object> attachment = readRow(rs, names);
                    out.record(attachment);
                    check(out, attachment, indicators);
                    out.timeline((String) attachment.get("isodate"), "sms_attachment", describe(attachment));
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} SMS attachments", out.recordCount());
        return out.build();
    }

    /** The query over the tables present; the attachment table is required. */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Schema.requireColumns(db, name, "attachment", "filename", "is_outgoing");
        Set<String> join = Schema.columnsIfPresent(db, "message_attachment_join");
        Set<String> message = Schema.columnsIfPresent(db, "message");
        Set<String> handle = Schema.columnsIfPresent(db, "handle");
        boolean withMessage = join.contains("attachment_id") && join.contains("message_id") && !message.isEmpty();
        boolean withHandle = withMessage && message.contains("handle_id") && handle.contains("id");
        if (!withMessage) {
            LOG.warn("{}: attachments cannot be joined to messages; services and senders are unknown", name);
        }
        StringBuilder sql = new StringBuilder("SELECT attachment.ROWID AS attachment_id, attachment.*, ")
                .append(withMessage ? Schema.col(message, "message", "service") : "NULL").append(" AS service, ")
                .append(withHandle ? "handle.id" : "NULL").append(" AS phone_number FROM attachment");
        if (withMessage) {
            sql.append(" LEFT JOIN message_attachment_join ON message_attachment_join.attachment_id = attachment.ROWID")
                    .append(" LEFT JOIN message ON message.ROWID = message_attachment_join.message_id");
        }
        if (withHandle) {
            sql.append(" LEFT JOIN handle ON handle.ROWID = message.handle_id");
        }
        return sql.append(" ORDER BY attachment.ROWID").toString();
    }

    private static Map<String, Object> readRow(ResultSet rs, String[] names) throws SQLException {
        Map<String, Object> a = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            Object value = rs.getObject(i + 1);
            if (BASE64_COLUMNS.contains(names[i]) && value instanceof byte[] b && b.length > 0) {
                value = Base64.getEncoder().encodeToString(b);
            }
            a.put(names[i], value);
        }
        a.put("isodate", mac(a.get("created_date")));
        a.put("start_date", mac(a.get("start_date")));
        Object outgoing = a.get("is_outgoing");
        a.put("direction", outgoing instanceof Number n && n.doubleValue() == 1.0 ? "sent" : "received");
        a.put("has_user_info", a.get("user_info") != null);
        if (!truthy(a.get("service"))) {
            a.put("service", "Unknown");
        }
        if (!truthy(a.get("filename"))) {
            a.put("filename", "NULL");
        }
        return a;
    }

    private static void check(ModuleResult.Builder out, Map<String, Object> a, Indicators indicators) {
        String filename = text(a.get("filename"));
        if (indicators != null) {
            indicators.checkFilePath(filename).ifPresent(m -> out.alert(Level.HIGH, m, "", a));
        }
        if (filename.startsWith(SUSPICIOUS_PREFIX) && filename.endsWith(SUSPICIOUS_SUFFIX)
                && "received".equals(a.get("direction"))) {
            String isodate = (String) a.get("isodate");
            out.alert(Level.MEDIUM, "Suspicious iMessage attachment " + filename + " on " + isodate, isodate, a);
        }
    }

    static String describe(Map<String, Object> a) {
        return text(a.get("service")) + ": Attachment '" + text(a.get("transfer_name")) + "' "
                + text(a.get("direction")) + " from " + text(a.get("phone_number")) + " with "
                + text(a.get("total_bytes")) + " bytes (is_sticker: " + text(a.get("is_sticker"))
                + ", has_user_info: " + text(a.get("has_user_info")) + ")";
    }

    private static String mac(Object value) {
        return value instanceof Number n ? Times.fromMac(n) : "";
    }

    private static String text(Object value) {
        return value instanceof byte[] b ? PyFormat.bytes(b) : Support.py(value);
    }

    private static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        return !(value instanceof byte[] b) || b.length > 0;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode attachment : results) {
            JsonNode filename = attachment.get("filename");
            if (filename != null && filename.isTextual()) {
                indicators.checkFilePath(filename.asText())
                        .ifPresent(m -> out.alert(Level.HIGH, m, "", attachment));
            }
        }
        return out.build().alerts();
    }
}
