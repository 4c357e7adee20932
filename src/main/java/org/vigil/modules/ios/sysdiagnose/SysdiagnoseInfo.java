package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
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
import org.vigil.core.model.Alert;
import org.vigil.ioc.Indicators;
import org.vigil.ios.IosReleases;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.SourceKind;
import org.vigil.source.sysdiagnose.SysdiagnoseDeviceInfo;

/**
 * The device a sysdiagnose comes from ({@code sysdiagnose_info}; the counterpart of the backup's
 * {@code backup_info}).
 *
 * <p><b>Artifacts</b>: {@value SysdiagnoseDeviceInfo#SYSTEM_VERSION} and the first Properties
 * block of {@value SysdiagnoseDeviceInfo#DUMPSTATE} (see {@link SysdiagnoseDeviceInfo}). Absent both:
 * {@code not_present}; present but neither readable: {@code unreadable}.
 *
 * <p><b>Records</b> (one JSON object, like {@code backup_info}): {@code SystemVersion.*} (the
 * plist's string values), then the remotectl properties ({@code ProductType}, {@code OSVersion},
 * {@code SerialNumber}, ...) as written, then {@code Model} (the marketing name of
 * {@code ProductType}, from the bundled model list) when known. The same version, build and model
 * go to {@code info.json}'s device properties.
 *
 * <p><b>Flags</b>: none. An iOS version older than the newest known release is logged as a
 * warning, as {@code backup_info} does.
 */
public final class SysdiagnoseInfo implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseInfo.class);

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("sysdiagnose_info", "SysdiagnoseInfo",
            Platform.IOS, Set.of(SourceKind.IOS_SYSDIAGNOSE),
            List.of(SysdiagnoseDeviceInfo.SYSTEM_VERSION, SysdiagnoseDeviceInfo.DUMPSTATE), List.of(),
            "Device model, iOS version and build from SystemVersion.plist and remotectl_dumpstate.txt (no checks)");

    private final IosReleases releases;

    /** With the bundled iOS release list. */
    public SysdiagnoseInfo() {
        this(IosReleases.bundled());
    }

    /** With a given iOS release list (tests). */
    SysdiagnoseInfo(IosReleases releases) {
        this.releases = releases;
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        boolean any = false;
        for (String path : List.of(SysdiagnoseDeviceInfo.SYSTEM_VERSION, SysdiagnoseDeviceInfo.DUMPSTATE)) {
            any |= ctx.source().find(ArtifactPattern.anyDomain(path)).stream()
                    .anyMatch(r -> r.relativePath().equals(path));
        }
        if (!any) {
            throw new ArtifactNotFoundException("device information not found (" + SysdiagnoseDeviceInfo.SYSTEM_VERSION
                    + ", " + SysdiagnoseDeviceInfo.DUMPSTATE + ")");
        }
        SysdiagnoseDeviceInfo.Content c = SysdiagnoseDeviceInfo.read(ctx.source());
        if (c.systemVersion().isEmpty() && c.dumpstate().isEmpty()) {
            throw new CorruptArtifactException(SysdiagnoseDeviceInfo.SYSTEM_VERSION + ", "
                    + SysdiagnoseDeviceInfo.DUMPSTATE + ": no device property could be read");
        }
        Map<String, Object> results = new LinkedHashMap<>();
        c.systemVersion().forEach((k, v) -> results.put("SystemVersion." + k, v));
        results.putAll(c.dumpstate());
        Map<String, String> device = c.deviceProperties();
        String type = device.get("Product Type");
        if (type != null) {
            releases.modelDescription(type).ifPresent(m -> results.put("Model", m));
        }
        device.forEach((k, v) -> LOG.info("{}: {}", k, v));
        String version = device.get("Product Version");
        if (version != null && releases.isOutdated(version)) {
            LOG.warn("This phone is running an outdated iOS version: {} (latest is {})",
                    releases.resolveVersion(version).orElse(version), releases.latest().version());
        }
        return ctx.newResult(DESCRIPTOR).objectResults(Collections.unmodifiableMap(results)).build();
    }

    /** No indicator applies to device properties. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }
}
