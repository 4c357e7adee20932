package org.vigil.modules.ios.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
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
 * Installed configuration profiles ({@code configuration_profiles}, MVT's
 * {@code ConfigurationProfiles}).
 *
 * <p><b>Artifact</b>: in an iTunes/Finder backup, every file of the domain
 * {@value #DOMAIN} whose name starts with {@code profile-} (e.g.
 * {@code Library/ConfigurationProfiles/profile-<hash>.stub}), each a plist. Not in filesystem
 * dumps (backup-only module, as MVT).
 *
 * <p><b>Records</b>: {@code {file_id, relative_path, domain, plist, install_date}}: the whole
 * plist, its binary values MVT base64-encodes written in base64 ({@code SignerCerts[]},
 * {@code PushTokenDataSentToServerKey}, {@code LastPushTokenHash},
 * {@code OTAProfileStub.SignerCerts[]},
 * {@code OTAProfileStub.PayloadContent.EnrollmentIdentityPersistentID},
 * {@code PayloadContent[*].PERSISTENT_REF} and {@code IdentityPersistentRef}), dates as Python
 * prints them; {@code install_date} is {@code InstallDate} in ISO ("" when absent).
 *
 * <p><b>Flags</b> (only when indicators are loaded, as MVT): a {@code PayloadUUID} equal to a
 * configuration-profile indicator (CRITICAL; exact match, where MVT takes any indicator containing
 * the UUID); otherwise a profile whose first payload is {@code com.apple.notificationsettings}
 * (MEDIUM: profiles that silence notifications, as used by mercenary spyware operators to hide
 * exploitation; heuristic from MVT).
 *
 * <p><b>Timeline</b>: {@code configuration_profile_install} at the install date,
 * {@code "<PayloadType> installed: <PayloadUUID> - <PayloadDisplayName>: <PayloadDescription>"}.
 */
