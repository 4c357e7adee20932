package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;
import org.vigil.source.android.AndroidQfSource;

/**
 * Modification times of the log files androidqf copied ({@code aqf_log_timestamps}, MVT's
 * {@code AQFLogTimestamps}).
 *
 * <p><b>Artifact</b>: every {@code *}{@code /logs/*}. Records {@code {path, modified_time}}. The
 * time is the device-local wall clock ({@link AndroidQfSource#modifiedLocal}): in a folder, the
 * file's mtime in the device's time zone (MVT uses the analyst machine's zone); in a zip, the
 * entry's UTC extended timestamp in the device's zone when recorded, else its DOS time as it is
 * (as MVT).
 *
 * <p><b>Flags</b>: none. <b>Timeline</b>: one row per file, event {@code M---}, data the path.
 */
public final class AQFLogTimestamps implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(AQFLogTimestamps.class);
    static final String PATTERN = "*/logs/*";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("aqf_log_timestamps", "AQFLogTimestamps",
            Platform.ANDROID, Aqf.KINDS, List.of(PATTERN), List.of(),
            "Timeline of the modification times of the collected log files");

    /** One log file. */
    record LogFile(@JsonProperty("path") String path, @JsonProperty("modified_time") String modifiedTime) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> logs = Aqf.all(ctx.source(), PATTERN);
        if (logs.isEmpty()) {
            throw new ArtifactNotFoundException("no logs/ folder in this androidqf acquisition");
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (ArtifactRef ref : logs) {
            String time = modified(ctx, ref).map(Times::format).orElse("");
            LogFile f = new LogFile(ref.relativePath(), time);
            out.record(f);
            if (!time.isEmpty()) {
                out.timeline(time, "M---", f.path());
            }
        }
        LOG.info("Extracted a total of {} filesystem timestamps from AndroidQF logs directory.", out.recordCount());
        return out.build();
    }

    private static Optional<LocalDateTime> modified(ModuleContext ctx, ArtifactRef ref) {
        if (ctx.source() instanceof AndroidQfSource qf) {
            return qf.modifiedLocal(ref);
        }
        Long m = ref.meta().modified();
        return m == null ? Optional.empty()
                : Optional.of(LocalDateTime.ofInstant(Instant.ofEpochSecond(m), Aqf.zone(ctx.source())));
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of(); // no indicator checks
    }
}
