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
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Google Chrome favicon cache ({@code chrome_favicon}, MVT's {@code ChromeFavicon}).
 *
 * <p><b>Artifact</b>: Chrome's {@code Favicons} SQLite database. In a backup, domain
 * {@value #DOMAIN}, relative path {@value #RELATIVE_PATH} (fileID {@value #BACKUP_ID}); in a
 * filesystem dump, {@value #FS_PATH}. A favicon is fetched when a page is shown, so the cache
 * keeps traces of visited pages after the history was cleared.
 *
 * <p><b>Records</b>: one per icon mapping ({@code icon_mapping JOIN favicon_bitmaps JOIN
 * favicons}): {@code url} (the page), {@code icon_url}, {@code timestamp} (the bitmap's
 * {@code last_updated}, or {@code last_requested} when that is 0; Chrome time) and
 * {@code isodate}; sorted by {@code isodate}.
 *
 * <p><b>Flags</b>: the page URL, else the icon URL, matching a URL or domain indicator
 * (CRITICAL), as in MVT. No heuristic.
 *
 * <p><b>Timeline</b>: {@code new_favicon} at {@code isodate}.
 */
public final class ChromeFavicon implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(ChromeFavicon.class);

    /** Backup fileID: SHA-1 of {@code AppDomain-com.google.chrome.ios-Library/.../Default/Favicons}. */
    public static final String BACKUP_ID = "55680ab883d0fdcffd94f959b1632e5fbbb18c5b";
    static final String DOMAIN = "AppDomain-com.google.chrome.ios";
    static final String RELATIVE_PATH = "Library/Application Support/Google/Chrome/Default/Favicons";
    static final String FS_PATH = "private/var/mobile/Containers/Data/Application/*/Library/Application Support/"
            + "Google/Chrome/Default/Favicons";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "chrome_favicon", "ChromeFavicon", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Chrome favicon cache: page and icon URLs against indicators");

    /**
     * One cached favicon.
     *
     * @param url the page the icon was shown for
     * @param iconUrl the icon's URL
     * @param timestamp last updated (or, when 0, last requested), Chrome time
     * @param isodate the same, ISO
     */
    @JsonPropertyOrder({"url", "icon_url", "timestamp", "isodate"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Favicon(
            @JsonProperty("url") String url,
            @JsonProperty("icon_url") String iconUrl,
            @JsonProperty("timestamp") long timestamp,
            @JsonProperty("isodate") String isodate) {}

    /** Smallest Chrome time with a date (0001-01-01). */
    static final long MIN_SHOWN = (Times.WEBKIT_EPOCH_OFFSET - 62_135_596_800L) * 1_000_000L;
    /** First Chrome time after 9999-12-31 23:59:59.999999. */
    static final long MAX_SHOWN = (Times.WEBKIT_EPOCH_OFFSET + 253_402_300_800L) * 1_000_000L;

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "Chrome Favicons");
        String name = ref.displayName();
        LOG.info("Found Chrome favicon cache database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ts = rs.getLong(3);
                    Favicon f = new Favicon(Support.string(rs.getObject(1)), Support.string(rs.getObject(2)),
                            ts, Times.fromWebkit(ts));
                    out.record(f);
                    out.timeline(f.isodate(), "new_favicon",
                            Support.text(f.iconUrl()) + " from " + Support.text(f.url()));
                    if (ctx.hasIndicators()) {
                        check(ctx.indicators(), f.url(), f.iconUrl())
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

    /**
     * MVT's query over the columns present, computing the timestamp in SQL and ordering by it so
     * that rows stream in MVT's order (by isodate; unknown times first; ties in mapping order).
     */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Set<String> mapping = Schema.requireColumns(db, name, "icon_mapping", "page_url", "icon_id");
        Set<String> bitmaps = Schema.requireColumns(db, name, "favicon_bitmaps", "icon_id", "last_updated");
        Schema.requireColumns(db, name, "favicons", "id", "url");
        String requested = Schema.col(bitmaps, "favicon_bitmaps", "last_requested");
        String updated = "COALESCE(CAST(favicon_bitmaps.last_updated AS INTEGER), 0)";
        String ts = "(CASE WHEN " + updated + " != 0 THEN " + updated
                + " ELSE COALESCE(CAST(" + requested + " AS INTEGER), 0) END)";
        String order = mapping.contains("id") ? "icon_mapping.id" : "icon_mapping.rowid";
        // times Times.fromWebkit cannot show ("" in isodate) sort first, like "" in MVT's sort
        String shown = "(ts != 0 AND ts >= " + MIN_SHOWN + " AND ts < " + MAX_SHOWN + ")";
        return "SELECT icon_mapping.page_url, favicons.url, " + ts + " AS ts FROM icon_mapping"
                + " JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id"
                + " JOIN favicons ON icon_mapping.icon_id = favicons.id"
                + " ORDER BY " + shown + ", ts, " + order;
    }

    /** The page URL, else the icon URL, against indicators. */
    static Optional<IndicatorMatch> check(Indicators indicators, String url, String iconUrl) {
        Optional<IndicatorMatch> m = url == null ? Optional.empty() : indicators.checkUrl(url);
        if (m.isEmpty() && iconUrl != null) {
            m = indicators.checkUrl(iconUrl);
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
            JsonNode icon = r.get("icon_url");
            check(indicators, url != null && url.isTextual() ? url.asText() : null,
                    icon != null && icon.isTextual() ? icon.asText() : null)
                    .ifPresent(m -> out.alert(Level.CRITICAL, m, r.path("isodate").asText(""), r));
        }
        return out.build().alerts();
    }
}