public final class ConfigurationProfiles implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationProfiles.class);

    /** The backup domain of configuration profiles. */
    static final String DOMAIN = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
    static final String PREFIX = "profile-";
    static final String NOTIFICATION_SETTINGS = "com.apple.notificationsettings";

    private static final List<ArtifactPattern> PATTERNS = List.of(
            ArtifactPattern.of(DOMAIN, PREFIX + "*"), ArtifactPattern.of(DOMAIN, "*/" + PREFIX + "*"));

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("configuration_profiles",
            "ConfigurationProfiles", Platform.IOS, Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED),
            List.of(DOMAIN + "/**/profile-*"), List.of(),
            "Installed configuration profiles: UUIDs against indicators, notification-hiding profiles");

    /**
     * One configuration profile.
     *
     * @param fileId backup fileID
     * @param relativePath path in the domain
     * @param domain backup domain
     * @param plist the profile's plist, as MVT writes it
     * @param installDate InstallDate, ISO, or ""
     */
    @JsonPropertyOrder({"file_id", "relative_path", "domain", "plist", "install_date"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Profile(
            @JsonProperty("file_id") String fileId,
            @JsonProperty("relative_path") String relativePath,
            @JsonProperty("domain") String domain,
            @JsonProperty("plist") Map<String, Object> plist,
            @JsonProperty("install_date") String installDate) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = new ArrayList<>();
        for (ArtifactRef ref : BackupArtifacts.requireAll(ctx.source(), PATTERNS,
                "configuration profile (" + DOMAIN + "/**/" + PREFIX + "*)")) {
            String rel = ref.relativePath();
            if (rel.substring(rel.lastIndexOf('/') + 1).startsWith(PREFIX)) {
                files.add(ref);
            }
        }
        if (files.isEmpty()) {
            throw new ArtifactNotFoundException("configuration profile (" + DOMAIN + "/**/" + PREFIX
                    + "*) not found");
        }
        List<Profile> profiles = new ArrayList<>();
        CorruptArtifactException firstFailure = null;
        for (ArtifactRef ref : files) {
            try {
                profiles.add(read(ctx, ref));
            } catch (CorruptArtifactException e) {
                // one damaged profile must not hide the others
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (profiles.isEmpty() && firstFailure != null) {
            throw firstFailure;
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        profiles.forEach(out::record);
        if (ctx.hasIndicators()) {
            for (Profile p : profiles) {
                check(p, p.plist(), ctx.indicators(), out, true);
            }
        }
        for (Profile p : profiles) {
            if (!p.installDate().isEmpty()) {
                Map<String, Object> pl = p.plist();
                out.timeline(p.installDate(), "configuration_profile_install",
                        PyFormat.str(pl.get("PayloadType")) + " installed: " + PyFormat.str(pl.get("PayloadUUID"))
                                + " - " + PyFormat.str(pl.get("PayloadDisplayName")) + ": "
                                + PyFormat.str(pl.get("PayloadDescription")));
            }
        }
        LOG.info("Extracted details about {} configuration profiles", profiles.size());
        return out.build();
    }

    static Profile read(ModuleContext ctx, ArtifactRef ref) throws Exception {
        String name = ref.displayName();
        Map<String, Object> raw = PlistReader.readDict(ctx.source().localFile(ref), name);
        return new Profile(ref.id(), ref.relativePath(), ref.domain(), jsonPlist(raw, name),
                PlistJson.isoDate(raw.get("InstallDate")));
    }

    /**
     * A profile plist as MVT writes it: a JSON-ready copy with MVT's binary values in base64 (also
     * used by the sysdiagnose profile module).
     *
     * @param raw the plist as {@link PlistReader} read it
     * @param name the file, for error messages
     */
    public static Map<String, Object> jsonPlist(Map<String, Object> raw, String name) throws CorruptArtifactException {
        Map<String, Object> plist = PlistJson.copier(name).copyDict(raw);
        PlistJson.base64Each(plist, "SignerCerts");
        Map<String, Object> stub = PlistJson.dict(plist.get("OTAProfileStub"));
        if (stub != null) {
            PlistJson.base64Each(stub, "SignerCerts");
            PlistJson.base64(PlistJson.dict(stub.get("PayloadContent")), "EnrollmentIdentityPersistentID");
        }
        PlistJson.base64(plist, "PushTokenDataSentToServerKey");
        PlistJson.base64(plist, "LastPushTokenHash");
        if (plist.get("PayloadContent") instanceof List<?> contents) {
            for (Object c : contents) {
                Map<String, Object> content = PlistJson.dict(c);
                PlistJson.base64(content, "PERSISTENT_REF");
                PlistJson.base64(content, "IdentityPersistentRef");
            }
        }
        return Collections.unmodifiableMap(plist);
    }

    /**
     * MVT's checks of one profile: the profile indicator, then (heuristic) the notification payload
     * (also used by the sysdiagnose profile module).
     */
    public static void check(Object event, Map<String, ?> plist, Indicators indicators, ModuleResult.Builder out,
            boolean heuristics) {
        Object uuid = plist.get("PayloadUUID");
        if (!(uuid instanceof String u) || u.isEmpty()) {
            return;
        }
        Optional<IndicatorMatch> m = indicators.checkProfileId(u);
        if (m.isPresent()) {
            out.alert(Level.CRITICAL, "Found a known malicious configuration profile \""
                    + PyFormat.str(plist.get("PayloadDisplayName")) + "\" with UUID \"" + u + "\"", m.get(), "",
                    event);
            return;
        }
        if (heuristics && plist.get("PayloadContent") instanceof List<?> contents && !contents.isEmpty()
                && contents.get(0) instanceof Map<?, ?> first
                && NOTIFICATION_SETTINGS.equals(first.get("PayloadType"))) {
            out.alert(Level.MEDIUM, "Found a potentially suspicious configuration profile \""
                    + PyFormat.str(plist.get("PayloadDisplayName")) + "\" with payload type "
                    + NOTIFICATION_SETTINGS, "", event);
        }
    }

    /** Re-checks {@code configuration_profiles.json}: the profile indicator check only. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        recheckInto(results, indicators, out);
        return out.build().alerts();
    }

    /**
     * The profile indicator check over saved records (objects with a {@code plist}), alerts into
     * {@code out}; shared with the sysdiagnose profiles module, whose records have the same shape.
     */
    public static void recheckInto(JsonNode results, Indicators indicators, ModuleResult.Builder out) {
        for (JsonNode r : results) {
            JsonNode plist = r.get("plist");
            if (plist == null || !plist.isObject()) {
                continue;
            }
            JsonNode uuid = plist.get("PayloadUUID");
            JsonNode display = plist.get("PayloadDisplayName");
            Map<String, Object> fields = new java.util.HashMap<>();
            fields.put("PayloadUUID", uuid != null && uuid.isTextual() ? uuid.asText() : null);
            fields.put("PayloadDisplayName", display == null || display.isNull() ? null
                    : display.isTextual() ? display.asText() : display.toString());
            check(r, fields, indicators, out, false);
        }
    }
}
