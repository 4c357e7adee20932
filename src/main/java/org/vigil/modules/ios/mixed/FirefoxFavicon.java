package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
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
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Firefox favicons ({@code firefox_favicon}, MVT's {@code FirefoxFavicon}).
 *
 * <p><b>Artifact</b>: Firefox for iOS's {@code browser.db}, the database
 * {@link FirefoxHistory} reads: in a backup domain {@value FirefoxHistory#DOMAIN}, relative path
 * {@value FirefoxHistory#RELATIVE_PATH} (fileID {@value FirefoxHistory#BACKUP_ID}); in a
 * filesystem dump {@value FirefoxHistory#FS_PATH}.
 *
 * <p><b>Records</b>: one per favicon and site ({@code favicons JOIN favicon_sites JOIN
 * history}): {@code id, url} (the icon), {@code width, height, type}, {@code isodate}
 * ({@code favicons.date}, Unix seconds), {@code history_id, history_url} (the page). Recent
 * Firefox versions dropped the favicon tables: the module then reports the schema as unsupported.
 *
 * <p><b>Flags</b>: the icon URL, else the page URL, matching a URL or domain indicator
 * (CRITICAL), as in MVT. No heuristic.
 *
 * <p><b>Timeline</b>: {@code firefox_history} (MVT's event name) at {@code isodate}.
 */
public final class FirefoxFavicon implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(FirefoxFavicon.class);

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "firefox_favicon", "FirefoxFavicon", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(FirefoxHistory.DOMAIN + "/" + FirefoxHistory.RELATIVE_PATH, FirefoxHistory.FS_PATH),
            List.of(),
            "Firefox favicons: icon and page URLs against indicators");

    /**
     * One Firefox favicon seen on a page.
     *
     * @param id {@code favicons.id}
     * @param url the icon's URL
     * @param width icon width
     * @param height icon height
     * @param type icon type
     * @param isodate {@code favicons.date}, ISO
     * @param historyId {@code history.id} of the page
     * @param historyUrl the page's URL
     */
    @JsonPropertyOrder({"id", "url", "width", "height", "type", "isodate", "history_id", "history_url"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Favicon(
            @JsonProperty("id") Object id,
            @JsonProperty("url") String url,
            @JsonProperty("width") Object width,
            @JsonProperty("height") Object height,
            @JsonProperty("type") Object type,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("history_id") Object historyId,
            @JsonProperty("history_url") String historyUrl) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(FirefoxHistory.BACKUP_ID),
                FirefoxHistory.PATTERNS, "Firefox browser.db");
        String name = ref.displayName();
        LOG.info("Found Firefox favicon database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object date = rs.getObject(6);
                    Favicon f = new Favicon(rs.getObject(1), Support.string(rs.getObject(2)), rs.getObject(3),
                            rs.getObject(4), rs.getObject(5), date instanceof Number n ? Times.fromUnixSeconds(n) : "",
                            rs.getObject(7), Support.string(rs.getObject(8)));
                    out.record(f);
                    out.timeline(f.isodate(), "firefox_history", "Firefox favicon " + Support.text(f.url())
                            + " when visiting " + Support.text(f.historyUrl()));
                    if (ctx.hasIndicators()) {
                        check(ctx.indicators(), f.url(), f.historyUrl())
                                .ifPresent(m -> out.alert(Level.CRITICAL, m, f.isodate(), f));
                    }
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} favicon records", out.recordCount());
        return out.build();
    }

    /** MVT's query over the columns present. */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Set<String> favicons = Schema.requireColumns(db, name, "favicons", "id", "url");
        Schema.requireColumns(db, name, "favicon_sites", "faviconID", "siteID");
        Schema.requireColumns(db, name, "history", "id", "url");
        return "SELECT favicons.id, favicons.url, " + Schema.col(favicons, "favicons", "width") + ", "
                + Schema.col(favicons, "favicons", "height") + ", "
                + Schema.col(favicons, "favicons", "type") + ", "
                + Schema.col(favicons, "favicons", "date") + ", history.id, history.url"
                + " FROM favicons INNER JOIN favicon_sites ON favicon_sites.faviconID = favicons.id"
                + " INNER JOIN history ON favicon_sites.siteID = history.id";
    }

    /** The icon URL, else the page URL, against indicators. */
    static Optional<IndicatorMatch> check(Indicators indicators, String url, String historyUrl) {
        Optional<IndicatorMatch> m = url == null ? Optional.empty() : indicators.checkUrl(url);
        if (m.isEmpty() && historyUrl != null) {
            m = indicators.checkUrl(historyUrl);
        }
        return m;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            JsonNode url = r.get("url");
            JsonNode page = r.get("history_url");
            check(indicators, url != null && url.isTextual() ? url.asText() : null,
                    page != null && page.isTextual() ? page.asText() : null)
                    .ifPresent(m -> out.alert(Level.CRITICAL, m, r.path("isodate").asText(""), r));
        }
        return out.build().alerts();
    }
}
