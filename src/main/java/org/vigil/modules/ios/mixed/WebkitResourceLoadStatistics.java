package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
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
import org.vigil.io.PyFormat;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Domains WebKit loaded resources from, per app ({@code webkit_resource_load_statistics}, MVT's
 * {@code WebkitResourceLoadStatistics}).
 *
 * <p><b>Artifact</b>: every WebKit Intelligent Tracking Prevention {@code observations.db}: in a
 * backup, relative path {@value #BACKUP_RELATIVE_PATH} in any domain (each app using a WebView
 * has one); in a filesystem dump
 * {@code private/var/mobile/Containers/Data/Application/*}{@code /Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db}
 * and
 * {@code private/var/mobile/Containers/Data/Application/*}{@code /SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db}.
 * Results come from every file found.
 *
 * <p><b>Records</b>: one per {@code ObservedDomains} row: {@code domain_id, registrable_domain,
 * last_seen} (Unix time as stored), {@code had_user_interaction} (boolean),
 * {@code last_seen_isodate}, {@code domain} (the backup domain of the app, "" in a filesystem
 * dump), {@code path} (the database's relative path); then, where the schema has them,
 * {@code most_recent_user_interaction_time} and {@code most_recent_web_push_interaction_time}, each
 * followed by its {@code _isodate} when the value is not negative (WebKit writes -1 for "never").
 * Columns {@code domainID, registrableDomain, lastSeen, hadUserInteraction} are required.
 *
 * <p><b>Flags</b>: a registrable domain matching a domain indicator (CRITICAL).
 *
 * <p><b>Timeline</b>: {@code visit} at {@code last_seen_isodate}: "Webkit resource loaded from
 * DOMAIN" plus " by app in domain APPDOMAIN" in a backup.
 */
public final class WebkitResourceLoadStatistics implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(WebkitResourceLoadStatistics.class);

    static final String BACKUP_RELATIVE_PATH = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db";
    static final String FS_APP_PATH = "private/var/mobile/Containers/Data/Application/*/"
            + BACKUP_RELATIVE_PATH;
    static final String FS_VIEW_SERVICE_PATH = "private/var/mobile/Containers/Data/Application/*/SystemData/"
            + "com.apple.SafariViewService/Library/WebKit/WebsiteData/observations.db";
    static final List<ArtifactPattern> PATTERNS = List.of(ArtifactPattern.anyDomain(BACKUP_RELATIVE_PATH),
            ArtifactPattern.anyDomain(FS_APP_PATH), ArtifactPattern.anyDomain(FS_VIEW_SERVICE_PATH));
    static final String TABLE = "ObservedDomains";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "webkit_resource_load_statistics", "WebkitResourceLoadStatistics", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of("*/" + BACKUP_RELATIVE_PATH, FS_APP_PATH, FS_VIEW_SERVICE_PATH),
            List.of(),
            "WebKit resource-load statistics of every app: observed domains against indicators");

    /**
     * One observed domain.
     *
     * @param domainId {@code domainID}
     * @param registrableDomain the domain (eTLD+1)
     * @param lastSeen last seen, Unix seconds as stored
     * @param hadUserInteraction whether the user interacted with the site
     * @param lastSeenIsodate last seen, ISO
     * @param domain backup domain of the app, "" in a filesystem dump
     * @param path the database's relative path
     * @param mostRecentUserInteractionTime as stored, null (key absent) when the schema has none
     * @param mostRecentUserInteractionTimeIsodate ISO, null (key absent) when negative or absent
     * @param mostRecentWebPushInteractionTime as stored, null (key absent) when the schema has none
     * @param mostRecentWebPushInteractionTimeIsodate ISO, null (key absent) when negative or absent
     */
    @JsonPropertyOrder({"domain_id", "registrable_domain", "last_seen", "had_user_interaction", "last_seen_isodate",
            "domain", "path", "most_recent_user_interaction_time", "most_recent_user_interaction_time_isodate",
            "most_recent_web_push_interaction_time", "most_recent_web_push_interaction_time_isodate"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Observation(
            @JsonProperty("domain_id") Object domainId,
            @JsonProperty("registrable_domain") String registrableDomain,
            @JsonProperty("last_seen") Object lastSeen,
            @JsonProperty("had_user_interaction") boolean hadUserInteraction,
            @JsonProperty("last_seen_isodate") String lastSeenIsodate,
            @JsonProperty("domain") String domain,
            @JsonProperty("path") String path,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @JsonProperty("most_recent_user_interaction_time") Object mostRecentUserInteractionTime,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @JsonProperty("most_recent_user_interaction_time_isodate") String mostRecentUserInteractionTimeIsodate,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @JsonProperty("most_recent_web_push_interaction_time") Object mostRecentWebPushInteractionTime,
            @JsonInclude(JsonInclude.Include.NON_NULL)
            @JsonProperty("most_recent_web_push_interaction_time_isodate")
            String mostRecentWebPushInteractionTimeIsodate) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> dbs = BackupArtifacts.requireAll(ctx.source(), PATTERNS, "WebKit observations.db");
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        Exception firstFailure = null;
        int readable = 0;
        for (ArtifactRef ref : dbs) {
            LOG.info("Found WebKit ResourceLoadStatistics observations.db file at {}", ref.displayName());
            try {
                long before = out.recordCount();
                read(ctx, ref, out, indicators);
                readable++;
                LOG.info("Extracted a total of {} records from {}", out.recordCount() - before, ref.displayName());
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                // one damaged app database must not hide the others
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (readable == 0 && firstFailure != null) {
            throw firstFailure;
        }
        return out.build();
    }

    private static void read(ModuleContext ctx, ArtifactRef ref, ModuleResult.Builder out, Indicators indicators)
            throws Exception {
        String name = ref.displayName();
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object lastSeen = rs.getObject(3);
                    Object user = rs.getObject(5);
                    Object push = rs.getObject(6);
                    Observation o = new Observation(rs.getObject(1), string(rs.getObject(2)), lastSeen,
                            truthy(rs.getObject(4)), lastSeen instanceof Number n ? Times.fromUnixSeconds(n) : "",
                            ref.domain(), ref.relativePath(), user, isodate(user), push, isodate(push));
                    out.record(o);
                    String msg = "Webkit resource loaded from " + Support.py(o.registrableDomain());
                    if (!o.domain().isEmpty()) {
                        msg += " by app in domain " + o.domain();
                    }
                    out.timeline(o.lastSeenIsodate(), "visit", msg);
                    if (indicators != null && o.registrableDomain() != null) {
                        indicators.checkUrl(o.registrableDomain())
                                .ifPresent(m -> out.alert(Level.CRITICAL, m, "", o));
                    }
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
    }

    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Set<String> cols = Schema.requireColumns(db, name, TABLE, "domainID", "registrableDomain", "lastSeen",
                "hadUserInteraction");
        return "SELECT domainID, registrableDomain, lastSeen, hadUserInteraction, "
                + Schema.col(cols, TABLE, "mostRecentUserInteractionTime") + ", "
                + Schema.col(cols, TABLE, "mostRecentWebPushInteractionTime") + " FROM " + TABLE;
    }

    /** ISO time of a non-negative Unix time; null (no key) otherwise. */
    private static String isodate(Object value) {
        return value instanceof Number n && n.doubleValue() >= 0 ? Times.fromUnixSeconds(n) : null;
    }

    private static boolean truthy(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof byte[] b) {
            return b.length > 0;
        }
        return value != null;
    }

    private static String string(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        return value instanceof byte[] b ? PyFormat.bytes(b) : Support.py(value);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode observation : results) {
            JsonNode domain = observation.get("registrable_domain");
            if (domain != null && domain.isTextual()) {
                indicators.checkUrl(domain.asText()).ifPresent(m -> out.alert(Level.CRITICAL, m, "", observation));
            }
        }
        return out.build().alerts();
    }
}
