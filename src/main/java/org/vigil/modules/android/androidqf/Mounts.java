package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;

/**
 * Mounted file systems ({@code mounts}, MVT's {@code Mounts}).
 *
 * <p><b>Artifact</b>: the first {@code *}{@code /mounts.json}, a JSON list of {@code mount}
 * output lines {@code <device> on <mount point> type <fs> (<options>)}; other lines are skipped.
 * Records {@code {device, mount_point, filesystem_type, mount_options, options_list,
 * is_system_partition, is_read_write}}; a system partition is a mount point starting with
 * {@code /system}, {@code /vendor}, {@code /product} or {@code /system_ext} (prefix match, as MVT).
 *
 * <p><b>Flags</b> (heuristics from MVT, always on): a system partition mounted read-write (HIGH,
 * "Root detected" for {@code /system}); a system partition with any of {@code rw},
 * {@code remount}, {@code noatime}, {@code nodiratime} (MEDIUM), except {@code noatime} on
 * {@code /system_dlkm}, {@code /system_ext}, {@code /product}, {@code /vendor},
 * {@code /vendor_dlkm}. With indicators: the mount point, then the device, against file paths
 * (CRITICAL).
 *
 * <p><b>Timeline</b>: none.
 */
public final class Mounts implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Mounts.class);
    static final String PATTERN = "*/mounts.json";
    static final List<String> SYSTEM_MOUNT_POINTS = List.of("/system", "/vendor", "/product", "/system_ext");
    static final List<String> SUSPICIOUS_OPTIONS = List.of("rw", "remount", "noatime", "nodiratime");
    static final List<String> ALLOWLIST_NOATIME = List.of("/system_dlkm", "/system_ext", "/product", "/vendor",
            "/vendor_dlkm");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("mounts", "Mounts", Platform.ANDROID,
            Aqf.KINDS, List.of(PATTERN), List.of(), "Mount table: system partitions mounted read-write");

    /** One mount. */
    record Mount(
            @JsonProperty("device") String device,
            @JsonProperty("mount_point") String mountPoint,
            @JsonProperty("filesystem_type") String filesystemType,
            @JsonProperty("mount_options") String mountOptions,
            @JsonProperty("options_list") List<String> optionsList,
            @JsonProperty("is_system_partition") boolean isSystemPartition,
            @JsonProperty("is_read_write") boolean isReadWrite) {
        Mount {
            optionsList = List.copyOf(optionsList);
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = Aqf.first(ctx.source(), PATTERN, "mounts.json");
        JsonNode list = Aqf.json(ctx.source(), ref);
        if (!list.isArray()) {
            throw new CorruptArtifactException(ref.displayName() + ": expected a JSON list of mount lines");
        }
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode n : list) {
            if (n.isTextual()) {
                for (String line : n.asText().split("\\R")) {
                    parse(line).ifPresent(mounts::add);
                }
            }
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        mounts.forEach(out::record);
        for (Mount m : mounts) {
            heuristics(out, m);
        }
        if (ctx.hasIndicators()) {
            for (Mount m : mounts) {
                for (IndicatorMatch match : iocMatches(m.mountPoint(), m.device(), ctx.indicators())) {
                    out.alert(Level.CRITICAL, match, "", m);
                }
            }
        }
        LOG.info("Extracted a total of {} mount entries", out.recordCount());
        return out.build();
    }

    /** One {@code mount} output line; empty when it is not {@code dev on point type fs [(opts)]}. */
    static Optional<Mount> parse(String raw) {
        String line = raw.strip();
        if (line.isEmpty() || !line.contains(" on ") || !line.contains(" type ")) {
            return Optional.empty();
        }
        int on = line.indexOf(" on ");
        String device = line.substring(0, on).strip();
        String rest = line.substring(on + 4);
        int type = rest.indexOf(" type ");
        if (type < 0) {
            return Optional.empty();
        }
        String mountPoint = rest.substring(0, type).strip();
        String fsPart = rest.substring(type + 6);
        String fsType;
        String options;
        if (fsPart.contains("(") && fsPart.endsWith(")")) {
            String fo = fsPart.strip();
            int paren = fo.indexOf('(');
            fsType = fo.substring(0, paren).strip();
            options = fo.substring(paren + 1, fo.length() - 1).strip();
        } else {
            fsType = fsPart.strip();
            options = "";
        }
        if (device.isEmpty() || mountPoint.isEmpty() || fsType.isEmpty()) {
            return Optional.empty();
        }
        List<String> opts = new ArrayList<>();
        for (String o : options.split(",")) {
            if (!o.strip().isEmpty()) {
                opts.add(o.strip());
            }
        }
        boolean system = SYSTEM_MOUNT_POINTS.stream().anyMatch(mountPoint::startsWith);
        return Optional.of(new Mount(device, mountPoint, fsType, options, opts, system, opts.contains("rw")));
    }

    private static void heuristics(ModuleResult.Builder out, Mount m) {
        String mp = m.mountPoint();
        if (m.isSystemPartition() && m.isReadWrite()) {
            String msg = mp.equals("/system") ? "Root detected /system partition is mounted as read-write (rw)"
                    : "System partition " + mp + " is mounted as read-write (rw). This may indicate system"
                            + " modifications.";
            LOG.warn("{}", msg);
            out.alert(Level.HIGH, msg, "", m);
        }
        List<String> suspicious = m.optionsList().stream().filter(SUSPICIOUS_OPTIONS::contains).toList();
        if (!suspicious.isEmpty() && m.isSystemPartition()
                && !(m.mountOptions().contains("noatime") && ALLOWLIST_NOATIME.contains(mp))) {
            String msg = "Suspicious mount options found for " + mp + ": " + String.join(", ", suspicious);
            LOG.warn("{}", msg);
            out.alert(Level.MEDIUM, msg, "", m);
        }
        if (mp.equals("/data") || mp.startsWith("/sdcard")) {
            LOG.info("Data partition: {} mounted as {} with options: {}", mp, m.filesystemType(), m.mountOptions());
        }
    }

    static List<IndicatorMatch> iocMatches(String mountPoint, String device, Indicators iocs) {
        List<IndicatorMatch> found = new ArrayList<>();
        iocs.checkFilePath(mountPoint).ifPresent(found::add);
        iocs.checkFilePath(device).ifPresent(found::add);
        return found;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode m : results) {
                for (IndicatorMatch match : iocMatches(Aqf.str(m, "mount_point"), Aqf.str(m, "device"), indicators)) {
                    out.alert(Level.CRITICAL, match, "", m);
                }
            }
        }
        return out.build().alerts();
    }
}
