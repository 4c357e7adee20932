package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Per-process network usage ({@code datausage}, MVT's {@code Datausage}).
 *
 * <p><b>Artifact</b>: {@code DataUsage.sqlite}; in a backup WirelessDomain
 * {@code Library/Databases/DataUsage.sqlite} (fileID {@value #DATAUSAGE_BACKUP_ID}), in a
 * filesystem dump {@code private/var/wireless/Library/Databases/DataUsage.sqlite}.
 *
 * <p><b>Records</b>: every {@code ZLIVEUSAGE} row with its {@code ZPROCESS} row (if any), plus
 * every process without live usage: {@code first_isodate, isodate, proc_name, bundle_id, proc_id,
 * wifi_in, wifi_out, wwan_in, wwan_out, live_id, live_proc_id, live_isodate}; recent iOS versions
 * have no Wi-Fi columns (null then). Placeholders are added for missing process ids. Sorted by
 * {@code first_isodate}.
 *
 * <p><b>Flags</b> (heuristics from Amnesty's 2021 Pegasus forensic methodology report, as in
 * MVT): a process name matching a process indicator (CRITICAL); always, live-usage rows whose
 * process row was deleted (HIGH, "manipulated"); always, gaps in the process ids (LOW, deleted
 * processes); in a filesystem dump without {@code --fast}, a process without bundle id whose
 * binary is nowhere in the dump (MEDIUM).
 *
 * <p><b>Timeline</b>: {@code live_usage} for every record; {@code first_usage} and
 * {@code current_usage} when the process row exists.
 */
public final class Datausage implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Datausage.class);

    /** Backup fileID of WirelessDomain Library/Databases/DataUsage.sqlite. */
    public static final String DATAUSAGE_BACKUP_ID = "0d609c54856a9bb2d56729df1d68f2958a88426b";
    static final String DOMAIN = "WirelessDomain";
    static final String RELATIVE_PATH = "Library/Databases/DataUsage.sqlite";
    static final String FS_PATH = "private/var/wireless/Library/Databases/DataUsage.sqlite";

    static final String MANIPULATED = "MANIPULATED [process record deleted]";
    /** At most this many placeholders for missing process ids (a hostile Z_PK must not exhaust memory). */
    static final int MAX_MISSING = 10_000;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "datausage", "Datausage", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Per-process network usage: process names against indicators, deleted or manipulated process rows");

    /**
     * One usage record.
     *
     * @param firstIsodate process first seen ({@code ZPROCESS.ZFIRSTTIMESTAMP})
     * @param isodate process last seen ({@code ZPROCESS.ZTIMESTAMP})
     * @param procName process name (and bundle id), or a MANIPULATED / MISSING marker
     * @param bundleId bundle id
     * @param procId {@code ZPROCESS.Z_PK}
     * @param wifiIn Wi-Fi bytes in (older iOS)
     * @param wifiOut Wi-Fi bytes out (older iOS)
     * @param wwanIn cellular bytes in
     * @param wwanOut cellular bytes out
     * @param liveId {@code ZLIVEUSAGE.Z_PK}
     * @param liveProcId {@code ZLIVEUSAGE.ZHASPROCESS}
     * @param liveIsodate live usage time, or the first seen time
     */
    @JsonPropertyOrder({"first_isodate", "isodate", "proc_name", "bundle_id", "proc_id", "wifi_in", "wifi_out",
            "wwan_in", "wwan_out", "live_id", "live_proc_id", "live_isodate"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Usage(
            @JsonProperty("first_isodate") String firstIsodate,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("proc_name") String procName,
            @JsonProperty("bundle_id") String bundleId,
            @JsonProperty("proc_id") Long procId,
            @JsonProperty("wifi_in") Number wifiIn,
            @JsonProperty("wifi_out") Number wifiOut,
            @JsonProperty("wwan_in") Number wwanIn,
            @JsonProperty("wwan_out") Number wwanOut,
            @JsonProperty("live_id") Long liveId,
            @JsonProperty("live_proc_id") Long liveProcId,
            @JsonProperty("live_isodate") String liveIsodate) {}

    /** A record while the heuristics still change it. */
    private static final class Row {
        String firstIsodate;
        String isodate;
        String procName;
        String bundleId;
        Long procId;
        Number wifiIn;
        Number wifiOut;
        Number wwanIn;
        Number wwanOut;
        Long liveId;
        Long liveProcId;
        String liveIsodate;
        Usage done;

        Usage toUsage() {
            if (done == null) {
                done = new Usage(firstIsodate, isodate, procName, bundleId, procId, wifiIn, wifiOut, wwanIn, wwanOut,
                        liveId, liveProcId, liveIsodate);
            }
            return done;
        }
    }

    /** An alert whose event is a row, emitted once the rows are final. */
    private record Pending(Level level, String message, String eventTime, Row row, IndicatorMatch match) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(DATAUSAGE_BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "DataUsage.sqlite");
        String name = ref.displayName();
        LOG.info("Found DataUsage database at {}", name);
        List<Row> rows = read(ctx, ref, name);
        LOG.info("Extracted information on {} processes", rows.size());

        List<Pending> alerts = new ArrayList<>();
        if (ctx.source().kind() == SourceKind.IOS_FS && !ctx.options().fast()) {
            findMissingBinaries(ctx, rows, alerts);
        }
        checkManipulated(rows, alerts);
        rows = findDeleted(rows, alerts);
        if (ctx.hasIndicators()) {
            for (Row r : rows) {
                if (r.procName == null || !truthy(r.procId)) {
                    continue;
                }
                ctx.indicators().checkProcess(r.procName).ifPresent(m ->
                        alerts.add(new Pending(Level.CRITICAL, m.message(), r.firstIsodate, r, m)));
            }
        }

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Row r : rows) {
            out.record(r.toUsage());
        }
        for (Pending p : alerts) {
            out.alert(p.level(), p.message(), p.match(), p.eventTime(), p.row().toUsage());
        }
        for (Row r : rows) {
            timeline(out, r.toUsage());
        }
        return out.build();
    }

    private static List<Row> read(ModuleContext ctx, ArtifactRef ref, String name) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = new Row();
                    Number first = number(rs, 1);
                    Number last = number(rs, 2);
                    r.firstIsodate = first == null ? null : Times.fromMac(first);
                    r.isodate = last == null ? null : Times.fromMac(last);
                    r.procName = rs.getString(3);
                    r.bundleId = rs.getString(4);
                    r.procId = asLong(number(rs, 5));
                    r.wifiIn = number(rs, 6);
                    r.wifiOut = number(rs, 7);
                    r.wwanIn = number(rs, 8);
                    r.wwanOut = number(rs, 9);
                    r.liveId = asLong(number(rs, 10));
                    r.liveProcId = asLong(number(rs, 11));
                    Number live = number(rs, 12);
                    r.liveIsodate = truthy(live) ? Times.fromMac(live) : r.firstIsodate;
                    rows.add(r);
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        return rows;
    }

    /** MVT's query, over the columns present (absent optional columns read as NULL). */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Schema.requireTable(db, name, "ZPROCESS");
        Schema.requireTable(db, name, "ZLIVEUSAGE");
        Set<String> proc = Schema.requireColumns(db, name, "ZPROCESS", "Z_PK");
        Set<String> live = Schema.requireColumns(db, name, "ZLIVEUSAGE", "ZHASPROCESS");
        if (!live.contains("zwifiin")) {
            LOG.debug("{}: no ZWIFIIN/ZWIFIOUT columns (recent iOS)", name);
        }
        String p1 = col(proc, "ZPROCESS", "ZFIRSTTIMESTAMP");
        String p2 = col(proc, "ZPROCESS", "ZTIMESTAMP");
        String p3 = col(proc, "ZPROCESS", "ZPROCNAME");
        String p4 = col(proc, "ZPROCESS", "ZBUNDLENAME");
        return "SELECT " + p1 + ", " + p2 + ", " + p3 + ", " + p4 + ", ZPROCESS.Z_PK, "
                + col(live, "ZLIVEUSAGE", "ZWIFIIN") + ", " + col(live, "ZLIVEUSAGE", "ZWIFIOUT") + ", "
                + col(live, "ZLIVEUSAGE", "ZWWANIN") + ", " + col(live, "ZLIVEUSAGE", "ZWWANOUT") + ", "
                + col(live, "ZLIVEUSAGE", "Z_PK") + ", ZLIVEUSAGE.ZHASPROCESS, "
                + col(live, "ZLIVEUSAGE", "ZTIMESTAMP")
                + " FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK"
                + " UNION SELECT " + p1 + ", " + p2 + ", " + p3 + ", " + p4 + ", ZPROCESS.Z_PK,"
                + " NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM ZPROCESS WHERE ZPROCESS.Z_PK NOT IN"
                + " (SELECT ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL)"
                + " ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12";
    }

    private static String col(Set<String> present, String table, String column) {
        return present.contains(column.toLowerCase(java.util.Locale.ROOT)) ? table + "." + column : "NULL";
    }

    /** Processes without bundle id whose binary is not in the dump (filesystem dumps only). */
    private static void findMissingBinaries(ModuleContext ctx, List<Row> rows, List<Pending> alerts)
            throws java.io.IOException {
        if (rows.isEmpty()) {
            return;
        }
        // only the names looked for are kept: a dump lists up to 10^6 entries (folders are not binaries)
        Set<String> wanted = new HashSet<>();
        for (Row r : rows) {
            if ((r.bundleId == null || r.bundleId.isEmpty()) && r.procName != null && !r.procName.isEmpty()) {
                wanted.add(r.procName);
            }
        }
        Set<String> names = new HashSet<>();
        if (!wanted.isEmpty()) {
            ctx.source().forEachEntry(e -> {
                if (e.meta().isDirectory()) {
                    return;
                }
                String p = e.relativePath();
                String base = p.substring(p.lastIndexOf('/') + 1);
                if (wanted.contains(base)) {
                    names.add(base);
                }
            });
        }
        for (Row r : rows) {
            if (r.bundleId != null && !r.bundleId.isEmpty()) {
                continue;
            }
            if (r.procName != null && names.contains(r.procName)) {
                continue;
            }
            String msg;
            if (r.procName == null || r.procName.isEmpty()) {
                msg = "Found process entry with empty 'proc_name': " + Support.py(r.liveProcId) + " at "
                        + Support.py(r.liveIsodate);
            } else {
                msg = "Could not find the binary associated with the process with name " + r.procName;
                if (r.procName.length() == 16) {
                    msg += " (However, the process name might have been truncated in the database)";
                }
            }
            alerts.add(new Pending(Level.MEDIUM, msg, r.liveIsodate, r, null));
        }
    }

    /** Live-usage rows whose process row is gone: marked and reported (HIGH). */
    private static void checkManipulated(List<Row> rows, List<Pending> alerts) {
        List<Row> byLive = new ArrayList<>(rows);
        byLive.sort(Comparator.comparing(r -> r.liveIsodate == null ? "" : r.liveIsodate));
        Set<Long> seen = new HashSet<>();
        boolean seenNull = false;
        for (Row r : byLive) {
            if (truthy(r.procId)) {
                continue;
            }
            boolean first = r.liveProcId == null ? !seenNull : !seen.contains(r.liveProcId);
            if (first) {
                if (r.liveProcId == null) {
                    seenNull = true;
                } else {
                    seen.add(r.liveProcId);
                }
                alerts.add(new Pending(Level.HIGH, "Found manipulated process entry " + Support.py(r.liveProcId)
                        + ". Entry on " + Support.py(r.liveIsodate), r.liveIsodate, r, null));
            }
            r.firstIsodate = r.liveIsodate;
            r.isodate = r.liveIsodate;
            r.procName = MANIPULATED;
            alerts.add(new Pending(Level.HIGH, "Found manipulated process entry " + Support.py(r.liveProcId) + "/",
                    r.firstIsodate, r, null));
        }
    }

    /** Gaps in the process ids: one LOW alert and one placeholder record per missing id. */
    private static List<Row> findDeleted(List<Row> rows, List<Pending> alerts) {
        Map<Long, Row> byProc = new TreeMap<>();
        for (Row r : rows) {
            if (truthy(r.procId)) {
                byProc.put(r.procId, r); // the last row of a process wins, as in MVT
            }
        }
        List<Row> all = new ArrayList<>(rows);
        if (!byProc.isEmpty()) {
            long min = ((TreeMap<Long, Row>) byProc).firstKey();
            long max = ((TreeMap<Long, Row>) byProc).lastKey();
            Long last = null;
            int added = 0;
            long skipped = 0;
            for (long id = min; id < max; id++) {
                if (byProc.containsKey(id)) {
                    last = id;
                    continue;
                }
                if (added >= MAX_MISSING) {
                    // jump to the next present id: the remaining gap is only counted
                    long next = ((TreeMap<Long, Row>) byProc).ceilingKey(id);
                    skipped += next - id;
                    id = next - 1;
                    continue;
                }
                Row prev = byProc.get(last);
                alerts.add(new Pending(Level.LOW, "Missing process " + id + ". Previous process at \""
                        + Support.py(prev.firstIsodate) + "\" (" + Support.py(prev.procName) + ")",
                        prev.firstIsodate, prev, null));
                Row placeholder = new Row();
                placeholder.firstIsodate = prev.firstIsodate;
                placeholder.isodate = prev.firstIsodate;
                placeholder.liveIsodate = prev.firstIsodate;
                placeholder.procName = "MISSING [follows " + Support.py(prev.procName) + "]";
                placeholder.procId = id;
                placeholder.liveProcId = id;
                all.add(placeholder);
                added++;
            }
            if (skipped > 0) {
                LOG.warn("{} more missing process ids were not listed (limit {})", skipped, MAX_MISSING);
                alerts.add(new Pending(Level.LOW, skipped + " more missing process ids were not listed (limit "
                        + MAX_MISSING + ")", "", byProc.get(max), null));
            }
        }
        all.sort(Comparator.comparing(r -> r.firstIsodate == null ? "" : r.firstIsodate));
        return all;
    }

    private static void timeline(ModuleResult.Builder out, Usage u) {
        String data = Support.py(u.procName()) + " (Bundle ID: " + Support.py(u.bundleId()) + ", ID: "
                + Support.py(u.procId()) + ")";
        out.timeline(u.liveIsodate(), "live_usage",
                data + " WWAN IN: " + Support.py(u.wwanIn()) + ", WWAN OUT: " + Support.py(u.wwanOut()));
        String proc = u.procName() == null ? "" : u.procName();
        if (!proc.contains("MANIPULATED") && !proc.contains("MISSING") && u.liveProcId() != null) {
            out.timeline(u.firstIsodate(), "first_usage", data);
            out.timeline(u.isodate(), "current_usage", data);
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            JsonNode name = r.get("proc_name");
            JsonNode id = r.get("proc_id");
            if (name == null || !name.isTextual() || id == null || id.isNull() || (id.isNumber() && id.asLong() == 0)) {
                continue;
            }
            String first = r.path("first_isodate").asText("");
            indicators.checkProcess(name.asText()).ifPresent(m -> out.alert(Level.CRITICAL, m, first, r));
        }
        return out.build().alerts();
    }

    private static Number number(ResultSet rs, int col) throws SQLException {
        Object o = rs.getObject(col);
        return o instanceof Number n ? n : null;
    }

    private static Long asLong(Number n) {
        return n == null ? null : Long.valueOf(n.longValue());
    }

    private static boolean truthy(Number n) {
        return n != null && n.doubleValue() != 0;
    }
}
