package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.vigil.core.model.Level;
import org.vigil.io.Hashing;
import org.vigil.io.PlistReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Installed applications ({@code applications}, MVT's {@code Applications}).
 *
 * <p><b>Artifact</b>: in a backup, the backup's own {@code Info.plist} (key {@code Applications}:
 * {bundle id: {{@code iTunesMetadata} (a binary plist in a data value), {@code PlaceholderIcon}}});
 * in a filesystem dump, every
 * {@code private/var/containers/Bundle/Application/*}{@code /iTunesMetadata.plist}.
 *
 * <p><b>Records</b>: one ordered map per application: in a backup {@code name} (the bundle id)
 * then every iTunesMetadata key, {@code isodate} (from
 * {@code com.apple.iTunesStore.downloadInfo.purchaseDate}, a UTC time written
 * {@code yyyy-MM-ddTHH:mm:ssZ}) and {@code icon_sha256} (SHA-256 of the placeholder icon); in a
 * dump every iTunesMetadata key, {@code file_path} (the plist's path) and {@code isodate}.
 * Unlike MVT, the purchase date is read as UTC whatever the analyst's time zone (MVT read it as
 * host-local time, shifting it by the host's UTC offset).
 *
 * <p><b>Flags</b>: with indicators, an application without {@code softwareVersionBundleId} (HIGH
 * "Suspicious application identified without softwareVersionBundleId"), a
 * {@code softwareVersionBundleId} matching a process or app-id indicator (CRITICAL "Malicious
 * application ... identified"); always, an application whose {@code sourceApp} is neither the App
 * Store nor MDM (MEDIUM "Suspicious app not installed from the App Store or MDM: ...": sideloaded
 * or third-party-store apps, MVT's heuristic).
 *
 * <p><b>Timeline</b>: {@code app_installed} for each application with a purchase date.
 */
public final class Applications implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Applications.class);

    static final String FS_PATH = "private/var/containers/Bundle/Application/*/iTunesMetadata.plist";
    static final String DOWNLOAD_INFO = "com.apple.iTunesStore.downloadInfo";
    static final String BUNDLE_ID = "softwareVersionBundleId";
    /** Installers MVT accepts ({@code sourceApp}). */
    static final Set<String> KNOWN_INSTALLERS = Set.of("com.apple.AppStore",
            "com.apple.AppStore.ProductPageExtension", "com.apple.dmd", "dmd");
    private static final DateTimeFormatter PURCHASE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "applications", "Applications", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of("Info.plist (backup root, key Applications)", FS_PATH), List.of(),
            "Installed applications: bundle ids against indicators, apps not installed from the App Store or MDM");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<Map<String, Object>> apps = new ArrayList<>();
        if (ctx.source().kind() == SourceKind.IOS_FS) {
            List<ArtifactRef> refs = BackupArtifacts.requireAll(ctx.source(),
                    List.of(ArtifactPattern.anyDomain(FS_PATH)), "iTunesMetadata.plist");
            for (ArtifactRef ref : refs) {
                Map<String, Object> entry = new LinkedHashMap<>(
                        PlistReader.readDict(ctx.source().localFile(ref), ref.displayName()));
                entry.put("file_path", ctx.source().root().resolve(ref.id()).toString());
                purchaseDate(entry, ref.displayName());
                apps.add(entry);
            }
        } else {
            Path info = ctx.source().rootFile("Info.plist")
                    .orElseThrow(() -> new ArtifactNotFoundException("Info.plist not found"));
            apps.addAll(fromInfoPlist(PlistReader.readDict(info, "Info.plist")));
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Map<String, Object> app : apps) {
            out.record(app);
            check(out, ctx.hasIndicators() ? ctx.indicators() : null, app.get(BUNDLE_ID), app.containsKey(BUNDLE_ID),
                    app.get("sourceApp"), app.containsKey("sourceApp"), app);
            if (app.containsKey("isodate")) {
                out.timeline((String) app.get("isodate"), "app_installed", "App " + text(app.get("name"))
                        + " version " + text(app.get("bundleShortVersionString")) + " from "
                        + text(app.get("artistName")) + " installed from " + text(app.get("sourceApp")));
            }
        }
        LOG.info("Extracted a total of {} applications", out.recordCount());
        return out.build();
    }

    private static String text(Object v) {
        return v == null ? "" : Support.py(v);
    }

    static List<Map<String, Object>> fromInfoPlist(Map<String, Object> info) throws CorruptArtifactException {
        List<Map<String, Object>> apps = new ArrayList<>();
        Object all = info.get("Applications");
        if (all == null) {
            LOG.info("Info.plist has no Applications dictionary");
            return apps;
        }
        if (!(all instanceof Map<?, ?> map)) {
            throw new CorruptArtifactException("Info.plist: Applications is not a dictionary");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String bundle = String.valueOf(e.getKey());
            String name = "Info.plist: Applications/" + bundle;
            if (!(e.getValue() instanceof Map<?, ?> appData)) {
                throw new CorruptArtifactException(name + " is not a dictionary");
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", bundle);
            Object metadata = appData.get("iTunesMetadata");
            if (!(metadata instanceof byte[] bytes)) {
                throw new CorruptArtifactException(name + ": no iTunesMetadata data");
            }
            entry.putAll(PlistReader.parseDict(bytes, name + "/iTunesMetadata"));
            purchaseDate(entry, name);
            if (appData.get("PlaceholderIcon") instanceof byte[] icon) {
                entry.put("icon_sha256", Hashing.sha256Hex(icon));
            }
            apps.add(entry);
        }
        return apps;
    }

    /** Adds {@code isodate}: the purchase date read as UTC (MVT used the host's time zone). */
    static void purchaseDate(Map<String, Object> entry, String name) {
        if (!(entry.get(DOWNLOAD_INFO) instanceof Map<?, ?> info)) {
            return;
        }
        Object date = info.get("purchaseDate");
        if (date == null || (date instanceof String s && s.isEmpty())) {
            return;
        }
        if (date instanceof java.time.Instant i) {
            entry.put("isodate", Times.format(i));
            return;
        }
        try {
            LocalDateTime t = LocalDateTime.parse(date.toString(), PURCHASE_DATE);
            entry.put("isodate", Times.format(t.toInstant(ZoneOffset.UTC)));
        } catch (DateTimeParseException e) {
            LOG.warn("{}: cannot read purchaseDate {}", name, date);
        }
    }

    private static void check(ModuleResult.Builder out, Indicators indicators, Object bundleId, boolean hasBundleId,
            Object sourceApp, boolean hasSourceApp, Object event) {
        if (indicators != null) {
            if (!hasBundleId) {
                out.alert(Level.HIGH, "Suspicious application identified without softwareVersionBundleId", "",
                        event);
                return;
            }
            String id = Support.py(bundleId);
            Optional<IndicatorMatch> m = indicators.checkProcess(id);
            if (m.isEmpty()) {
                m = indicators.checkAppId(id);
            }
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, "Malicious application " + id + " identified", m.get(), "", event);
                return;
            }
        }
        String source = hasSourceApp ? Support.py(sourceApp) : "com.apple.AppStore";
        if (!KNOWN_INSTALLERS.contains(source)) {
            out.alert(Level.MEDIUM, "Suspicious app not installed from the App Store or MDM: "
                    + (hasBundleId ? Support.py(bundleId) : "None"), "", event);
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        // indicator checks only: the bundle id against process and app-id indicators
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode app : results) {
            JsonNode id = app.get(BUNDLE_ID);
            if (id == null || id.isNull()) {
                continue;
            }
            String bundleId = id.asText();
            Optional<IndicatorMatch> m = indicators.checkProcess(bundleId);
            if (m.isEmpty()) {
                m = indicators.checkAppId(bundleId);
            }
            m.ifPresent(match -> out.alert(Level.CRITICAL, "Malicious application " + bundleId + " identified",
                    match, "", app));
        }
        return out.build().alerts();
    }
}
