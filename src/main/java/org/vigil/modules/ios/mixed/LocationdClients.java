package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
import org.vigil.io.PlistReader;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Apps and daemons that used location services ({@code locationd_clients}, MVT's
 * {@code LocationdClients}).
 *
 * <p><b>Artifact</b>: locationd's {@code clients.plist}. In a backup only RootDomain
 * {@code Library/Caches/locationd/clients.plist} (fileID {@value #BACKUP_ID}); in a filesystem
 * dump every file of {@code private/var/mobile/Library/Caches/locationd/clients.plist} and
 * {@code private/var/root/Library/Caches/locationd/clients.plist}.
 *
 * <p><b>Records</b>: one per dictionary-valued top-level key (other values are migration
 * counters), holding all of that dictionary's keys in plist order plus {@code package} (the key
 * without its trailing {@code :}); the nine {@link #TIMESTAMPS} keys are converted from Mac
 * absolute time to ISO in place, {@code ClientStorageToken} is written in base64, other dates as
 * Python prints them. The whole dictionary is kept because its keys vary with iOS versions.
 *
 * <p><b>Flags</b> (with indicators, as MVT): the last {@code /} part of {@code package} or the
 * {@code BundleId} matching a process indicator (HIGH); {@code BundlePath}, {@code Executable}
 * or a non-boolean {@code Registered} matching a file name/path indicator (HIGH). Source: MVT
 * (Amnesty Security Lab's 2021 Pegasus methodology: Pegasus processes registered with locationd).
 *
 * <p><b>Timeline</b>: one event per present timestamp key, named after the key:
 * {@code "<key> from <package>"}.
 */
public final class LocationdClients implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(LocationdClients.class);

    /** Backup fileID of RootDomain Library/Caches/locationd/clients.plist. */
    public static final String BACKUP_ID = "a690d7769cce8904ca2b67320b107c8fe5f79412";
    static final String DOMAIN = "RootDomain";
    static final String RELATIVE_PATH = "Library/Caches/locationd/clients.plist";
    static final List<String> FS_PATHS = List.of(
            "private/var/mobile/Library/Caches/locationd/clients.plist",
            "private/var/root/Library/Caches/locationd/clients.plist");

    /** The keys holding Mac absolute times, in MVT's order (also the timeline order). */
    static final List<String> TIMESTAMPS = List.of("ConsumptionPeriodBegin",
            "ReceivingLocationInformationTimeStopped", "VisitTimeStopped", "LocationTimeStopped",
            "BackgroundLocationTimeStopped", "SignificantTimeStopped", "NonPersistentSignificantTimeStopped",
            "FenceTimeStopped", "BeaconRegionTimeStopped");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "locationd_clients", "LocationdClients", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATHS.get(0), FS_PATHS.get(1)),
            List.of(),
            "Location services clients: process names, bundle ids and paths against indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files;
        if (ctx.source().kind() == SourceKind.IOS_FS) {
            files = BackupArtifacts.requireAll(ctx.source(),
                    FS_PATHS.stream().map(ArtifactPattern::anyDomain).toList(), "locationd clients.plist");
        } else {
            files = List.of(BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                    List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH)), "locationd clients.plist"));
        }
        List<Map<String, Object>> all = new ArrayList<>();
        Exception firstFailure = null;
        int read = 0;
        for (ArtifactRef ref : files) {
            LOG.info("Found Locationd Clients plist at path: {}", ref.displayName());
            try {
                all.addAll(read(ctx, ref));
                read++;
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (read == 0 && firstFailure != null) {
            throw firstFailure;
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        all.forEach(out::record);
        if (ctx.hasIndicators()) {
            for (Map<String, Object> r : all) {
                check(r, key -> r.get(key), ctx.indicators(), out);
            }
        }
        for (Map<String, Object> r : all) {
            for (String ts : TIMESTAMPS) {
                if (r.containsKey(ts)) {
                    Object t = r.get(ts);
                    out.timeline(t instanceof String s ? s : Support.py(t), ts, ts + " from " + r.get("package"));
                }
            }
        }
        LOG.info("Extracted a total of {} Locationd Clients entries", all.size());
        return out.build();
    }

    static List<Map<String, Object>> read(ModuleContext ctx, ArtifactRef ref) throws Exception {
        String name = ref.displayName();
        Map<String, Object> plist = PlistReader.readDict(ctx.source().localFile(ref), name);
        List<Map<String, Object>> records = new ArrayList<>();
        PlistJson.Copier copier = PlistJson.copier(name);
        for (Map.Entry<String, Object> e : plist.entrySet()) {
            Map<String, Object> raw = PlistJson.dict(e.getValue());
            if (raw == null) {
                continue; // migration counters are plain numbers
            }
            Map<String, Object> r = copier.copyDict(raw);
            r.put("package", stripTrailingColons(e.getKey()));
            for (String ts : TIMESTAMPS) {
                if (r.containsKey(ts)) {
                    r.put(ts, PlistJson.macTime(raw.get(ts)));
                }
            }
            PlistJson.base64(r, "ClientStorageToken");
            records.add(Collections.unmodifiableMap(r));
        }
        if (!plist.isEmpty() && records.isEmpty()) {
            throw new UnsupportedSchemaException(name + ": no client dictionary (expected {client: {...}})");
        }
        return records;
    }

    /** Python's {@code str.rstrip(":")}. */
    static String stripTrailingColons(String key) {
        int end = key.length();
        while (end > 0 && key.charAt(end - 1) == ':') {
            end--;
        }
        return key.substring(0, end);
    }

    /** MVT's checks of one record, reading its fields through {@code field}. */
    private static void check(Object event, Function<String, Object> field, Indicators indicators,
            ModuleResult.Builder out) {
        String pkg = field.apply("package") instanceof String s ? s : null;
        if (pkg != null) {
            String procName = pkg.substring(pkg.lastIndexOf('/') + 1);
            Optional<IndicatorMatch> m = indicators.checkProcess(procName);
            if (m.isPresent()) {
                out.alert(Level.HIGH, "Found a suspicious process name in LocationD entry " + pkg, m.get(), "",
                        event);
                return;
            }
        }
        if (field.apply("BundleId") instanceof String bundleId) {
            Optional<IndicatorMatch> m = indicators.checkProcess(bundleId);
            // as MVT: no early return here, the path checks still run
            m.ifPresent(match -> out.alert(Level.HIGH, "Found a suspicious process name in LocationD entry "
                    + pkg, match, "", event));
        }
        for (String key : List.of("BundlePath", "Executable", "Registered")) {
            Object v = field.apply(key);
            if (key.equals("Registered") && v instanceof Boolean) {
                return; // "Registered" is sometimes a boolean: MVT stops there
            }
            if (v instanceof String path) {
                Optional<IndicatorMatch> m = indicators.checkFilePath(path);
                if (m.isPresent()) {
                    out.alert(Level.HIGH, "Found a suspicious file path in LocationD entry " + path, m.get(), "",
                            event);
                    return;
                }
            }
        }
    }

    /** Re-checks {@code locationd_clients.json}: the indicator checks. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            if (!r.isObject()) {
                continue;
            }
            check(r, key -> {
                JsonNode n = r.get(key);
                if (n == null) {
                    return null;
                }
                return n.isBoolean() ? (Object) n.asBoolean() : n.isTextual() ? n.asText() : null;
            }, indicators, out);
        }
        return out.build().alerts();
    }
}
