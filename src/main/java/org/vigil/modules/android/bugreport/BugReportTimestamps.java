package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
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
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;

/**
 * Modification times of the files the bug report copied from the device
 * ({@code bugreport_timestamps}, MVT's {@code BugReportTimestamps}).
 *
 * <p><b>Artifact</b>: every file under {@code FS/} of the bug report. <b>Records</b>:
 * {@code {path, modified_time}}: the zip entry's recorded date and time as it is (a zip stores
 * naive local time, to the even second), or a folder file's modification time in UTC (MVT used the
 * analyst machine's time zone). <b>Flags</b>: none. <b>Timeline</b>: {@code M---} per file.
 */
public final class BugReportTimestamps implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(BugReportTimestamps.class);

    static final ArtifactPattern FILES = ArtifactPattern.anyDomain("FS/*");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "bugreport_timestamps", "BugReportTimestamps", Platform.ANDROID, BugreportModules.KINDS,
            List.of("FS/*"), List.of(), "Modification times of the device files in the bug report");

    /** One file. */
    public record FileTime(@JsonProperty("path") String path, @JsonProperty("modified_time") String modifiedTime) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = ctx.source().find(FILES);
        if (files.isEmpty()) {
            throw new ArtifactNotFoundException("no FS/ files in " + ctx.source().root());
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (ArtifactRef f : files) {
            Long modified = f.meta().modified();
            FileTime t = new FileTime(f.relativePath(), modified == null ? "" : Times.fromUnixSeconds(modified));
            if (!t.modifiedTime().isEmpty()) {
                out.timeline(t.modifiedTime(), "M---", t.path());
            }
            out.record(t);
        }
        LOG.info("Extracted a total of {} filesystem timestamps from bugreport.", out.recordCount());
        return out.build();
    }

    @Override
    public List<Alert> recheck(JsonNode results, org.vigil.ioc.Indicators indicators) {
        return List.of();
    }
}
