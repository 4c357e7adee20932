package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Daily network usage per process from OS analytics ({@code os_analytics_ad_daily}, MVT's
 * {@code OSAnalyticsADDaily}).
 *
 * <p><b>Artifact</b>: {@code com.apple.osanalytics.addaily.plist}; in a backup HomeDomain
 * {@code Library/Preferences/com.apple.osanalytics.addaily.plist} (fileID {@value #BACKUP_ID}),
 * in a filesystem dump {@code private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist}.
 *
 * <p><b>Records</b>: dictionary {@code netUsageBaseline} {@code {process: [date, wifi_in,
 * wifi_out, wwan_in, wwan_out]}}, one record per process: {@code package, ts} (the date, ISO)
 * {@code , wifi_in, wifi_out, wwan_in, wwan_out}.
 *
 * <p><b>Flags</b>: a process matching a process indicator (CRITICAL, at {@code ts}). Source: MVT
 * (Amnesty Security Lab's 2021 Pegasus methodology: Pegasus process names such as {@code bh} or
 * {@code roleaccountd} appear in network usage records).
 *
 * <p><b>Timeline</b>: {@code osanalytics_addaily} at {@code ts}.
 */
public final class OSAnalyticsADDaily implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(OSAnalyticsADDaily.class);

    /** Backup fileID of HomeDomain Library/Preferences/com.apple.osanalytics.addaily.plist. */
    public static final String BACKUP_ID = "f65b5fafc69bbd3c60be019c6e938e146825fa83";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/Preferences/com.apple.osanalytics.addaily.plist";
    static final String FS_PATH = "private/var/mobile/Library/Preferences/com.apple.osanalytics.addaily.plist";
    static final String KEY = "netUsageBaseline";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "os_analytics_ad_daily", "OSAnalyticsADDaily", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Daily per-process network usage from OS analytics: process names against indicators");

    /**
     * One process's daily usage.
     *
     * @param packageName the process
     * @param ts the baseline date, ISO
     * @param wifiIn Wi-Fi bytes in
     * @param wifiOut Wi-Fi bytes out
     * @param wwanIn cellular bytes in
     * @param wwanOut cellular bytes out
     */
    @JsonPropertyOrder({"package", "ts", "wifi_in", "wifi_out", "wwan_in", "wwan_out"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Usage(
            @JsonProperty("package") String packageName,
            @JsonProperty("ts") String ts,
            @JsonProperty("wifi_in") Object wifiIn,
            @JsonProperty("wifi_out") Object wifiOut,
            @JsonProperty("wwan_in") Object wwanIn,
            @JsonProperty("wwan_out") Object wwanOut) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "com.apple.osanalytics.addaily.plist");
        String name = ref.displayName();
        LOG.info("Found com.apple.osanalytics.addaily plist at path: {}", name);
        List<Usage> rows = read(PlistReader.readDict(ctx.source().localFile(ref), name), name);

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        rows.forEach(out::record);
        if (ctx.hasIndicators()) {
            for (Usage u : rows) {
                ctx.indicators().checkProcess(u.packageName())
                        .ifPresent(m -> out.alert(Level.CRITICAL, m, u.ts(), u));
            }
        }
        for (Usage u : rows) {
            out.timeline(u.ts(), "osanalytics_addaily", u.packageName() + " WIFI IN: " + Support.py(u.wifiIn())
                    + ", WIFI OUT: " + Support.py(u.wifiOut()) + " - WWAN IN: " + Support.py(u.wwanIn())
                    + ", WWAN OUT: " + Support.py(u.wwanOut()));
        }
        if (rows.isEmpty()) {
            LOG.info("Extracted a total of 0 com.apple.osanalytics.addaily entries");
        } else {
            List<String> dates = rows.stream().map(Usage::ts).sorted().toList();
            LOG.info("Extracted a total of {} com.apple.osanalytics.addaily entries between {} and {}", rows.size(),
                    head19(dates.get(0)), head19(dates.get(dates.size() - 1)));
        }
        return out.build();
    }

    static List<Usage> read(Map<String, Object> plist, String name)
            throws UnsupportedSchemaException, CorruptArtifactException {
        if (!plist.containsKey(KEY)) {
            throw new UnsupportedSchemaException(name + ": no key " + KEY);
        }
        Map<String, Object> baseline = PlistJson.dict(plist.get(KEY));
        if (baseline == null) {
            throw new UnsupportedSchemaException(name + ": " + KEY + " is not a dictionary");
        }
        List<Usage> rows = new ArrayList<>();
        PlistJson.Copier copier = PlistJson.copier(name);
        int skipped = 0;
        for (Map.Entry<String, Object> e : baseline.entrySet()) {
            if (!(e.getValue() instanceof List<?> v) || v.size() < 5) {
                skipped++; // MVT would stop with an IndexError/TypeError here
                continue;
            }
            rows.add(new Usage(e.getKey(), PlistJson.isoDate(v.get(0)), copier.copy(v.get(1)),
                    copier.copy(v.get(2)), copier.copy(v.get(3)), copier.copy(v.get(4))));
        }
        if (skipped > 0) {
            LOG.warn("{}: {} {} entries are not [date, wifi_in, wifi_out, wwan_in, wwan_out] and were skipped",
                    name, skipped, KEY);
            if (rows.isEmpty()) {
                throw new UnsupportedSchemaException(name + ": no " + KEY
                        + " entry is a list [date, wifi_in, wifi_out, wwan_in, wwan_out]");
            }
        }
        return rows;
    }

    private static String head19(String s) {
        return s.length() > 19 ? s.substring(0, 19) : s;
    }

    /** Re-checks {@code os_analytics_ad_daily.json}: the process indicator check. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            JsonNode pkg = r.get("package");
            if (pkg != null && pkg.isTextual()) {
                String ts = r.path("ts").asText("");
                indicators.checkProcess(pkg.asText()).ifPresent(m -> out.alert(Level.CRITICAL, m, ts, r));
            }
        }
        return out.build().alerts();
    }
}
