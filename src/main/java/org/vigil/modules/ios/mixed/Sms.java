package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.vigil.core.model.UrlRecord;
import org.vigil.io.RowMap;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.UrlExpander;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * SMS and iMessage messages ({@code sms}, MVT's {@code SMS}).
 *
 * <p><b>Artifact</b>: {@code sms.db}; in a backup HomeDomain {@code Library/SMS/sms.db} (fileID
 * {@value #SMS_BACKUP_ID}), in a filesystem dump {@code private/var/mobile/Library/SMS/sms.db}.
 *
 * <p><b>Records</b>: every column of table {@code message} (binary columns base64-encoded), the
 * sender's {@code handle.id} as {@code phone_number}, then {@code isodate} ({@code date}),
 * {@code isodate_read} ({@code date_read}), {@code direction} ({@code sent} when
 * {@code is_from_me} is 1, else {@code received}), {@code text} ("" when null) and {@code links}
 * (every {@code http(s)://} run of non-blank characters in the text). Rows are streamed, so a
 * database of millions of messages does not need them all in memory at once beyond the records.
 *
 * <p><b>Flags</b>: a link matching a URL or domain indicator (CRITICAL, one alert per message:
 * its first matching link); always, a message whose text starts with one of Apple's threat
 * notifications, "ALERT: State-sponsored attackers may be targeting your iPhone" or "ALERT: Apple
 * detected a targeted mercenary spyware attack against your iPhone" (HIGH; heuristic from MVT,
 * on the text of Apple's threat notifications).
 *
 * <p><b>Timeline</b>: {@code sms_received} at {@code isodate}, {@code sms_read} at
 * {@code isodate_read} when read. Every link also goes to urls.json (source {@code sms}).
 */
public final class Sms implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Sms.class);

    /** Backup fileID of HomeDomain Library/SMS/sms.db. */
    public static final String SMS_BACKUP_ID = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";
    static final String SMS_DOMAIN = "HomeDomain";
    static final String SMS_RELATIVE_PATH = "Library/SMS/sms.db";
    static final String SMS_FS_PATH = "private/var/mobile/Library/SMS/sms.db";

    static final String ALERT_OLD = "ALERT: State-sponsored attackers may be targeting your iPhone";
    static final String ALERT_NEW = "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone";

    /** MVT's link extraction: {@code https?://\S+}, case-insensitive. */
    static final Pattern LINK = Pattern.compile("https?://\\S+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sms", "SMS", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(SMS_DOMAIN + "/" + SMS_RELATIVE_PATH, SMS_FS_PATH),
            List.of(),
            "SMS/iMessage messages: links against indicators, Apple threat notifications");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(SMS_BACKUP_ID),
                List.of(ArtifactPattern.of(SMS_DOMAIN, SMS_RELATIVE_PATH), ArtifactPattern.anyDomain(SMS_FS_PATH)),
                "sms.db");
        String name = ref.displayName();
        LOG.info("Found SMS database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        List<Pending> iocAlerts = new ArrayList<>();
        boolean checkIocs = ctx.hasIndicators();
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            if (ctx.progress().isShown()) {
                ctx.progress().total(db.rowCount("message")); // one record per message row
            }
            try (PreparedStatement ps = db.connection().prepareStatement(sql);
                    ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                String[] names = new String[n];
                for (int i = 0; i < n; i++) {
                    names[i] = md.getColumnLabel(i + 1);
                }
                RowMap.Columns columns = RowMap.Columns.of(names, DERIVED);
                int[] positions = new int[n];
                for (int i = 0; i < n; i++) {
                    positions[i] = columns.indexOf(names[i]);
                }
                Keys keys = new Keys(columns);
                while (rs.next()) {
                    RowMap message = readRow(rs, columns, positions, keys);
                    add(out, message, keys, checkIocs ? ctx.indicators() : null, iocAlerts);
                }
            } catch (java.sql.SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        // like MVT, indicator alerts come after the heuristic ones
        for (Pending p : iocAlerts) {
            out.alert(Level.CRITICAL, p.match(), p.eventTime(), p.event());
        }
        LOG.info("Extracted a total of {} SMS messages", out.recordCount());
        return out.build();
    }

    /** An indicator alert waiting for the end of the rows. */
    private record Pending(IndicatorMatch match, String eventTime, Object event) {}

    /** The query over the columns present; fails when there is no message table. */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Schema.requireTable(db, name, "message");
        Set<String> messageCols = db.columns("message");
        boolean withHandle = db.hasTable("handle") && messageCols.contains("handle_id")
                && db.columns("handle").contains("id");
        if (withHandle) {
            return "SELECT message.*, handle.id AS phone_number FROM message"
                    + " LEFT JOIN handle ON handle.ROWID = message.handle_id ORDER BY message.ROWID";
        }
        LOG.warn("{}: no handle table or handle_id column; phone numbers are unknown", name);
        return "SELECT message.*, NULL AS phone_number FROM message ORDER BY message.ROWID";
    }

    /** Keys added to every message after its columns, in MVT's order. */
    private static final String[] DERIVED = {"isodate", "isodate_read", "direction", "text", "links"};

    /** The positions of the keys a message is read and described by (-1: not a column). */
    private record Keys(int date, int dateRead, int isFromMe, int text, int isodate, int isodateRead, int direction,
            int links, int service, int guid, int phoneNumber, int account) {
        Keys(RowMap.Columns c) {
            this(c.indexOf("date"), c.indexOf("date_read"), c.indexOf("is_from_me"), c.indexOf("text"),
                    c.indexOf("isodate"), c.indexOf("isodate_read"), c.indexOf("direction"), c.indexOf("links"),
                    c.indexOf("service"), c.indexOf("guid"), c.indexOf("phone_number"), c.indexOf("account"));
        }
    }

    /** The value at {@code i}, null for -1 (not a column). */
    private static Object at(RowMap row, int i) {
        return i < 0 ? null : row.valueAt(i);
    }

    /**
     * One message with every column (a {@link RowMap}: the same keys in the same order as the
     * dict MVT builds, without a hash map per row). A column repeated in the query keeps its
     * first position and its last value, as in a map.
     */
    private static RowMap readRow(ResultSet rs, RowMap.Columns columns, int[] positions, Keys keys)
            throws SQLException {
        RowMap message = new RowMap(columns);
        for (int i = 0; i < positions.length; i++) {
            Object value = rs.getObject(i + 1);
            if (value instanceof byte[] bytes) {
                value = Base64.getEncoder().encodeToString(bytes);
            }
            message.setAt(positions[i], value);
        }
        // the derived keys are always columns (DERIVED)
        message.setAt(keys.isodate(), mac(at(message, keys.date())));
        message.setAt(keys.isodateRead(), mac(at(message, keys.dateRead())));
        message.setAt(keys.direction(), isOne(at(message, keys.isFromMe())) ? "sent" : "received");
        Object text = message.valueAt(keys.text());
        if (!(text instanceof String s) || s.isEmpty()) {
            message.setAt(keys.text(), "");
        }
        message.setAt(keys.links(), links((String) message.valueAt(keys.text())));
        return message;
    }

    private static void add(ModuleResult.Builder out, RowMap message, Keys keys, Indicators indicators,
            List<Pending> iocAlerts) {
        out.record(message);
        String isodate = (String) message.valueAt(keys.isodate());
        String isodateRead = (String) message.valueAt(keys.isodateRead());
        String text = (String) message.valueAt(keys.text());
        String data = Support.py(at(message, keys.service())) + ": " + Support.py(at(message, keys.guid())) + " \""
                + text.replace("\n", "\\n") + "\" from " + Support.py(at(message, keys.phoneNumber())) + " ("
                + Support.py(at(message, keys.account())) + ")";
        out.timeline(isodate, "sms_received", data);
        if (!isodateRead.isEmpty()) {
            out.timeline(isodateRead, "sms_read", data);
        }
        @SuppressWarnings("unchecked")
        List<String> links = (List<String>) message.valueAt(keys.links());
        UrlExpander expander = indicators == null ? null : indicators.expander();
        for (String link : links) {
            // only with --allow-network: the expander is offline otherwise
            String expanded = expander != null && expander.isOnline() && UrlExpander.isShortened(link)
                    ? expander.expand(link).orElse(null) : null;
            out.url(new UrlRecord(link, expanded, isodate, "sms"));
        }
        if (text.startsWith(ALERT_OLD) || text.startsWith(ALERT_NEW)) {
            out.alert(Level.HIGH, "Apple warning about state-sponsored attack received on the " + isodate,
                    isodate, message);
        }
        if (indicators != null) {
            firstMatch(indicators, links).ifPresent(m -> iocAlerts.add(new Pending(m, isodate, message)));
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        for (JsonNode message : results) {
            List<String> links = new ArrayList<>();
            JsonNode linkNode = message.get("links");
            if (linkNode != null && linkNode.isArray()) {
                linkNode.forEach(l -> {
                    if (l.isTextual()) {
                        links.add(l.asText());
                    }
                });
            }
            if (links.isEmpty()) {
                JsonNode text = message.get("text");
                links.addAll(links(text != null && text.isTextual() ? text.asText() : ""));
            }
            String isodate = message.path("isodate").asText("");
            firstMatch(indicators, links).ifPresent(m -> out.alert(Level.CRITICAL, m, isodate, message));
        }
        return out.build().alerts();
    }

    /** MVT's check_urls: the first link that matches an indicator. */
    static Optional<IndicatorMatch> firstMatch(Indicators indicators, List<String> links) {
        for (String link : links) {
            Optional<IndicatorMatch> m = indicators.checkUrl(link);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    /** Every {@code http(s)://} link in the text, in order. */
    static List<String> links(String text) {
        List<String> found = new ArrayList<>();
        if (text == null || text.indexOf("://") < 0) {
            return found; // every link has "://": most messages have none, skip the regex scan
        }
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String mac(Object value) {
        return value instanceof Number n ? Times.fromMac(n) : "";
    }

    private static boolean isOne(Object value) {
        return value instanceof Number n && n.doubleValue() == 1.0;
    }
}
