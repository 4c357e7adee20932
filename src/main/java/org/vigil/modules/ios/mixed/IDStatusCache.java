package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * Identity Services lookups ({@code id_status_cache}, MVT's {@code IDStatusCache}): which Apple
 * IDs, phone numbers and e-mail addresses the phone looked up for iMessage/FaceTime.
 *
 * <p><b>Artifact</b>: {@code com.apple.identityservices.idstatuscache.plist}. In a backup only
 * HomeDomain {@code Library/Preferences/com.apple.identityservices.idstatuscache.plist} (fileID
 * {@value #BACKUP_ID}); in a filesystem dump every file of
 * {@code private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist}
 * and {@code private/var/mobile/Library/IdentityServices/idstatuscache.plist}.
 *
 * <p><b>Records</b>: plist {@code {service: {user: {LookupDate, IDStatus}}}}, one record per
 * user entry having both keys: {@code package} (service), {@code user} (NUL characters written
 * as the literal text {@code \x00}, as MVT does), {@code isodate} (LookupDate, Mac absolute
 * time), {@code idstatus}, {@code occurrences} (entries of the same user in the same file).
 *
 * <p><b>Flags</b> (only when indicators are loaded, as MVT): a {@code mailto:} user matching an
 * e-mail indicator (CRITICAL); otherwise a user containing two consecutive NUL characters (HIGH:
 * malformed lookups seen in Pegasus zero-click iMessage exploitation, Amnesty Security Lab's 2021
 * forensic methodology report; heuristic as in MVT).
 *
 * <p><b>Timeline</b>: {@code lookup} at each lookup date.
 */
public final class IDStatusCache implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(IDStatusCache.class);

    /** Backup fileID of HomeDomain Library/Preferences/com.apple.identityservices.idstatuscache.plist. */
    public static final String BACKUP_ID = "6b97989189901ceaa4e5be9b7f05fb584120e27b";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/Preferences/com.apple.identityservices.idstatuscache.plist";
    static final List<String> FS_PATHS = List.of(
            "private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist",
            "private/var/mobile/Library/IdentityServices/idstatuscache.plist");

    /** The literal text MVT writes for a NUL character in a user. */
    static final String NUL_TEXT = "\\x00";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "id_status_cache", "IDStatusCache", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATHS.get(0), FS_PATHS.get(1)),
            List.of(),
            "Identity Services lookups: e-mail addresses against indicators, lookups with NUL patterns");

    /**
     * One lookup.
     *
     * @param packageName the service (e.g. {@code com.apple.madrid})
     * @param user the looked-up id ({@code mailto:...}, {@code tel:...}), NULs as {@code \x00}
     * @param isodate lookup time
     * @param idstatus IDStatus as stored
     * @param occurrences entries of the same user in the same file
     */
    @JsonPropertyOrder({"package", "user", "isodate", "idstatus", "occurrences"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(
            @JsonProperty("package") String packageName,
            @JsonProperty("user") String user,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("idstatus") Object idstatus,
            @JsonProperty("occurrences") int occurrences) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files;
        if (ctx.source().kind() == SourceKind.IOS_FS) {
            files = BackupArtifacts.requireAll(ctx.source(),
                    FS_PATHS.stream().map(ArtifactPattern::anyDomain).toList(), "idstatuscache.plist");
        } else {
            files = List.of(BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                    List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH)),
                    "com.apple.identityservices.idstatuscache.plist"));
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        List<Entry> all = new ArrayList<>();
        Exception firstFailure = null;
        int read = 0;
        for (ArtifactRef ref : files) {
            LOG.info("Found IDStatusCache plist at path: {}", ref.displayName());
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
        all.forEach(out::record);
        if (ctx.hasIndicators()) {
            for (Entry e : all) {
                check(e, e.user(), ctx.indicators(), out, true);
            }
        }
        for (Entry e : all) {
            out.timeline(e.isodate(), "lookup", "Lookup of " + e.user() + " within " + e.packageName()
                    + " (Status " + Support.py(e.idstatus()) + ")");
        }
        LOG.info("Extracted a total of {} ID Status Cache entries", all.size());
        return out.build();
    }

    static List<Entry> read(ModuleContext ctx, ArtifactRef ref) throws Exception {
        String name = ref.displayName();
        Map<String, Object> plist = PlistReader.readDict(ctx.source().localFile(ref), name);
        record Raw(String packageName, String user, String isodate, Object idstatus) {}
        List<Raw> raws = new ArrayList<>();
        boolean sawService = false;
        PlistJson.Copier copier = PlistJson.copier(name);
        for (Map.Entry<String, Object> service : plist.entrySet()) {
            Map<String, Object> users = PlistJson.dict(service.getValue());
            if (users == null) {
                continue;
            }
            sawService = true;
            for (Map.Entry<String, Object> u : users.entrySet()) {
                Map<String, Object> lookup = PlistJson.dict(u.getValue());
                if (lookup == null || !lookup.containsKey("LookupDate") || !lookup.containsKey("IDStatus")) {
                    continue;
                }
                raws.add(new Raw(service.getKey(), u.getKey().replace("\u0000", NUL_TEXT),
                        PlistJson.macTime(lookup.get("LookupDate")), copier.copy(lookup.get("IDStatus"))));
            }
        }
        if (!plist.isEmpty() && !sawService) {
            throw new UnsupportedSchemaException(name + ": no service dictionary (expected {service: {user: "
                    + "{LookupDate, IDStatus}}})");
        }
        Map<String, Integer> counts = new HashMap<>();
        raws.forEach(r -> counts.merge(r.user(), 1, Integer::sum));
        List<Entry> entries = new ArrayList<>(raws.size());
        for (Raw r : raws) {
            entries.add(new Entry(r.packageName(), r.user(), r.isodate(), r.idstatus(), counts.get(r.user())));
        }
        return entries;
    }

    /** MVT's checks of one record: the e-mail indicator, then (heuristic) the NUL pattern. */
    private static void check(Object event, String user, Indicators indicators, ModuleResult.Builder out,
            boolean heuristics) {
        if (user == null) {
            return;
        }
        if (user.startsWith("mailto:")) {
            Optional<IndicatorMatch> m = indicators.checkEmail(stripQuotes(user.substring(7)));
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, m.get(), "", event);
                return;
            }
        }
        if (heuristics && user.contains(NUL_TEXT + NUL_TEXT)) {
            out.alert(Level.HIGH, "Found an ID Status Cache entry with suspicious patterns: " + user, "", event);
        }
    }

    /** Python's {@code str.strip("'")}. */
    static String stripQuotes(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && s.charAt(b) == '\'') {
            b++;
        }
        while (e > b && s.charAt(e - 1) == '\'') {
            e--;
        }
        return s.substring(b, e);
    }

    /** Re-checks {@code id_status_cache.json}: the e-mail indicator check only. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            JsonNode user = r.get("user");
            if (user != null && user.isTextual()) {
                check(r, user.asText(), indicators, out, false);
            }
        }
        return out.build().alerts();
    }
}
