package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.vigil.io.RowMap;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Safari browsing history ({@code safari_history}, MVT's {@code SafariHistory}).
 *
 * <p><b>Artifact</b>: every Safari {@code History.db}, the default profile's and each Safari
 * profile's (iOS 17+). In a backup: relative paths {@code Library/Safari/History.db} and
 * {@code Library/Safari/Profiles/<uuid>/History.db} in any domain; in a filesystem dump:
 * {@code private/var/mobile/Library/Safari/History.db}, its {@code Profiles/*} variant, and the
 * same two under {@code private/var/mobile/Containers/Data/Application/*}.
 *
 * <p><b>Records</b>: one per visit ({@code history_items JOIN history_visits}, by visit time):
 * {@code id, url, visit_id, timestamp} (Mac absolute time), {@code isodate},
 * {@code redirect_source, redirect_destination} (visit ids) and {@code safari_history_db} (the
 * database's path relative to the acquisition, as MVT writes it).
 *
 * <p><b>Flags</b>: a visited URL matching an indicator (CRITICAL); always, a visit to an
 * {@code http://} URL redirected, within the same database, to a visit of another domain less
 * than one second later (MEDIUM: network injection, as in Amnesty's 2021 Pegasus forensic
 * methodology report). Unlike MVT, the real delay is used: MVT looked only at the seconds part of
 * the delay, so it also flagged redirects of whole days plus less than a second.
 *
 * <p><b>Timeline</b>: {@code safari_history} at each visit.
 */
public final class SafariHistory implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SafariHistory.class);

    static final List<ArtifactPattern> PATTERNS = List.of(
            ArtifactPattern.anyDomain("Library/Safari/History.db"),
            ArtifactPattern.anyDomain("Library/Safari/Profiles/*/History.db"),
            ArtifactPattern.anyDomain("private/var/mobile/Library/Safari/History.db"),
            ArtifactPattern.anyDomain("private/var/mobile/Library/Safari/Profiles/*/History.db"),
            ArtifactPattern.anyDomain("private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db"),
            ArtifactPattern.anyDomain(
                    "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db"));

    private static final long ONE_SECOND_MICROS = 1_000_000L;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "safari_history", "SafariHistory", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of("*/Library/Safari/History.db", "*/Library/Safari/Profiles/*/History.db",
                    "private/var/mobile/Library/Safari/History.db",
                    "private/var/mobile/Library/Safari/Profiles/*/History.db",
                    "private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db",
                    "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db"),
            List.of(),
            "Safari visits (all profiles): URLs against indicators, sub-second HTTP redirects to another domain");

    /** The keys of a record, in MVT's order; records are {@link RowMap}s over them. */
    static final RowMap.Columns COLUMNS = RowMap.Columns.of(new String[] {"id", "url", "visit_id", "timestamp",
        "isodate", "redirect_source", "redirect_destination", "safari_history_db"});
    private static final int ID = 0;
    private static final int URL = 1;
    private static final int VISIT_ID = 2;
    private static final int TIMESTAMP = 3;
    private static final int ISODATE = 4;
    private static final int REDIRECT_SOURCE = 5;
    private static final int REDIRECT_DESTINATION = 6;
    private static final int DB = 7;

    /**
     * One Safari visit, as a typed view of a record (the records themselves are {@link RowMap}s
     * with these keys, in this order: table rows are written without a bean serialiser).
     *
     * @param id history item id
     * @param url visited URL
     * @param visitId visit id (unique within one database only)
     * @param timestamp visit time, Mac absolute time as stored
     * @param isodate visit time, ISO
     * @param redirectSource visit id this visit was redirected from, or null
     * @param redirectDestination visit id this visit redirected to, or null
     * @param safariHistoryDb the database, relative to the acquisition root
     */
    @JsonPropertyOrder({"id", "url", "visit_id", "timestamp", "isodate", "redirect_source",
            "redirect_destination", "safari_history_db"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Visit(
            @JsonProperty("id") Long id,
            @JsonProperty("url") String url,
            @JsonProperty("visit_id") Long visitId,
            @JsonProperty("timestamp") Number timestamp,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("redirect_source") Long redirectSource,
            @JsonProperty("redirect_destination") Long redirectDestination,
            @JsonProperty("safari_history_db") String safariHistoryDb) {

        /** The visit a record holds. */
        static Visit of(Map<String, ?> row) {
            return new Visit((Long) row.get("id"), (String) row.get("url"), (Long) row.get("visit_id"),
                    (Number) row.get("timestamp"), (String) row.get("isodate"), (Long) row.get("redirect_source"),
                    (Long) row.get("redirect_destination"), (String) row.get("safari_history_db"));
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> dbs = BackupArtifacts.requireAll(ctx.source(), PATTERNS, "Safari History.db");
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        List<List<RowMap>> perDb = new ArrayList<>();
        Exception firstFailure = null;
        for (ArtifactRef ref : dbs) {
            LOG.info("Found Safari history database at {}", ref.displayName());
            try {
                perDb.add(read(ctx, ref));
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                // one damaged profile must not hide the others
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (perDb.isEmpty() && firstFailure != null) {
            throw firstFailure;
        }
        // records and timeline rows go out together (separate streams: each keeps its order), so
        // that the record serialiser and the timeline writer work side by side
        StringBuilder data = new StringBuilder();
        for (List<RowMap> visits : perDb) {
            for (RowMap v : visits) {
                out.record(v);
                data.setLength(0);
                data.append("Safari visit to ").append(url(v)).append(" (ID: ").append(Support.py(v.valueAt(ID)))
                        .append(", Visit ID: ").append(Support.py(v.valueAt(VISIT_ID))).append(')');
                out.timeline(isodate(v), "safari_history", data.toString());
            }
            findInjections(out, visits);
        }
        if (ctx.hasIndicators()) {
            for (List<RowMap> visits : perDb) {
                for (RowMap v : visits) {
                    ctx.indicators().checkUrl(url(v))
                            .ifPresent(m -> out.alert(Level.CRITICAL, m, isodate(v), v));
                }
            }
        }
        LOG.info("Extracted a total of {} history records", out.recordCount());
        return out.build();
    }

    private static List<RowMap> read(ModuleContext ctx, ArtifactRef ref) throws Exception {
        String name = ref.displayName();
        String dbPath = Support.mvtRelativePath(ctx.source(), ref);
        List<RowMap> visits = new ArrayList<>();
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object ts = rs.getObject(4);
                    Number timestamp = ts instanceof Number n ? n : null;
                    RowMap v = new RowMap(COLUMNS);
                    v.setAt(ID, longOrNull(rs, 1));
                    v.setAt(URL, rs.getString(2));
                    v.setAt(VISIT_ID, longOrNull(rs, 3));
                    v.setAt(TIMESTAMP, timestamp);
                    v.setAt(ISODATE, timestamp == null ? "" : Times.fromMac(timestamp));
                    v.setAt(REDIRECT_SOURCE, longOrNull(rs, 5));
                    v.setAt(REDIRECT_DESTINATION, longOrNull(rs, 6));
                    v.setAt(DB, dbPath);
                    visits.add(v);
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        return visits;
    }

    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Schema.requireTable(db, name, "history_items");
        Schema.requireTable(db, name, "history_visits");
        Schema.requireColumns(db, name, "history_items", "id", "url");
        Set<String> visits = Schema.requireColumns(db, name, "history_visits", "id", "history_item", "visit_time");
        String source = visits.contains("redirect_source") ? "history_visits.redirect_source" : "NULL";
        String destination = visits.contains("redirect_destination") ? "history_visits.redirect_destination" : "NULL";
        return "SELECT history_items.id, history_items.url, history_visits.id, history_visits.visit_time, "
                + source + ", " + destination
                + " FROM history_items JOIN history_visits ON history_visits.history_item = history_items.id"
                + " ORDER BY history_visits.visit_time, history_visits.id";
    }

    /**
     * Flags HTTP visits redirected to another domain in less than a second, looking the
     * destination visit up in the same database only (visit ids are per database).
     */
    private static void findInjections(ModuleResult.Builder out, List<RowMap> visits) {
        Map<Long, List<RowMap>> byVisitId = null; // built on the first redirected HTTP visit
        for (RowMap origin : visits) {
            Long dest = (Long) origin.valueAt(REDIRECT_DESTINATION);
            if (dest == null || dest == 0) {
                continue;
            }
            String url = url(origin) == null ? "" : url(origin);
            if (!url.regionMatches(true, 0, "http://", 0, 7)) {
                continue;
            }
            if (byVisitId == null) {
                byVisitId = new HashMap<>();
                for (RowMap v : visits) {
                    Long id = (Long) v.valueAt(VISIT_ID);
                    if (id != null) {
                        byVisitId.computeIfAbsent(id, k -> new ArrayList<>()).add(v);
                    }
                }
            }
            String originDomain = domain(url);
            for (RowMap redirect : byVisitId.getOrDefault(dest, List.of())) {
                if (originDomain.equals(domain(url(redirect)))) {
                    continue; // most likely an HTTPS upgrade of the same site
                }
                Number from = (Number) origin.valueAt(TIMESTAMP);
                Number to = (Number) redirect.valueAt(TIMESTAMP);
                if (from == null || to == null) {
                    continue;
                }
                long delta = micros(to) - micros(from);
                LOG.info("Found HTTP redirect to a different domain: \"{}\" -> \"{}\" ({} us)", originDomain,
                        domain(url(redirect)), delta);
                if (delta >= 0 && delta < ONE_SECOND_MICROS) {
                    out.alert(Level.MEDIUM, "Redirect took less than a second! (" + millis(delta) + " milliseconds)",
                            isodate(origin), origin);
                }
            }
        }
    }

    private static String url(RowMap visit) {
        return (String) visit.valueAt(URL);
    }

    private static String isodate(RowMap visit) {
        return (String) visit.valueAt(ISODATE);
    }

    /** Python's {@code micros / 1000} as its float repr: 270 -> "0.27", 1000 -> "1.0". */
    static String millis(long micros) {
        String s = BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    /** Mac time to Unix microseconds, rounded like Python's datetime. */
    static long micros(Number mac) {
        double unix = Times.macToUnix(mac);
        double secs = Math.floor(unix);
        long frac = Math.round((unix - secs) * 1_000_000d);
        return (long) secs * 1_000_000L + frac;
    }

    /**
     * The host part of a URL as MVT's {@code URL.domain} gives it: the network location,
     * lower-cased, without a leading {@code www.}; "" when there is none.
     */
    static String domain(String url) {
        if (url == null) {
            return "";
        }
        int start = url.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int end = url.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = url.indexOf(c, start);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String netloc = url.substring(start, end).toLowerCase(Locale.ROOT);
        return netloc.startsWith("www.") ? netloc.substring(4) : netloc;
    }

    private static Long longOrNull(ResultSet rs, int col) throws SQLException {
        Object o = rs.getObject(col);
        return o instanceof Number n ? Long.valueOf(n.longValue()) : null;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode visit : results) {
            String url = visit.path("url").asText("");
            String isodate = visit.path("isodate").asText("");
            indicators.checkUrl(url).ifPresent(m -> out.alert(Level.CRITICAL, m, isodate, visit));
        }
        return out.build().alerts();
    }
}
