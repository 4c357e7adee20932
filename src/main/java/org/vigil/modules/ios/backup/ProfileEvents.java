package org.vigil.modules.ios.backup;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.vigil.io.PyFormat;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.mixed.BackupArtifacts;
import org.vigil.modules.ios.mixed.PlistJson;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Configuration profile operations ({@code profile_events}, MVT's {@code ProfileEvents}):
 * which process installed or removed which profile, and when.
 *
 * <p><b>Artifact</b>: in an iTunes/Finder backup, every file
 * {@value #RELATIVE_PATH} in any domain (normally
 * {@code SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles}, fileID
 * {@code aeb25de285ea542f7ac7c2070cddd1961e369df1}). Backup-only module, as MVT.
 *
 * <p><b>Records</b>: the plist's {@code ProfileEvents} list of one-key dictionaries
 * {@code {profile_id: {timestamp, operation, process, ...}}}, one record per event:
 * {@code profile_id, timestamp} (ISO, "" when absent){@code , operation, process} ("" when absent)
 * followed by the event's other keys, lower-cased, in plist order.
 *
 * <p><b>Flags</b>: always, every event (LOW, as MVT: a profile operation is worth a look); with
 * indicators, a process matching a process indicator, else a profile id matching a
 * configuration-profile indicator (CRITICAL; exact match, where MVT takes any indicator
 * containing the id). Source: MVT.
 *
 * <p><b>Timeline</b>: {@code profile_operation} at the event time,
 * {@code "Process <process> started operation <operation> of profile <profile_id>"}.
 */
public final class ProfileEvents implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileEvents.class);

    /** The artifact's path inside its backup domain. */
    static final String RELATIVE_PATH = "Library/ConfigurationProfiles/MCProfileEvents.plist";
    static final String KEY = "ProfileEvents";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("profile_events", "ProfileEvents",
            Platform.IOS, Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED),
            List.of("*/" + RELATIVE_PATH), List.of(),
            "Configuration profile operations: every event reported (LOW), processes and profile ids against "
                    + "indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = BackupArtifacts.requireAll(ctx.source(),
                List.of(ArtifactPattern.anyDomain(RELATIVE_PATH)), "MCProfileEvents.plist");
        List<Map<String, Object>> events = new ArrayList<>();
        Exception firstFailure = null;
        int read = 0;
        for (ArtifactRef ref : files) {
            LOG.info("Found MCProfileEvents.plist file at {}", ref.displayName());
            try {
                events.addAll(parse(PlistReader.readDict(ctx.source().localFile(ref), ref.displayName()),
                        ref.displayName()));
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
        events.forEach(out::record);
        for (Map<String, Object> e : events) {
            String ts = String.valueOf(e.get("timestamp"));
            out.alert(Level.LOW, "On " + ts + " process \"" + PyFormat.str(e.get("process"))
                    + "\" started operation \"" + PyFormat.str(e.get("operation")) + "\" of profile \""
                    + PyFormat.str(e.get("profile_id")) + "\"", ts, e);
        }
        if (ctx.hasIndicators()) {
            for (Map<String, Object> e : events) {
                check(e, e::get, ctx.indicators(), out);
            }
        }
        for (Map<String, Object> e : events) {
            out.timeline(String.valueOf(e.get("timestamp")), "profile_operation",
                    "Process " + PyFormat.str(e.get("process")) + " started operation "
                            + PyFormat.str(e.get("operation")) + " of profile " + PyFormat.str(e.get("profile_id")));
        }
        LOG.info("Extracted {} profile events", events.size());
        return out.build();
    }

    /** The events of one MCProfileEvents.plist (also used by the sysdiagnose profile module). */
    public static List<Map<String, Object>> parse(Map<String, Object> plist, String name)
            throws UnsupportedSchemaException, CorruptArtifactException {
        if (!(plist.get(KEY) instanceof List<?> list)) {
            throw new UnsupportedSchemaException(name + (plist.containsKey(KEY) ? ": " + KEY + " is not a list"
                    : ": no key " + KEY));
        }
        List<Map<String, Object>> events = new ArrayList<>();
        int skipped = 0;
        PlistJson.Copier copier = PlistJson.copier(name);
        for (Object item : list) {
            Map<String, Object> outer = PlistJson.dict(item);
            if (outer == null || outer.isEmpty()) {
                skipped++;
                continue;
            }
            Map.Entry<String, Object> first = outer.entrySet().iterator().next();
            Map<String, Object> inner = PlistJson.dict(first.getValue());
            if (inner == null) {
                skipped++;
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("profile_id", first.getKey());
            r.put("timestamp", "");
            r.put("operation", "");
            r.put("process", "");
            for (Map.Entry<String, Object> kv : inner.entrySet()) {
                String key = kv.getKey().toLowerCase(Locale.ROOT);
                r.put(key, key.equals("timestamp") ? PlistJson.isoDate(kv.getValue()) : copier.copy(kv.getValue()));
            }
            events.add(Collections.unmodifiableMap(r));
        }
        if (skipped > 0) {
            LOG.warn("{}: {} {} items are not {{profile id: {{...}}}} and were skipped", name, skipped, KEY);
        }
        return events;
    }

    /** The indicator checks of one event: its process, else its profile id (also used for sysdiagnoses). */
    public static void check(Object event, Function<String, Object> field, Indicators indicators,
            ModuleResult.Builder out) {
        if (field.apply("process") instanceof String process) {
            Optional<IndicatorMatch> m = indicators.checkProcess(process);
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, m.get(), "", event);
                return;
            }
        }
        if (field.apply("profile_id") instanceof String id) {
            indicators.checkProfileId(id).ifPresent(m -> out.alert(Level.CRITICAL, m, "", event));
        }
    }

    /** Re-checks {@code profile_events.json}: the indicator checks only (not the LOW per event). */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            check(r, key -> r.get(key) != null && r.get(key).isTextual() ? r.get(key).asText() : null,
                    indicators, out);
        }
        return out.build().alerts();
    }
}
