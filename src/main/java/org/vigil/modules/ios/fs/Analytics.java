package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
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
import org.vigil.io.PlistReader;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.mixed.PlistJson;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Security framework analytics ({@code analytics}, MVT's {@code Analytics}).
 *
 * <p><b>Artifact</b>: the {@code SFAnalytics} databases {@value #GLOB} (every one; e.g.
 * {@code ckks_analytics.db}, {@code sos_analytics.db}, {@code networking_analytics.db}),
 * filesystem dumps only. Rows of the tables {@code hard_failures}, {@code soft_failures} and
 * {@code all_events} (whichever exist; identical rows counted once, as MVT's {@code UNION}):
 * {@code timestamp} (Unix seconds) and {@code data} (a property list).
 *
 * <p><b>Records</b>: the event's property-list dictionary (dates as Python prints them, data as
 * bytes), plus {@code isodate} (from {@code timestamp}; "" when absent) and {@code artifact} (the
 * database's file name). Rows with neither time nor data are skipped. A {@code data} blob whose
 * root is not a dictionary is kept under the key {@code data}. Sorted by {@code isodate}.
 *
 * <p><b>Flags</b>: with indicators, every string value of the event, at any depth (at most
 * {@value #MAX_DEPTH} levels): a process indicator (basename) - CRITICAL "Found mention of a
 * malicious process ..."; else a URL or domain indicator - CRITICAL "Found mention of a malicious
 * domain ...". One alert per matching value and record. MVT looked at the top-level values only
 * (and at its own {@code isodate}/{@code artifact} keys).
 *
 * <p><b>Timeline</b>: one row per record, event = the database's file name, data = the record as
 * Python prints it.
 *
 * <p>Bad input: a database that cannot be read (corrupt, no event table, no {@code timestamp}/
 * {@code data} column) is logged and the others are still read (unreadable when none can be); a
 * {@code data} blob that is not a property list is skipped and counted in the log (the whole file
 * is unreadable when no blob of it can be decoded).
 */
public final class Analytics implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Analytics.class);

    static final String GLOB = "private/var/Keychains/Analytics/*.db";
    static final List<String> TABLES = List.of("hard_failures", "soft_failures", "all_events");
    /** Deepest nesting of an event's values that is searched for indicators. */
    static final int MAX_DEPTH = 64;
    /** Most string values of one record checked against indicators. */
    static final int MAX_STRINGS = 100_000;

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "analytics", "Analytics", Platform.IOS, Set.of(SourceKind.IOS_FS),
            List.of(GLOB + " (tables " + String.join(", ", TABLES) + ")"), List.of(),
            "Security framework analytics events: every string value against process, URL and domain indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<Map<String, Object>> records = extract(ctx.source());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        records.forEach(out::record);
        if (ctx.hasIndicators()) {
            for (Map<String, Object> r : records) {
                check(out, ctx.indicators(), r, strings(r), str(r.get("artifact")), str(r.get("isodate")));
            }
        }
        for (Map<String, Object> r : records) {
            out.timeline(str(r.get("isodate")), str(r.get("artifact")), PyRepr.of(r));
        }
        LOG.info("Extracted {} records from analytics databases", records.size());
        return out.build();
    }

    /**
     * The records of every analytics database, sorted by {@code isodate} (stable).
     *
     * @throws org.vigil.core.ArtifactNotFoundException when there is no database
     * @throws Exception the first failure when no database could be read
     */
    static List<Map<String, Object>> extract(AcquisitionSource source) throws Exception {
        List<ArtifactRef> dbs = FsArtifacts.requireFiles(source, List.of(GLOB), "Analytics database (" + GLOB + ")");
        List<Map<String, Object>> records = new ArrayList<>();
        FsArtifacts.Failures failures = new FsArtifacts.Failures(DESCRIPTOR.slug());
        for (ArtifactRef ref : dbs) {
            LOG.info("Found Analytics database file at path: {}", ref.relativePath());
            try {
                records.addAll(read(source, ref));
                failures.ok();
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                failures.failed(e);
            }
        }
        failures.throwIfNothingRead();
        records.sort(Comparator.comparing(r -> str(r.get("isodate"))));
        return records;
    }

    private static List<Map<String, Object>> read(AcquisitionSource source, ArtifactRef ref) throws Exception {
        String name = ref.relativePath();
        String artifact = FsArtifacts.basename(name);
        List<Map<String, Object>> out = new ArrayList<>();
        int blobs = 0;
        int bad = 0;
        String firstProblem = null;
        try (SqliteReader db = SqliteReader.open(source.localFile(ref), name)) {
            List<String> selects = new ArrayList<>();
            for (String table : TABLES) {
                if (db.hasTable(table)) {
                    FsArtifacts.requireColumns(db, name, table, "timestamp", "data");
                    selects.add("SELECT timestamp, data FROM " + table);
                }
            }
            if (selects.isEmpty()) {
                throw new UnsupportedSchemaException(name + ": no table " + String.join(", ", TABLES.subList(0, 2))
                        + " or " + TABLES.get(2));
            }
            String sql = String.join(" UNION ", selects) + " ORDER BY 1, 2";
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object ts = rs.getObject(1);
                    Object data = rs.getObject(2);
                    boolean hasTs = ts instanceof Number n && n.doubleValue() != 0;
                    boolean hasData = data instanceof byte[] b ? b.length > 0 : data instanceof String s && !s.isEmpty();
                    if (!hasTs && !hasData) {
                        continue;
                    }
                    Map<String, Object> record = new LinkedHashMap<>();
                    if (hasData) {
                        blobs++;
                        byte[] bytes = data instanceof byte[] b ? b
                                : ((String) data).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        try {
                            Object plist = PlistJson.copier(name).copy(PlistReader.parse(bytes, name + " (event data)"));
                            if (plist instanceof Map<?, ?> m) {
                                @SuppressWarnings("unchecked")
                                Map<String, Object> dict = (Map<String, Object>) m;
                                record.putAll(dict);
                            } else {
                                record.put("data", plist);
                            }
                        } catch (CorruptArtifactException e) {
                            bad++;
                            firstProblem = firstProblem == null ? e.getMessage() : firstProblem;
                            continue;
                        }
                    }
                    record.put("isodate", hasTs ? isodate((Number) ts) : "");
                    record.put("artifact", artifact);
                    out.add(record);
                }
            } catch (SQLException e) {
                throw FsArtifacts.sqlFailure(e, name);
            }
        }
        if (bad > 0) {
            LOG.warn("{}: skipped {} of {} event data blobs that are not property lists (first: {})", name, bad, blobs,
                    firstProblem);
            if (bad == blobs && out.isEmpty()) {
                throw new CorruptArtifactException(name + ": none of its " + blobs
                        + " event data blobs is a property list (" + firstProblem + ")");
            }
        }
        return out;
    }

    /**
     * MVT's {@code convert_mactime_to_iso(ts, False)}: Unix seconds, an 18-digit integer keeping
     * its first 9 digits; a value too large for seconds but plausible in milliseconds (10^11 to
     * 10^14) is read as milliseconds (MVT would print a date after the year 5000).
     */
    static String isodate(Number ts) {
        if (ts instanceof Long || ts instanceof Integer) {
            long v = ts.longValue();
            String digits = Long.toString(Math.abs(v));
            if (digits.length() == 18) {
                return Times.fromUnixSeconds(Long.parseLong(digits.substring(0, 9)) * Long.signum(v));
            }
        }
        double d = ts.doubleValue();
        if (Math.abs(d) >= 1e11 && Math.abs(d) < 1e14) {
            return Times.fromUnixSeconds(d / 1000.0);
        }
        return Times.fromUnixSeconds(ts);
    }

    /** The distinct string values of a record at any depth, without its own isodate/artifact keys. */
    static Set<String> strings(Map<String, Object> record) {
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, Object> e : record.entrySet()) {
            if (!e.getKey().equals("isodate") && !e.getKey().equals("artifact")) {
                collect(e.getValue(), 1, out);
            }
        }
        return out;
    }

    private static void collect(Object v, int depth, Set<String> out) {
        if (depth > MAX_DEPTH || out.size() >= MAX_STRINGS) {
            return;
        }
        if (v instanceof String s) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Object x : m.values()) {
                collect(x, depth + 1, out);
            }
        } else if (v instanceof List<?> l) {
            for (Object x : l) {
                collect(x, depth + 1, out);
            }
        }
    }

    static Set<String> strings(JsonNode record) {
        Set<String> out = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("isodate") && !e.getKey().equals("artifact") && !e.getKey().equals("matched_indicator")) {
                collect(e.getValue(), 1, out);
            }
        }
        return out;
    }

    private static void collect(JsonNode v, int depth, Set<String> out) {
        if (depth > MAX_DEPTH || out.size() >= MAX_STRINGS) {
            return;
        }
        if (v.isTextual()) {
            if (!v.asText().isEmpty()) {
                out.add(v.asText());
            }
        } else if (v.isContainerNode()) {
            for (JsonNode x : v) {
                collect(x, depth + 1, out);
            }
        }
    }

    private static void check(ModuleResult.Builder out, Indicators indicators, Object event, Set<String> values,
            String artifact, String isodate) {
        for (String value : values) {
            Optional<IndicatorMatch> m = indicators.checkProcess(value);
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, "Found mention of a malicious process \"" + value + "\" in " + artifact
                        + " file at " + isodate, m.get(), isodate, event);
                continue;
            }
            m = indicators.checkDomain(value);
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, "Found mention of a malicious domain \"" + value + "\" in " + artifact
                        + " file at " + isodate, m.get(), isodate, event);
            }
        }
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            if (r.isObject()) {
                check(out, indicators, r, strings(r), r.path("artifact").asText(""), r.path("isodate").asText(""));
            }
        }
        return out.build().alerts();
    }
}
