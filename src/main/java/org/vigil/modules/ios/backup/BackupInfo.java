package org.vigil.modules.ios.backup;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.io.PlistReader;
import org.vigil.ioc.Indicators;
import org.vigil.ios.IosReleases;
import org.vigil.source.SourceKind;

/**
 * BackupInfo: what the backup says about the device.
 *
 * <p>Artifact: {@code Info.plist} at the root of an iTunes/Finder backup folder (written by the
 * computer that made the backup). Output: one JSON object ({@code backup_info.json}) with MVT's 18
 * keys (Build Version, Device Name, Display Name, GUID, ICCID, IMEI, MEID, Installed Applications,
 * Last Backup Date, Phone Number, Product Name, Product Type, Product Version, Serial Number, Target
 * Identifier, Target Type, Unique Identifier, iTunes Version); a key missing from the plist is
 * null. Dates are written as Python's {@code str(datetime)} does ({@code 2021-12-03 19:33:13}).
 *
 * <p>Flags nothing: no indicator applies and no timeline is produced (as MVT's module of the same
 * name). Every key is logged so command.log records the device; Product Type is logged with its model
 * name when known ({@code Product Type: iPhone9,3 (iPhone 7)}). As MVT does, when Product Version is
 * older than the latest release in {@link IosReleases} a WARNING (not an alert) is logged: "This
 * phone is running an outdated iOS version: X (latest is Y)". Nothing is added to the record.
 */
public final class BackupInfo implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(BackupInfo.class);

    /** The artifact, relative to the backup folder. */
    static final String INFO_PLIST = "Info.plist";

    /** MVT's keys, in MVT's order. */
    static final List<String> FIELDS = List.of("Build Version", "Device Name", "Display Name", "GUID", "ICCID",
            "IMEI", "MEID", "Installed Applications", "Last Backup Date", "Phone Number", "Product Name",
            "Product Type", "Product Version", "Serial Number", "Target Identifier", "Target Type",
            "Unique Identifier", "iTunes Version");

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("backup_info", "BackupInfo",
            Platform.IOS, Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED), List.of("<backup>/Info.plist"),
            List.of(), "Device and backup properties from the backup's Info.plist (no checks).");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    private final IosReleases releases;

    /** With the bundled iOS release list. */
    public BackupInfo() {
        this(IosReleases.bundled());
    }

    /** With a given iOS release list (tests). */
    BackupInfo(IosReleases releases) {
        this.releases = releases;
    }

    @Override
    public ModuleResult run(ModuleContext context) throws Exception {
        Path info = context.source().rootFile(INFO_PLIST).orElseThrow(() -> new ArtifactNotFoundException(
                "No Info.plist at backup path " + context.source().root() + ", unable to extract device information"));
        Map<String, Object> plist = PlistReader.readDict(info, info.toString());
        Map<String, Object> results = new LinkedHashMap<>();
        for (String field : FIELDS) {
            Object value = jsonValue(plist.get(field));
            String model = "Product Type".equals(field) && value instanceof String type
                    ? releases.modelDescription(type).orElse(null) : null;
            if (model != null) {
                LOG.info("{}: {} ({})", field, value, model);
            } else {
                LOG.info("{}: {}", field, value);
            }
            results.put(field, value);
        }
        if (plist.get("Product Version") instanceof String version && releases.isOutdated(version)) {
            LOG.warn("This phone is running an outdated iOS version: {} (latest is {})",
                    releases.resolveVersion(version).orElse(version), releases.latest().version());
        }
        return context.newResult(DESCRIPTOR).objectResults(Collections.unmodifiableMap(results)).build();
    }

    /** No indicator applies to Info.plist. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }

    /** Plist values as MVT writes them: dates as Python's str(datetime), the rest as they are. */
    static Object jsonValue(Object v) {
        if (v instanceof Instant i) {
            LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            return (t.getNano() == 0 ? SECONDS : MICROS).format(t);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(item -> out.add(jsonValue(item)));
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, item) -> out.put(String.valueOf(k), jsonValue(item)));
            return Collections.unmodifiableMap(out);
        }
        return v;
    }
}
