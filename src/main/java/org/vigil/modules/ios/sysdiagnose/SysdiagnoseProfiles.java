package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
import org.vigil.core.model.Level;
import org.vigil.io.PlistReader;
import org.vigil.io.PyFormat;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.backup.ConfigurationProfiles;
import org.vigil.modules.ios.mixed.PlistJson;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Installed configuration profiles as a sysdiagnose records them
 * ({@code sysdiagnose_configuration_profiles}; the sysdiagnose counterpart of MVT's backup module
 * {@code configuration_profiles}).
 *
 * <p><b>Artifact</b>: {@value #PATTERN} (normally {@code logs/MCState/Shared/profile-<hash>.stub}):
 * the sysdiagnose's copy of the phone's profile stubs (in the configuration-profiles system group
 * container, {@code .../systemgroup.com.apple.configurationprofiles/Library/ConfigurationProfiles/}),
 * one plist per installed profile ({@code PayloadIdentifier}, {@code PayloadUUID},
 * {@code PayloadDisplayName}, {@code PayloadType}, {@code InstallDate}, {@code PayloadContent}
 * with each payload's {@code PayloadType}). Empty stubs are skipped (as EC-DIGIT-CSIRC's
 * sysdiagnose analyser does); a damaged stub is reported and the others are still read.
 *
 * <p><b>Records</b>: {@code file}, {@code plist} (as MVT's {@code configuration_profiles} writes
 * it, binary values in base64), {@code install_date} (UTC, "" when absent).
 *
 * <p><b>Flags</b>: a {@code PayloadUUID} equal to a configuration-profile indicator (CRITICAL),
 * else a profile whose first payload is {@code com.apple.notificationsettings} (MEDIUM): MVT's
 * checks, the same code as the backup module. Heuristic (always; field notes H19, Citizen Lab and
 * Amnesty on Predator's profile): a profile carrying a payload that lets its owner watch or steer
 * the phone's traffic or manage it: a root certificate, a VPN, a global HTTP proxy, DNS settings
 * or MDM enrolment (MEDIUM, once per profile; work and school profiles do this legitimately, so it
 * is a question to ask the person, not a verdict).
 *
 * <p><b>Timeline</b>: {@code configuration_profile_install} at the install date, as the backup
 * module.
 */
public final class SysdiagnoseProfiles implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseProfiles.class);

    /** In a sysdiagnose, relative to its top folder. */
    public static final String PATTERN = "logs/MCState/*profile-*.stub";
    static final String PREFIX = "profile-";

    /** Payload types that give control over traffic or the device, with what they do. */
    static final Map<String, String> RISKY_PAYLOADS = Map.of(
            "com.apple.security.root", "a root certificate (can intercept encrypted traffic)",
            "com.apple.vpn.managed", "a VPN (routes traffic through its server)",
            "com.apple.vpn.managed.applayer", "a per-app VPN (routes traffic through its server)",
            "com.apple.proxy.http.global", "a global HTTP proxy (routes web traffic through its server)",
            "com.apple.dnsSettings.managed", "DNS settings (can redirect domain lookups)",
            "com.apple.mdm", "MDM enrolment (lets a server manage the phone)");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sysdiagnose_configuration_profiles", "SysdiagnoseConfigurationProfiles", Platform.IOS,
            Set.of(SourceKind.IOS_SYSDIAGNOSE), List.of(PATTERN), List.of(),
            "Installed configuration profiles (MCState stubs): UUIDs against indicators, notification-hiding,"
                    + " certificate, VPN, proxy, DNS and MDM profiles");

    /**
     * One profile stub.
     *
     * @param file the stub, relative to the sysdiagnose folder
     * @param plist its content, as MVT writes profiles
     * @param install_date InstallDate (UTC), or ""
     */
    @JsonPropertyOrder({"file", "plist", "install_date"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Profile(String file, Map<String, Object> plist, String install_date) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> stubs = new ArrayList<>();
        for (ArtifactRef ref : ctx.source().find(ArtifactPattern.anyDomain(PATTERN))) {
            String rel = ref.relativePath();
            if (rel.substring(rel.lastIndexOf('/') + 1).startsWith(PREFIX)) {
                stubs.add(ref);
            }
        }
        if (stubs.isEmpty()) {
            throw new ArtifactNotFoundException("configuration profile stubs not found (" + PATTERN + ")");
        }
        List<Profile> profiles = new ArrayList<>();
        CorruptArtifactException firstFailure = null;
        int empty = 0;
        for (ArtifactRef ref : stubs) {
            if (ref.meta().size() == 0) {
                empty++;
                continue;
            }
            try {
                Map<String, Object> raw = PlistReader.readDict(ctx.source().localFile(ref), ref.displayName());
                profiles.add(new Profile(ref.relativePath(), ConfigurationProfiles.jsonPlist(raw, ref.displayName()),
                        PlistJson.isoDate(raw.get("InstallDate"))));
            } catch (CorruptArtifactException e) {
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (profiles.isEmpty() && firstFailure != null) {
            throw firstFailure;
        }
        if (empty > 0) {
            LOG.info("Skipped {} empty profile stub(s)", empty);
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Profile p : profiles) {
            out.record(p);
            ConfigurationProfiles.check(p, p.plist(), ctx.indicators(), out, true);
            List<String> risky = risky(p.plist());
            if (!risky.isEmpty()) {
                out.alert(Level.MEDIUM, "Configuration profile \"" + PyFormat.str(p.plist().get("PayloadDisplayName"))
                        + "\" (" + PyFormat.str(p.plist().get("PayloadIdentifier")) + ", UUID "
                        + PyFormat.str(p.plist().get("PayloadUUID")) + ") installs " + String.join(", ", risky)
                        + ": check that the person knows and trusts who installed it", p.install_date(), p);
            }
            if (!p.install_date().isEmpty()) {
                Map<String, Object> pl = p.plist();
                out.timeline(p.install_date(), "configuration_profile_install",
                        PyFormat.str(pl.get("PayloadType")) + " installed: " + PyFormat.str(pl.get("PayloadUUID"))
                                + " - " + PyFormat.str(pl.get("PayloadDisplayName")) + ": "
                                + PyFormat.str(pl.get("PayloadDescription")));
            }
        }
        LOG.info("Extracted details about {} configuration profiles", profiles.size());
        return out.build();
    }

    /** What the risky payloads of a profile do, in payload order, each once. */
    static List<String> risky(Map<String, Object> plist) {
        Set<String> out = new LinkedHashSet<>();
        if (plist.get("PayloadContent") instanceof List<?> contents) {
            for (Object c : contents) {
                if (c instanceof Map<?, ?> payload && payload.get("PayloadType") instanceof String type
                        && RISKY_PAYLOADS.containsKey(type)) {
                    out.add(RISKY_PAYLOADS.get(type));
                }
            }
        }
        return List.copyOf(out);
    }

    /** Re-checks saved results: the profile indicator check only. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        ConfigurationProfiles.recheckInto(results, indicators, out);
        return out.build().alerts();
    }
}
