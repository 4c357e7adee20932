package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.PlistReader;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Global preferences ({@code global_preferences}, MVT's {@code GlobalPreferences}).
 *
 * <p><b>Artifact</b>: {@code .GlobalPreferences.plist}. In a backup: HomeDomain
 * {@code Library/Preferences/.GlobalPreferences.plist} (fileID {@value #BACKUP_ID}); in a
 * filesystem dump: {@code private/var/mobile/Library/Preferences/.GlobalPreferences.plist}.
 *
 * <p><b>Records</b>: one {@code {entry, value}} per top-level key, in the plist's order.
 *
 * <p><b>Flags</b> (always, no indicators needed): {@code LDMGlobalEnabled} true gives an
 * INFORMATIONAL "Lockdown mode enabled", false a LOW "Lockdown mode disabled" (MVT's heuristic;
 * Lockdown Mode is Apple's hardening against mercenary spyware). No indicator checks.
 *
 * <p><b>Timeline</b>: none.
 */
public final class GlobalPreferences implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalPreferences.class);

    /** Backup fileID of HomeDomain/Library/Preferences/.GlobalPreferences.plist. */
    public static final String BACKUP_ID = "0dc926a1810f7aee4e8f38793ed788701f93bf9d";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/Preferences/.GlobalPreferences.plist";
    static final String FS_PATH = "private/var/mobile/Library/Preferences/.GlobalPreferences.plist";
    static final String LOCKDOWN_KEY = "LDMGlobalEnabled";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "global_preferences", "GlobalPreferences", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH), List.of(),
            "Global preferences: whether Lockdown Mode is enabled");

    /**
     * One top-level preference.
     *
     * @param entry the key
     * @param value its value as read from the plist
     */
    @JsonPropertyOrder({"entry", "value"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Preference(@JsonProperty("entry") String entry, @JsonProperty("value") Object value) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                ".GlobalPreferences.plist");
        LOG.info("Found Global Preference database at path: {}", ref.displayName());
        Map<String, Object> plist = PlistReader.readDict(ctx.source().localFile(ref), ref.displayName());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Map.Entry<String, Object> e : plist.entrySet()) {
            Preference p = new Preference(e.getKey(), e.getValue());
            out.record(p);
            if (LOCKDOWN_KEY.equals(p.entry())) {
                lockdownAlert(out, truthy(p.value()));
            }
        }
        LOG.info("Extracted a total of {} Global Preferences", out.recordCount());
        return out.build();
    }

    private static void lockdownAlert(ModuleResult.Builder out, boolean enabled) {
        if (enabled) {
            out.alert(Level.INFORMATIONAL, "Lockdown mode enabled", "", null);
        } else {
            out.alert(Level.LOW, "Lockdown mode disabled", "", null);
        }
    }

    /** Python truthiness of a plist value. */
    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof byte[] b) {
            return b.length > 0;
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        return true;
    }

    /** No indicator checks: MVT's check re-derives the Lockdown Mode alert from the records. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        // no indicator applies to preferences; the Lockdown Mode rule is a heuristic, which
        // check-iocs does not re-run
        return List.of();
    }
}
