package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;

/**
 * Root binaries found by androidqf ({@code root_binaries}, MVT's {@code RootBinaries}).
 *
 * <p><b>Artifact</b>: the first {@code *}{@code /root_binaries.json}, a JSON list of paths
 * (non-strings and empty strings ignored). Records {@code {path, binary_name, description}}: the
 * lower-cased last path segment and MVT's description of the known root binaries (su, busybox,
 * supersu, Superuser.apk, KingoUser.apk, SuperSu.apk, magisk, magiskhide, magiskinit,
 * magiskpolicy), else "Unknown root binary".
 *
 * <p><b>Flags</b> (always, as MVT): every entry, HIGH {@code Found root binary "<name>" at path
 * "<path>"}; androidqf only lists paths where it found a root tool.
 *
 * <p><b>Timeline</b>: one row per entry with no time, event {@code root_binary_found}.
 */
public final class RootBinaries implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(RootBinaries.class);
    static final String PATTERN = "*/root_binaries.json";

    /** MVT's known root binaries (lower-cased names) and descriptions. */
    static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("su", "SuperUser binary");
        KNOWN.put("busybox", "BusyBox utilities");
        KNOWN.put("supersu", "SuperSU root management");
        KNOWN.put("superuser.apk", "Superuser app");
        KNOWN.put("kingouser.apk", "KingRoot app");
        KNOWN.put("supersu.apk", "SuperSU app");
        KNOWN.put("magisk", "Magisk root framework");
        KNOWN.put("magiskhide", "Magisk hide utility");
        KNOWN.put("magiskinit", "Magisk init binary");
        KNOWN.put("magiskpolicy", "Magisk policy binary");
    }

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("root_binaries", "RootBinaries",
            Platform.ANDROID, Aqf.KINDS, List.of(PATTERN), List.of(), "Root binaries (su, busybox, Magisk...)");

    /** One root binary. */
    record RootBinary(@JsonProperty("path") String path, @JsonProperty("binary_name") String binaryName,
            @JsonProperty("description") String description) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = Aqf.first(ctx.source(), PATTERN, "root_binaries.json");
        JsonNode list = Aqf.json(ctx.source(), ref);
        if (!list.isArray()) {
            throw new CorruptArtifactException(ref.displayName() + ": expected a JSON list of paths");
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (JsonNode n : list) {
            if (!n.isTextual() || n.asText().isEmpty()) {
                continue;
            }
            String path = n.asText();
            String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            RootBinary b = new RootBinary(path.strip(), name, KNOWN.getOrDefault(name, "Unknown root binary"));
            out.record(b);
            out.timeline("", "root_binary_found", "Root binary found: " + b.path() + " (binary: " + name + ")");
            String msg = "Found root binary \"" + name + "\" at path \"" + b.path() + "\"";
            LOG.warn("{}", msg);
            out.alert(Level.HIGH, msg, "", b);
        }
        if (out.recordCount() > 0) {
            LOG.warn("Device shows signs of rooting with {} root binaries found", out.recordCount());
        }
        LOG.info("Found {} root binaries", out.recordCount());
        return out.build();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of(); // no indicator checks
    }
}
