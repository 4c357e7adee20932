package org.vigil.modules.ios.mixed;

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
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * MVT's {@code NetBase}: the reading and the heuristics shared by the two modules over the
 * network-usage Core Data databases, {@code datausage} ({@code DataUsage.sqlite}, backups and
 * filesystem dumps) and {@code netusage} ({@code netusage.sqlite}, filesystem dumps only). Both
 * databases have the same {@code ZPROCESS} / {@code ZLIVEUSAGE} model; the records are
 * {@link Datausage.Usage}.
 *
 * <p>What runs, in this order (the alerts keep it): in a filesystem dump without {@code --fast},
 * processes without bundle id whose binary is nowhere in the dump (MEDIUM); per database,
 * live-usage rows whose process row was deleted (HIGH, "manipulated") and gaps in the process ids
 * (LOW, one placeholder record per missing id, at most {@value #MAX_MISSING}); with indicators,
 * process names against process indicators (CRITICAL). Records are sorted by
 * {@code first_isodate} (stable).
 *
 * <p>With several databases (netusage), each is read and checked on its own: process ids are
 * per database, so a gap or a missing process row is looked for within one database only (MVT
 * pooled the rows of every database first). A database that cannot be read is logged and the
 * others are still checked; only when none can be read does the module fail with the first
 * reason.
 */
public final class NetBase {
    private static final Logger LOG = LoggerFactory.getLogger(NetBase.class);

    static final String MANIPULATED = "MANIPULATED [process record deleted]";
    /** At most this many placeholders for missing process ids per database (a hostile Z_PK must not exhaust memory). */
    public static final int MAX_MISSING = 10_000;

    private NetBase() {}

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
        Datausage.Usage done;

        Datausage.Usage toUsage() {
            if (done == null) {
                done = new Datausage.Usage(firstIsodate, isodate, procName, bundleId, procId, wifiIn, wifiOut, wwanIn, wwanOut,
                        liveId, liveProcId, liveIsodate);
            }
            return done;
        }
    }


    /** An alert whose event is a row, emitted once the rows are final. */
    private record Pending(Level level, String message, String eventTime, Row row, IndicatorMatch match) {}

    /**
     * Reads and checks the databases and returns the module's result.
     *
     * @param ctx the module's context
     * @param descriptor the module (slug and timeline plugin name)
     * @param dbs the databases, in order (at least one)
     * @param what how to name the database in log lines (e.g. {@code DataUsage})
     */
    public static ModuleResult run(ModuleContext ctx, ModuleDescriptor descriptor, List<ArtifactRef> dbs, String what)
            throws Exception {
        List<List<Row>> perDb = new ArrayList<>();
        Exception firstFailure = null;
        for (ArtifactRef ref : dbs) {
            String name = ref.displayName();
            LOG.info("Found {} database at {}", what, name);
            try {
                List<Row> rows = read(ctx.source(), ref, name);
                LOG.info("Extracted information on {} processes from {}", rows.size(), name);
                perDb.add(rows);
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                if (dbs.size() == 1) {
                    throw e;
                }
                // one damaged database must not hide the others
                LOG.warn("Skipping this {} database: {}", what, e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (perDb.isEmpty() && firstFailure != null) {
            throw firstFailure;
        }

        List<Pending> alerts = new ArrayList<>();
        if (ctx.source().kind() == SourceKind.IOS_FS && !ctx.options().fast()) {
            List<Row> all = new ArrayList<>();
            perDb.forEach(all::addAll);
            findMissingBinaries(ctx, all, alerts);
        }
        List<Row> rows = new ArrayList<>();
        for (List<Row> db : perDb) {
            checkManipulated(db, alerts);
            rows.addAll(findDeleted(db, alerts));
        }
        if (perDb.size() > 1) {
            rows.sort(Comparator.comparing(r -> r.firstIsodate == null ? "" : r.firstIsodate));
        }
        if (ctx.hasIndicators()) {
            for (Row r : rows) {
                if (r.procName == null || !truthy(r.procId)) {
                    continue;
                }
                ctx.indicators().checkProcess(r.procName).ifPresent(m ->
                        alerts.add(new Pending(Level.CRITICAL, m.message(), r.firstIsodate, r, m)));
            }
        }

        ModuleResult.Builder out = ctx.newResult(descriptor);
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

    private static List<Row> read(AcquisitionSource source, ArtifactRef ref, String name) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (SqliteReader db = SqliteReader.open(source.localFile(ref), name)) {
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

    private static void timeline(ModuleResult.Builder out, Datausage.Usage u) {
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

    /**
     * Re-checks written records ({@code <slug>.json}) against process indicators, as
     * {@link #run} does: records with a process id only.
     */
    public static List<Alert> recheck(ModuleDescriptor descriptor, JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(descriptor);
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
