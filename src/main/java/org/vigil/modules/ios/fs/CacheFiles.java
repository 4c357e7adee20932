package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
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
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * URLs cached by apps' HTTP stacks ({@code cache_files}, MVT's {@code CacheFiles}).
 *
 * <p><b>Artifact</b>: every file named {@value #FILE_NAME} anywhere in a filesystem dump (the
 * {@code NSURLCache} / {@code CFNetwork} cache of each app and daemon), table
 * {@code cfurl_cache_response}. Filesystem dumps only.
 *
 * <p><b>Records</b>: a dictionary keyed by the database's path relative to the dump root, each a
 * list of {@code {entry_id, version, hash_value, storage_policy, url, isodate}} from the columns
 * {@code entry_ID, version, hash_value, storage_policy, request_key, time_stamp} (the cache's own
 * text time, kept as it is, as MVT does). MVT reads the first six columns by position
 * ({@code SELECT *}); Vigil reads them by name, so a table whose columns are in another order
 * still gives the right fields. {@code request_key} is required; the others read as null when
 * absent.
 *
 * <p><b>Flags</b>: with indicators, a URL matching a URL or domain indicator: CRITICAL (the
 * indicator's message), the event being the record plus {@code cache_file} (the database's path).
 *
 * <p><b>Timeline</b>: {@code cache_response} "&lt;file&gt; recorded visit to URL &lt;url&gt;".
 *
 * <p>A database that cannot be read (corrupt, not a {@code CFNetwork} cache) is logged and the
 * others are still read; only when none can be read is the module unreadable (MVT skipped such
 * files silently).
 */
public final class CacheFiles implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(CacheFiles.class);

    /** The file name looked for everywhere. */
    public static final String FILE_NAME = "Cache.db";
    static final String TABLE = "cfurl_cache_response";

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "cache_files", "CacheFiles", Platform.IOS, Set.of(SourceKind.IOS_FS),
            List.of("**/" + FILE_NAME + " (table " + TABLE + ")"), List.of(),
            "URLs in the HTTP caches of apps (every Cache.db) against URL and domain indicators");

    /**
     * One cached response.
     *
     * @param entryId {@code entry_ID}
     * @param version {@code version}
     * @param hashValue {@code hash_value}
     * @param storagePolicy {@code storage_policy}
     * @param url {@code request_key}: the requested URL
     * @param isodate {@code time_stamp} as the cache stores it (UTC text), or null
     */
    @JsonPropertyOrder({"entry_id", "version", "hash_value", "storage_policy", "url", "isodate"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(
            @JsonProperty("entry_id") Object entryId,
            @JsonProperty("version") Object version,
            @JsonProperty("hash_value") Object hashValue,
            @JsonProperty("storage_policy") Object storagePolicy,
            @JsonProperty("url") String url,
            @JsonProperty("isodate") String isodate) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> dbs = find(ctx.source());
        Map<String, List<Entry>> results = new LinkedHashMap<>();
        FsArtifacts.Failures failures = new FsArtifacts.Failures(DESCRIPTOR.slug());
        for (ArtifactRef ref : dbs) {
            LOG.info("Processing cache file at path: {}", ref.relativePath());
            try {
                results.put(ref.relativePath(), read(ctx.source(), ref));
                failures.ok();
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                failures.failed(e);
            }
        }
        failures.throwIfNothingRead();

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        out.objectResults(results);
        if (ctx.hasIndicators()) {
            for (Map.Entry<String, List<Entry>> e : results.entrySet()) {
                for (Entry entry : e.getValue()) {
                    ctx.indicators().checkUrl(entry.url()).ifPresent(m ->
                            out.alert(Level.CRITICAL, m, entry.isodate(), event(entry, e.getKey())));
                }
            }
        }
        for (Map.Entry<String, List<Entry>> e : results.entrySet()) {
            for (Entry entry : e.getValue()) {
                out.timeline(entry.isodate(), "cache_response",
                        e.getKey() + " recorded visit to URL " + entry.url());
            }
        }
        LOG.info("Extracted {} cached responses from {} cache files",
                results.values().stream().mapToInt(List::size).sum(), results.size());
        return out.build();
    }

    /** Every regular file named Cache.db, sorted by path. */
    static List<ArtifactRef> find(AcquisitionSource source) throws Exception {
        List<ArtifactRef> dbs = new ArrayList<>();
        for (ArtifactRef ref : source.find(ArtifactPattern.anyDomain("*" + FILE_NAME))) {
            if (FsArtifacts.basename(ref.relativePath()).equals(FILE_NAME)
                    && FsArtifacts.isReadableFile(source, ref)) {
                dbs.add(ref);
            }
        }
        if (dbs.isEmpty()) {
            throw new ArtifactNotFoundException("no " + FILE_NAME + " file in the dump");
        }
        return dbs;
    }

    private static List<Entry> read(AcquisitionSource source, ArtifactRef ref) throws Exception {
        String name = ref.relativePath();
        List<Entry> entries = new ArrayList<>();
        try (SqliteReader db = SqliteReader.open(source.localFile(ref), name)) {
            Set<String> cols = FsArtifacts.requireColumns(db, name, TABLE, "request_key");
            String sql = "SELECT " + FsArtifacts.col(cols, "r", "entry_ID") + ", " + FsArtifacts.col(cols, "r", "version")
                    + ", " + FsArtifacts.col(cols, "r", "hash_value") + ", "
                    + FsArtifacts.col(cols, "r", "storage_policy") + ", r.request_key, "
                    + FsArtifacts.col(cols, "r", "time_stamp") + " FROM " + TABLE + " AS r";
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getObject(1), rs.getObject(2), rs.getObject(3), rs.getObject(4),
                            text(rs, 5), text(rs, 6)));
                }
            } catch (SQLException e) {
                throw FsArtifacts.sqlFailure(e, name);
            }
        }
        return entries;
    }

    private static String text(ResultSet rs, int col) throws SQLException {
        Object o = rs.getObject(col);
        if (o == null) {
            return null;
        }
        if (o instanceof byte[] b) {
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        }
        return o instanceof String s ? s : String.valueOf(o);
    }

    /** The alert's event: the record plus the database it comes from (MVT's {@code cache_file}). */
    static Map<String, Object> event(Entry e, String cacheFile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entry_id", e.entryId());
        m.put("version", e.version());
        m.put("hash_value", e.hashValue());
        m.put("storage_policy", e.storagePolicy());
        m.put("url", e.url());
        m.put("isodate", e.isodate());
        m.put("cache_file", cacheFile);
        return m;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isObject() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> file = it.next();
            if (!file.getValue().isArray()) {
                continue;
            }
            for (JsonNode entry : file.getValue()) {
                JsonNode url = entry.get("url");
                if (url == null || !url.isTextual() || !entry.isObject()) {
                    continue;
                }
                indicators.checkUrl(url.asText()).ifPresent(m -> {
                    ObjectNode event = ((ObjectNode) entry).deepCopy();
                    event.remove("matched_indicator");
                    event.put("cache_file", file.getKey());
                    out.alert(Level.CRITICAL, m, entry.path("isodate").asText(""), event);
                });
            }
        }
        return out.build().alerts();
    }
}
