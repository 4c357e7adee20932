package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
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
import org.vigil.io.PlistReader;
import org.vigil.io.PyFormat;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * iOS Shortcuts ({@code shortcuts}, MVT's {@code Shortcuts}).
 *
 * <p><b>Artifact</b>: {@code Shortcuts.sqlite}. In a backup: HomeDomain
 * {@code Library/Shortcuts/Shortcuts.sqlite} (fileID {@value #BACKUP_ID}); in a filesystem dump:
 * {@code private/var/mobile/Library/Shortcuts/Shortcuts.sqlite}.
 *
 * <p><b>Records</b>: one per {@code ZSHORTCUT LEFT JOIN ZSHORTCUTACTIONS} row, as an ordered map
 * with MVT's keys: {@code shortcut_id, shortcut_name, modified_date, description} (name and
 * description as bytes, as MVT reads them), then {@code parsed_actions, action_urls} (the actions
 * property list: each action's {@code WFWorkflowActionParameters}, printed as Python prints a
 * dict, searched for {@code http(s)://} links, trailing quote and comma removed), or
 * {@code action_urls: null, parsed_actions: 0} when there is no readable action list, then
 * {@code isodate} (creation).
 *
 * <p><b>Flags</b>: with indicators, the first action URL matching (CRITICAL): a shortcut that
 * opens a known malicious URL.
 *
 * <p><b>Timeline</b>: {@code shortcut_created} and {@code shortcut_modified}.
 */
public final class Shortcuts implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Shortcuts.class);

    /** Backup fileID of HomeDomain/Library/Shortcuts/Shortcuts.sqlite. */
    public static final String BACKUP_ID = "5b4d0b44b5990f62b9f4d34ad8dc382bf0b01094";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/Shortcuts/Shortcuts.sqlite";
    static final String FS_PATH = "private/var/mobile/Library/Shortcuts/Shortcuts.sqlite";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "shortcuts", "Shortcuts", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH), List.of(),
            "Shortcuts: URLs in shortcut actions against indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "Shortcuts.sqlite");
        String name = ref.displayName();
        LOG.info("Found Shortcuts database at path: {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> shortcut = record(rs, name);
                    out.record(shortcut);
                    if (ctx.hasIndicators()) {
                        check(out, ctx.indicators(), actionUrls(shortcut), shortcut);
                    }
                    timeline(out, shortcut);
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} Shortcuts", out.recordCount());
        return out.build();
    }

    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        if (!db.hasTable("ZSHORTCUT")) {
            throw new UnsupportedSchemaException(name + ": no table ZSHORTCUT");
        }
        Set<String> cols = db.columns("ZSHORTCUT");
        for (String c : List.of("Z_PK", "ZNAME")) {
            if (!cols.contains(c.toLowerCase(java.util.Locale.ROOT))) {
                throw new UnsupportedSchemaException(name + ": no column " + c + " in table ZSHORTCUT");
            }
        }
        String created = cols.contains("zcreationdate") ? "ZSHORTCUT.ZCREATIONDATE" : "NULL";
        String modified = cols.contains("zmodificationdate") ? "ZSHORTCUT.ZMODIFICATIONDATE" : "NULL";
        String description = cols.contains("zactionsdescription") ? "ZSHORTCUT.ZACTIONSDESCRIPTION" : "NULL";
        boolean actions = db.hasTable("ZSHORTCUTACTIONS")
                && db.columns("ZSHORTCUTACTIONS").containsAll(List.of("zshortcut", "zdata"));
        if (!actions) {
            LOG.info("{}: no ZSHORTCUTACTIONS table with ZSHORTCUT and ZDATA, reading shortcuts without actions", name);
        }
        return "SELECT ZSHORTCUT.Z_PK, ZSHORTCUT.ZNAME, " + created + ", " + modified + ", " + description + ", "
                + (actions ? "ZSHORTCUTACTIONS.ZDATA" : "NULL") + " FROM ZSHORTCUT"
                + (actions ? " LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT = ZSHORTCUT.Z_PK" : "");
    }

    private static Map<String, Object> record(ResultSet rs, String name) throws SQLException {
        Map<String, Object> shortcut = new LinkedHashMap<>();
        shortcut.put("shortcut_id", column(rs, 1));
        shortcut.put("shortcut_name", column(rs, 2));
        Object created = column(rs, 3);
        shortcut.put("modified_date", null); // keeps MVT's key position, filled below
        shortcut.put("description", column(rs, 5));
        Object modified = column(rs, 4);
        List<String> urls = null;
        int parsed = 0;
        byte[] data = rs.getBytes(6);
        List<?> actions = actions(data, name);
        if (actions != null) {
            urls = new ArrayList<>();
            for (Object action : actions) {
                Object params = action instanceof Map<?, ?> m ? m.get("WFWorkflowActionParameters") : null;
                Matcher matcher = Sms.LINK.matcher(repr(params));
                while (matcher.find()) {
                    urls.add(stripRight(matcher.group()));
                }
                parsed++;
            }
            shortcut.put("parsed_actions", parsed);
            shortcut.put("action_urls", urls);
        } else {
            shortcut.put("action_urls", null);
            shortcut.put("parsed_actions", 0);
        }
        shortcut.put("isodate", created instanceof Number n ? Times.fromMac(n) : "");
        shortcut.put("modified_date", modified instanceof Number n ? Times.fromMac(n) : "");
        return shortcut;
    }

    /** A column as MVT reads it with {@code text_factory = bytes}: text as bytes, numbers as numbers. */
    private static Object column(ResultSet rs, int i) throws SQLException {
        Object o = rs.getObject(i);
        if (o instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (o instanceof Integer n) {
            return n.longValue();
        }
        return o;
    }

    /** The action list, or null when the data is absent or not a property list array (MVT's failure path). */
    private static List<?> actions(byte[] data, String name) {
        if (data == null || data.length == 0) {
            LOG.debug("Shortcut without action data");
            return null;
        }
        try {
            Object plist = PlistReader.parse(data, name + " (ZSHORTCUTACTIONS.ZDATA)");
            if (plist instanceof List<?> l) {
                return l;
            }
            LOG.warn("{}: shortcut action data is not a list but {}", name, plist.getClass().getSimpleName());
        } catch (CorruptArtifactException e) {
            LOG.debug("Shortcut without action data: {}", e.getMessage());
        }
        return null;
    }

    private static String stripRight(String url) {
        int end = url.length();
        while (end > 0 && (url.charAt(end - 1) == '\'' || url.charAt(end - 1) == ',')) {
            end--;
        }
        return url.substring(0, end);
    }

    @SuppressWarnings("unchecked")
    private static List<String> actionUrls(Map<String, Object> shortcut) {
        return (List<String>) shortcut.get("action_urls");
    }

    private static void check(ModuleResult.Builder out, Indicators indicators, List<String> urls, Object event) {
        if (urls == null) {
            return;
        }
        indicators.checkUrls(urls).ifPresent(m -> out.alert(Level.CRITICAL, m, "", event));
    }

    private static void timeline(ModuleResult.Builder out, Map<String, Object> r) {
        List<String> urls = actionUrls(r);
        String found = urls == null || urls.isEmpty() ? "" : "- URLs in actions: " + String.join(", ", urls);
        String desc = r.get("description") instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "";
        Object n = r.get("shortcut_name");
        String name = n instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : Support.py(n);
        String data = "iOS Shortcut '" + name + "': " + desc + " " + found;
        out.timeline((String) r.get("isodate"), "shortcut_created", data);
        out.timeline((String) r.get("modified_date"), "shortcut_modified", data);
    }

    /** Python's {@code repr()} of a plist value (what {@code str(dict)} prints), for the link search. */
    static String repr(Object v) {
        StringBuilder sb = new StringBuilder();
        repr(v, sb, 0);
        return sb.toString();
    }

    private static void repr(Object v, StringBuilder sb, int depth) {
        if (depth > PlistReader.MAX_DEPTH) {
            sb.append("...");
            return;
        }
        if (v == null || v instanceof Boolean || v instanceof Double) {
            sb.append(PyFormat.str(v));
        } else if (v instanceof String s) {
            PyFormat.appendRepr(sb, s);
        } else if (v instanceof byte[] b) {
            sb.append('b');
            PyFormat.appendRepr(sb, new String(b, StandardCharsets.ISO_8859_1));
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ");
                first = false;
                repr(e.getKey(), sb, depth + 1);
                sb.append(": ");
                repr(e.getValue(), sb, depth + 1);
            }
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                repr(l.get(i), sb, depth + 1);
            }
            sb.append(']');
        } else if (v instanceof Instant i) {
            LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            sb.append("datetime.datetime(").append(t.getYear()).append(", ").append(t.getMonthValue()).append(", ")
                    .append(t.getDayOfMonth()).append(", ").append(t.getHour()).append(", ").append(t.getMinute());
            if (t.getSecond() != 0 || t.getNano() != 0) {
                sb.append(", ").append(t.getSecond());
            }
            if (t.getNano() != 0) {
                sb.append(", ").append(t.getNano() / 1000);
            }
            sb.append(')');
        } else if (v instanceof PlistReader.Uid u) {
            sb.append("UID(").append(u.index()).append(')');
        } else {
            sb.append(v);
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            JsonNode urls = r.get("action_urls");
            if (urls == null || !urls.isArray()) {
                continue;
            }
            List<String> list = new ArrayList<>();
            urls.forEach(u -> list.add(u.asText()));
            check(out, indicators, list, r);
        }
        return out.build().alerts();
    }
}
