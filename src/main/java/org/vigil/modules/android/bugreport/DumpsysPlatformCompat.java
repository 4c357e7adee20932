package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;

/**
 * Packages named in the platform-compat overrides ({@code dumpsys_platform_compat}, MVT's
 * {@code DumpsysPlatformCompat}): the {@code rawOverrides={pkg=..., ...}} of change
 * {@code 168419799} (DOWNSCALED) keep the names of apps even after they were uninstalled.
 *
 * <p><b>Artifact</b>: the {@code DUMP OF SERVICE platform_compat:} section of the dumpstate text.
 * <b>Records</b>: {@code {package_name}}. <b>Flags</b>: a package matching an app-id indicator
 * (CRITICAL). <b>Timeline</b>: none.
 */
public final class DumpsysPlatformCompat implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysPlatformCompat.class);

    static final String SERVICE = "platform_compat";
    static final String CHANGE = "ChangeId(168419799; name=DOWNSCALED;";
    static final String OVERRIDES = "rawOverrides={";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_platform_compat", "DumpsysPlatformCompat", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE platform_compat"), List.of(),
            "Packages in platform-compat overrides (incl. uninstalled apps): indicators");

    /** One package. */
    public record Entry(@JsonProperty("package_name") String packageName) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<Entry> entries = parse(DumpsysSections.service(ctx.source(), SERVICE));
        LOG.info("Found {} packages in platform_compat overrides", entries.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Entry e : entries) {
            if (ctx.hasIndicators()) {
                ctx.indicators().checkAppId(e.packageName()).ifPresent(m -> out.alert(Level.CRITICAL, m, "", e));
            }
            out.record(e);
        }
        return out.build();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return PackageChecks.recheck(DESCRIPTOR, results, indicators);
    }

    /** The packages of the DOWNSCALED change's raw overrides. */
    static List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            String text = line.strip();
            if (!text.startsWith(CHANGE)) {
                continue;
            }
            int start = text.indexOf(OVERRIDES);
            if (start < 0) {
                continue;
            }
            start += OVERRIDES.length();
            int end = text.indexOf('}', start);
            if (end < 0) {
                continue;
            }
            for (String item : text.substring(start, end).split(",")) {
                String s = item.strip();
                int eq = s.indexOf('=');
                String name = eq >= 0 ? s.substring(0, eq) : s;
                if (!name.isEmpty()) {
                    out.add(new Entry(name));
                }
            }
        }
        return out;
    }
}
