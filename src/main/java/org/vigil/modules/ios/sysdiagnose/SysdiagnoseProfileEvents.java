package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.vigil.io.PlistReader;
import org.vigil.io.PyFormat;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.backup.ProfileEvents;
import org.vigil.modules.ios.mixed.PlistJson;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Configuration-profile and managed-settings operations recorded in a sysdiagnose
 * ({@code sysdiagnose_profile_events}; the sysdiagnose counterpart of MVT's backup module
 * {@code profile_events}, plus the settings events).
 *
 * <p><b>Artifacts</b> (relative to the sysdiagnose folder, normally under
 * {@code logs/MCState/Shared/}):
 * <ul>
 *   <li>{@value #PROFILE_EVENTS}: the {@code ProfileEvents} list of
 *       {@code {profile id: {timestamp, operation, process}}}, read with the backup module's code;</li>
 *   <li>{@value #SETTINGS_EVENTS}: nested dictionaries whose leaves are
 *       {@code {timestamp, event, process}}: which process changed which setting, e.g.
 *       {@code allowAppInstallation}, and how ({@code set}, {@code removed}...).</li>
 * </ul>
 * Either may be absent; both absent is {@code not_present}. A file that is not a plist is
 * unreadable when it is the only one.
 *
 * <p><b>Records</b>: profile events as MVT's {@code profile_events} ({@code profile_id},
 * {@code timestamp}, {@code operation}, {@code process}, other keys lower-cased) with {@code file};
 * settings events: {@code file}, {@code setting} (the dotted path of the leaf),
 * {@code timestamp} (UTC, "" when absent), {@code event}, {@code process}, then the leaf's other
 * keys. Sorted by time.
 *
 * <p><b>Flags</b>: MVT's: every profile event (LOW), a process equal to a process indicator, else a
 * profile id equal to a configuration-profile indicator (CRITICAL); for settings events, a process
 * equal to a process indicator (CRITICAL).
 *
 * <p><b>Timeline</b>: {@code profile_operation} ("Process p started operation o of profile i", as
 * MVT) and {@code setting_change} ("Setting s e by p").
 */
public final class SysdiagnoseProfileEvents implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseProfileEvents.class);

    public static final String PROFILE_EVENTS = "logs/MCState/*MCProfileEvents.plist";
    public static final String SETTINGS_EVENTS = "logs/MCState/*MCSettingsEvents.plist";
    static final int MAX_DEPTH = 32;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sysdiagnose_profile_events", "SysdiagnoseProfileEvents", Platform.IOS,
            Set.of(SourceKind.IOS_SYSDIAGNOSE), List.of(PROFILE_EVENTS, SETTINGS_EVENTS), List.of(),
            "Configuration profile and managed-setting operations (MCState): every profile operation reported"
                    + " (LOW), processes and profile ids against indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> profileFiles = named(ctx, PROFILE_EVENTS, "MCProfileEvents.plist");
        List<ArtifactRef> settingsFiles = named(ctx, SETTINGS_EVENTS, "MCSettingsEvents.plist");
        if (profileFiles.isEmpty() && settingsFiles.isEmpty()) {
            throw new ArtifactNotFoundException("profile events not found (" + PROFILE_EVENTS + ", "
                    + SETTINGS_EVENTS + ")");
        }
        List<Map<String, Object>> profileEvents = new ArrayList<>();
        List<Map<String, Object>> settingEvents = new ArrayList<>();
        Exception firstFailure = null;
        int read = 0;
        for (ArtifactRef ref : profileFiles) {
            try {
                Map<String, Object> plist = PlistReader.readDict(ctx.source().localFile(ref), ref.displayName());
                for (Map<String, Object> e : ProfileEvents.parse(plist, ref.displayName())) {
                    Map<String, Object> r = new LinkedHashMap<>(e);
                    r.put("file", ref.relativePath());
                    profileEvents.add(Collections.unmodifiableMap(r));
                }
                read++;
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        for (ArtifactRef ref : settingsFiles) {
            try {
                Map<String, Object> plist = PlistReader.readDict(ctx.source().localFile(ref), ref.displayName());
                settingEvents.addAll(settings(plist, ref.relativePath()));
                read++;
            } catch (CorruptArtifactException e) {
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (read == 0 && firstFailure != null) {
            throw firstFailure;
        }
        Comparator<Map<String, Object>> byTime = Comparator.comparing(e -> String.valueOf(e.get("timestamp")));
        profileEvents.sort(byTime);
        settingEvents.sort(byTime);

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Map<String, Object> e : profileEvents) {
            out.record(e);
            String ts = String.valueOf(e.get("timestamp"));
            out.alert(Level.LOW, "On " + ts + " process \"" + PyFormat.str(e.get("process"))
                    + "\" started operation \"" + PyFormat.str(e.get("operation")) + "\" of profile \""
                    + PyFormat.str(e.get("profile_id")) + "\"", ts, e);
            if (ctx.hasIndicators()) {
                ProfileEvents.check(e, e::get, ctx.indicators(), out);
            }
            out.timeline(ts, "profile_operation", "Process " + PyFormat.str(e.get("process"))
                    + " started operation " + PyFormat.str(e.get("operation")) + " of profile "
                    + PyFormat.str(e.get("profile_id")));
        }
        for (Map<String, Object> e : settingEvents) {
            out.record(e);
            String ts = String.valueOf(e.get("timestamp"));
            if (ctx.hasIndicators() && e.get("process") instanceof String p && !p.isEmpty()) {
                ctx.indicators().checkProcess(p).ifPresent(m -> out.alert(Level.CRITICAL, m, ts, e));
            }
            out.timeline(ts, "setting_change", "Setting " + e.get("setting") + " " + PyFormat.str(e.get("event"))
                    + " by " + PyFormat.str(e.get("process")));
        }
        LOG.info("Extracted {} profile events and {} settings events", profileEvents.size(), settingEvents.size());
        return out.build();
    }

    private static List<ArtifactRef> named(ModuleContext ctx, String pattern, String name)
            throws java.io.IOException {
        List<ArtifactRef> out = new ArrayList<>();
        for (ArtifactRef r : ctx.source().find(ArtifactPattern.anyDomain(pattern))) {
            String rel = r.relativePath();
            if (rel.substring(rel.lastIndexOf('/') + 1).equals(name)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The leaves {timestamp, event, process, ...} of an MCSettingsEvents plist, depth-first. */
    static List<Map<String, Object>> settings(Map<String, Object> plist, String file) throws CorruptArtifactException {
        List<Map<String, Object>> out = new ArrayList<>();
        collect(plist, "", file, PlistJson.copier(file), out, 0);
        return out;
    }

    private static void collect(Map<String, Object> dict, String path, String file, PlistJson.Copier copier,
            List<Map<String, Object>> out, int depth) throws CorruptArtifactException {
        if (depth > MAX_DEPTH) {
            LOG.warn("{}: settings nested deeper than {} levels are skipped ({})", file, MAX_DEPTH, path);
            return;
        }
        for (Map.Entry<String, Object> kv : dict.entrySet()) {
            Map<String, Object> value = PlistJson.dict(kv.getValue());
            if (value == null) {
                continue;
            }
            String here = path.isEmpty() ? kv.getKey() : path + "." + kv.getKey();
            if (value.containsKey("timestamp")) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("file", file);
                r.put("setting", here);
                r.put("timestamp", PlistJson.isoDate(value.get("timestamp")));
                r.put("event", value.get("event") instanceof String s ? s : "");
                r.put("process", value.get("process") instanceof String s ? s : "");
                for (Map.Entry<String, Object> f : value.entrySet()) {
                    String key = f.getKey().toLowerCase(Locale.ROOT);
                    if (!r.containsKey(key)) {
                        r.put(key, copier.copy(f.getValue()));
                    }
                }
                out.add(Collections.unmodifiableMap(r));
            } else {
                collect(value, here, file, copier, out, depth + 1);
            }
        }
    }

    /** Re-checks saved results: processes and profile ids against indicators. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            ProfileEvents.check(r, key -> r.get(key) != null && r.get(key).isTextual() ? r.get(key).asText() : null,
                    indicators, out);
        }
        return out.build().alerts();
    }
}
