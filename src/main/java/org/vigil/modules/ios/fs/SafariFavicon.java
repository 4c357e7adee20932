package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Safari's favicon cache ({@code safari_favicon}, MVT's {@code SafariFavicon}).
 *
 * <p><b>Artifact</b>: {@code Favicons.db} at {@value #PATH} and in every app container
 * ({@value #CONTAINER_PATH}), filesystem dumps only.
 *
 * <p><b>Records</b>: the cached icons, {@code page_url JOIN icon_info ON uuid} (type
 * {@code valid}), then the {@code rejected_resources} rows (type {@code rejected}):
 * {@code {url, icon_url, timestamp (Mac absolute time), isodate, type, safari_favicon_db_path}};
 * sorted by {@code isodate}. {@code safari_favicon_db_path} is the database's path relative to
 * the dump root (MVT wrote the absolute path on the analyst's machine). Tables
 * {@code page_url(uuid, url)} and {@code icon_info(uuid, url)} are required; {@code timestamp}
 * columns and the {@code rejected_resources} table are optional.
 *
 * <p><b>Flags</b>: with indicators, the page URL, else the icon URL, matching a URL or domain
 * indicator: CRITICAL (the indicator's message; the event time is the record's date, where MVT
 * left it empty).
 *
 * <p><b>Timeline</b>: {@code safari_favicon} "Safari favicon from U with icon URL I (type)".
 */
public final class SafariFavicon implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SafariFavicon.class);

    static final String PATH = "private/var/mobile/Library/Image Cache/Favicons/Favicons.db";
    static final String CONTAINER_PATH =
            "private/var/mobile/Containers/Data/Application/*/Library/Image Cache/Favicons/Favicons.db";

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "safari_favicon", "SafariFavicon", Platform.IOS, Set.of(SourceKind.IOS_FS),
            List.of(PATH, CONTAINER_PATH), List.of(),
            "Safari favicon cache: page and icon URLs against URL and domain indicators");

    /**
     * One favicon.
     *
     * @param url the page URL
     * @param iconUrl the icon's URL
     * @param timestamp Mac absolute time as stored
     * @param isodate {@code timestamp} in ISO ("" when absent)
     * @param type {@code valid} or {@code rejected}
     * @param safariFaviconDbPath the database, relative to the dump root
     */
    @JsonPropertyOrder({"url", "icon_url", "timestamp", "isodate", "type", "safari_favicon_db_path"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Favicon(
            @JsonProperty("url") String url,
            @JsonProperty("icon_url") String iconUrl,
            @JsonProperty("timestamp") Object timestamp,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("type") String type,
            @JsonProperty("safari_favicon_db_path") String safariFaviconDbPath) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> dbs = FsArtifacts.requireFiles(ctx.source(), List.of(PATH, CONTAINER_PATH), "Favicons.db");
        List<Favicon> records = new ArrayList<>();
        FsArtifacts.Failures failures = new FsArtifacts.Failures(DESCRIPTOR.slug());
        for (ArtifactRef ref : dbs) {
            LOG.info("Found Safari favicon cache database at path: {}", ref.relativePath());
            try {
                records.addAll(read(ctx.source(), ref));
                failures.ok();
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                failures.failed(e);
            }
        }
        failures.throwIfNothingRead();
        records.sort(Comparator.comparing(Favicon::isodate));

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        records.forEach(out::record);
        if (ctx.hasIndicators()) {
            for (Favicon f : records) {
                check(ctx.indicators(), f.url(), f.iconUrl())
                        .ifPresent(m -> out.alert(Level.CRITICAL, m, f.isodate(), f));
            }
        }
        for (Favicon f : records) {
            out.timeline(f.isodate(), "safari_favicon", "Safari favicon from " + f.url() + " with icon URL "
                    + f.iconUrl() + " (" + f.type() + ")");
        }
        LOG.info("Extracted a total of {} favicon records", records.size());
        return out.build();
    }

    private static Optional<IndicatorMatch> check(Indicators indicators, String url, String iconUrl) {
        Optional<IndicatorMatch> m = indicators.checkUrl(url);
        return m.isPresent() ? m : indicators.checkUrl(iconUrl);
    }

    private static List<Favicon> read(AcquisitionSource source, ArtifactRef ref) throws Exception {
        String name = ref.relativePath();
        List<Favicon> out = new ArrayList<>();
        try (SqliteReader db = SqliteReader.open(source.localFile(ref), name)) {
            FsArtifacts.requireColumns(db, name, "page_url", "uuid", "url");
            Set<String> icon = FsArtifacts.requireColumns(db, name, "icon_info", "uuid", "url");
            String ts = FsArtifacts.col(icon, "icon_info", "timestamp");
            String valid = "SELECT page_url.url, icon_info.url, " + ts
                    + " FROM page_url JOIN icon_info ON page_url.uuid = icon_info.uuid ORDER BY " + ts;
            query(db, name, valid, "valid", out);
            if (db.hasTable("rejected_resources")) {
                Set<String> rej = FsArtifacts.requireColumns(db, name, "rejected_resources", "page_url", "icon_url");
                String rts = FsArtifacts.col(rej, "rejected_resources", "timestamp");
                query(db, name, "SELECT page_url, icon_url, " + rts + " FROM rejected_resources ORDER BY " + rts,
                        "rejected", out);
            } else {
                LOG.debug("{}: no rejected_resources table", name);
            }
        }
        return out;
    }

    private static void query(SqliteReader db, String name, String sql, String type, List<Favicon> out)
            throws Exception {
        try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Object ts = rs.getObject(3);
                String iso = ts instanceof Number n ? Times.fromMac(n) : "";
                out.add(new Favicon(rs.getString(1), rs.getString(2), ts, iso, type, name));
            }
        } catch (SQLException e) {
            throw FsArtifacts.sqlFailure(e, name);
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            String url = r.path("url").isTextual() ? r.path("url").asText() : null;
            String icon = r.path("icon_url").isTextual() ? r.path("icon_url").asText() : null;
            check(indicators, url, icon).ifPresent(m -> out.alert(Level.CRITICAL, m, r.path("isodate").asText(""), r));
        }
        return out.build().alerts();
    }
}
