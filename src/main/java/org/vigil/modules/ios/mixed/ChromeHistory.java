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
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Google Chrome browsing history ({@code chrome_history}, MVT's {@code ChromeHistory}).
 *
 * <p><b>Artifact</b>: Chrome's {@code History} SQLite database. In a backup, domain
 * {@value #DOMAIN}, relative path {@value #RELATIVE_PATH} (fileID {@value #BACKUP_ID}); in a
 * filesystem dump, {@value #FS_PATH}.
 *
 * <p><b>Records</b>: one per visit ({@code urls JOIN visits ON visits.url = urls.id}, by visit
 * time): {@code id} (url id), {@code url}, {@code visit_id}, {@code timestamp} (Chrome time:
 * microseconds since 1601-01-01, as stored), {@code isodate}, {@code redirect_source}
 * ({@code visits.from_visit}; null on schemas without it).
 *
 * <p><b>Flags</b>: a visited URL matching a URL or domain indicator (CRITICAL), as in MVT. No
 * heuristic.
 *
 * <p><b>Timeline</b>: {@code visit} at each visit.
 */
public final class ChromeHistory implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(ChromeHistory.class);

    /** Backup fileID: SHA-1 of {@code AppDomain-com.google.chrome.ios-Library/.../Default/History}. */
    public static final String BACKUP_ID = "faf971ce92c3ac508c018dce1bef2a8b8e9838f1";
    static final String DOMAIN = "AppDomain-com.google.chrome.ios";
    static final String RELATIVE_PATH = "Library/Application Support/Google/Chrome/Default/History";
    static final String FS_PATH = "private/var/mobile/Containers/Data/Application/*/Library/Application Support/"
            + "Google/Chrome/Default/History";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "chrome_history", "ChromeHistory", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Chrome visits: URLs against indicators");

    /**
     * One Chrome visit.
     *
     * @param id {@code urls.id}
     * @param url visited URL
     * @param visitId {@code visits.id}
     * @param timestamp {@code visits.visit_time} (Chrome time) as stored
     * @param isodate visit time, ISO
     * @param redirectSource {@code visits.from_visit}
     */
    @JsonPropertyOrder({"id", "url", "visit_id", "timestamp", "isodate", "redirect_source"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Visit(
            @JsonProperty("id") Object id,
            @JsonProperty("url") String url,
            @JsonProperty("visit_id") Object visitId,
            @JsonProperty("timestamp") Object timestamp,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("redirect_source") Object redirectSource) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "Chrome History");
        String name = ref.displayName();
        LOG.info("Found Chrome history database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object time = rs.getObject(4);
                    Visit v = new Visit(rs.getObject(1), Support.string(rs.getObject(2)), rs.getObject(3), time,
                            time instanceof Number n ? Times.fromWebkit(n) : "", rs.getObject(5));
                    out.record(v);
                    out.timeline(v.isodate(), "visit", Support.text(v.id()) + " - " + Support.text(v.url())
                            + " (visit ID: " + Support.text(v.visitId()) + ", redirect source: "
                            + Support.text(v.redirectSource()) + ")");
                    if (ctx.hasIndicators() && v.url() != null) {
                        ctx.indicators().checkUrl(v.url())
                                .ifPresent(m -> out.alert(Level.CRITICAL, m, v.isodate(), v));
                    }
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} history items", out.recordCount());
        return out.build();
    }

    /** MVT's query over the columns present. */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Schema.requireColumns(db, name, "urls", "id", "url");
        Set<String> visits = Schema.requireColumns(db, name, "visits", "id", "url", "visit_time");
        return "SELECT urls.id, urls.url, visits.id, visits.visit_time, "
                + Schema.col(visits, "visits", "from_visit")
                + " FROM urls JOIN visits ON visits.url = urls.id ORDER BY visits.visit_time";
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            JsonNode url = r.get("url");
            if (url != null && url.isTextual()) {
                indicators.checkUrl(url.asText())
                        .ifPresent(m -> out.alert(Level.CRITICAL, m, r.path("isodate").asText(""), r));
            }
        }
        return out.build().alerts();
    }
}
