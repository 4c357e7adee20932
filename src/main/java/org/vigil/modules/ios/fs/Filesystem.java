package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Filesystem: every folder, file and symbolic link of a full filesystem dump, with its
 * modification time, as MVT's {@code Filesystem} module lists them (MVT walks the extracted
 * folder; Vigil walks the source's entry index, so an archive is listed without extracting it).
 *
 * <p>Artifact: the whole dump ({@link org.vigil.source.AcquisitionSource#forEachEntry}), in path
 * order. One record per entry: {@code path} (relative to the dump root, no leading slash) and
 * {@code modified} (the entry's mtime in UTC, ISO; "" when the archive does not give it). Records
 * and timeline rows are streamed: a dump of 10^6 entries is never held in memory.
 *
 * <p>Flags (with indicators): the path matching a file-name or file-path indicator (HIGH). Unlike
 * MVT, which checks the relative path so that absolute file-path indicators
 * ({@code /private/var/db/...}) never match, the check is on the absolute path {@code "/" + path}
 * (see docs/differences-from-mvt.md). Unless {@code --fast}: a process indicator equal to a
 * component of the path (HIGH). Heuristic source: MVT (Amnesty Security Lab's Pegasus
 * methodology, 2021: implant files and folders named after the processes).
 *
 * <p>Timeline: {@code entry_modified} at the modification time, the path as data.
 */
public final class Filesystem implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Filesystem.class);

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("filesystem", "Filesystem", Platform.IOS,
            Set.of(SourceKind.IOS_FS), List.of("every folder, file and link of the dump"), List.of(),
            "Every path of the dump with its modification time; paths against file-path, file-name and process"
                    + " indicators.");

    /**
     * One entry of the dump, as MVT writes it to {@code filesystem.json}.
     *
     * @param path path relative to the dump root, without a leading slash
     * @param modified modification time (UTC, ISO), or "" when unknown
     */
    @JsonPropertyOrder({"path", "modified"})
    public record Entry(@JsonProperty("path") String path, @JsonProperty("modified") String modified) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        boolean check = ctx.hasIndicators();
        boolean fast = ctx.options().fast();
        Indicators indicators = ctx.indicators();
        ctx.source().forEachEntry((ArtifactRef ref) -> {
            String path = ref.relativePath();
            if (path.isEmpty()) {
                return;
            }
            Long mtime = ref.meta().modified();
            Entry e = new Entry(path, mtime == null ? "" : Times.fromUnixSeconds(mtime));
            out.record(e);
            if (!e.modified().isEmpty()) {
                out.timeline(e.modified(), "entry_modified", path);
            }
            if (check) {
                check(e, indicators, fast, out);
            }
        });
        LOG.info("Listed {} entries of the filesystem dump", out.recordCount());
        return out.build();
    }

    /** The indicator checks of one entry (shared by run and recheck). */
    static void check(Entry e, Indicators indicators, boolean fast, ModuleResult.Builder out) {
        Optional<IndicatorMatch> path = indicators.checkFilePath(e.path().startsWith("/") ? e.path() : "/" + e.path());
        if (path.isPresent()) {
            out.alert(Level.HIGH, path.get(), e.modified(), e);
            return;
        }
        if (fast) {
            return;
        }
        indicators.checkFilePathProcess(e.path()).ifPresent(m -> out.alert(Level.HIGH, m, e.modified(), e));
    }

    /** Re-checks {@code filesystem.json} records (MVT's or Vigil's): the indicator checks only. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode r : results) {
                String path = r.path("path").asText("");
                if (!path.isEmpty()) {
                    check(new Entry(path, r.path("modified").asText("")), indicators, false, out);
                }
            }
        }
        return out.build().alerts();
    }
}
