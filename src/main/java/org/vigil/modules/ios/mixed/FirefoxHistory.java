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
 * Firefox browsing history ({@code firefox_history}, MVT's {@code FirefoxHistory}).
 *
 * <p><b>Artifact</b>: Firefox for iOS's {@code browser.db}. In a backup, domain {@value #DOMAIN},
 * relative path {@value #RELATIVE_PATH} (fileID {@value #BACKUP_ID}); in a filesystem dump,
 * {@value #FS_PATH} (MVT's path).
 *
 * <p><b>Records</b>: one per visit ({@code visits} joined with {@code history} on
 * {@code siteID}): {@code id} (visit id), {@code isodate} ({@code visits.date}, microseconds,
 * whole seconds as MVT computes them), {@code url}, {@code title}, {@code i1000000s_local}
 * ({@code visits.is_local}; the key keeps MVT's typo so that its JSON is the same) and
 * {@code type}. Optional columns missing from older schemas read as null.
 *
 * <p><b>Flags</b>: a visited URL matching a URL or domain indicator (CRITICAL), as in MVT. No
 * heuristic.
 *
 * <p><b>Timeline</b>: {@code firefox_history} at each visit.
 */
public final class FirefoxHistory implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(FirefoxHistory.class);

    /** Backup fileID: SHA-1 of {@code AppDomainGroup-group.org.mozilla.ios.Firefox-profile.profile/browser.db}. */
    public static final String BACKUP_ID = "2e57c396a35b0d1bcbc624725002d98bd61d142b";
    static final String DOMAIN = "AppDomainGroup-group.org.mozilla.ios.Firefox";
    static final String RELATIVE_PATH = "profile.profile/browser.db";
    static final String FS_PATH = "private/var/mobile/profile.profile/browser.db";

    /** The database's locations, shared with {@link FirefoxFavicon}. */
    static final List<ArtifactPattern> PATTERNS = List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH),
            ArtifactPattern.anyDomain(FS_PATH));

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "firefox_history", "FirefoxHistory", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Firefox visits: URLs against indicators");

    /**
     * One Firefox visit.
     *
     * @param id {@code visits.id}
     * @param isodate visit time, ISO (whole seconds)
     * @param url visited URL
     * @param title page title
     * @param isLocal {@code visits.is_local} (JSON key {@code i1000000s_local}, as MVT writes it)
     * @param type {@code visits.type}
     */
    @JsonPropertyOrder({"id", "isodate", "url", "title", "i1000000s_local", "type"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Visit(
            @JsonProperty("id") Object id,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("url") String url,
            @JsonProperty("title") Object title,
            @JsonProperty("i1000000s_local") Object isLocal,
            @JsonProperty("type") Object type) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID), PATTERNS, "Firefox browser.db");
        String name = ref.displayName();
        LOG.info("Found Firefox history database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object seconds = rs.getObject(2);
                    Visit v = new Visit(rs.getObject(1), seconds instanceof Number n ? Times.fromUnixSeconds(n) : "",
                            Support.string(rs.getObject(3)), rs.getObject(4), rs.getObject(5), rs.getObject(6));
                    out.record(v);
                    out.timeline(v.isodate(), "firefox_history", "Firefox visit with ID " + Support.text(v.id())
                            + " to URL: " + Support.text(v.url()));
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

    /**
     * MVT's query over the columns present. {@code date / 1000000} is computed by SQLite, as in
     * MVT (integer division for integer dates: whole seconds).
     */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Set<String> visits = Schema.requireColumns(db, name, "visits", "id", "siteID", "date");
        Set<String> history = Schema.requireColumns(db, name, "history", "id", "url");
        return "SELECT visits.id, visits.date/1000000, history.url, "
                + Schema.col(history, "history", "title") + ", "
                + Schema.col(visits, "visits", "is_local") + ", "
                + Schema.col(visits, "visits", "type")
                + " FROM visits, history WHERE visits.siteID = history.id";
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
