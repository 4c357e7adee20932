package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;

/**
 * Accessibility services ({@code dumpsys_accessibility}, MVT's {@code DumpsysAccessibility}).
 *
 * <p><b>Artifact</b>: the {@code DUMP OF SERVICE accessibility:} section. Old syntax: the lines
 * after {@code installed services:} up to the closing {@code }} ({@code "0 : pkg/service"};
 * service = {@code pkg/service}); Android 14+ syntax: {@code Enabled services:{{pkg/svc}, ...}}
 * (service = the part after {@code /}, as MVT). Blank or malformed lines in the old list are
 * skipped (MVT failed on them).
 *
 * <p><b>Records</b>: {@code {package_name, service}}. <b>Flags</b>: a package matching an app-id
 * indicator (CRITICAL); else, always, every service (MEDIUM 'Found accessibility service: "..."':
 * accessibility services can read and drive the screen, a favourite of stalkerware and banking
 * trojans; MVT's heuristic). <b>Timeline</b>: none.
 */
public final class DumpsysAccessibility implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysAccessibility.class);

    static final String SERVICE = "accessibility";
    private static final Pattern BRACED = Pattern.compile("\\{([^{]+?)\\}");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_accessibility", "DumpsysAccessibility", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE accessibility"), List.of(),
            "Accessibility services: indicators, every service noted");

    /** One service. */
    public record Service(@JsonProperty("package_name") String packageName, @JsonProperty("service") String service) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<Service> services = parse(DumpsysSections.service(ctx.source(), SERVICE));
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Service s : services) {
            LOG.info("Found installed accessibility service \"{}\"", s.service());
            check(out, s, ctx.hasIndicators() ? ctx.indicators() : null);
            out.record(s);
        }
        LOG.info("Identified a total of {} accessibility services", services.size());
        return out.build();
    }

    static void check(ModuleResult.Builder out, Service s, Indicators indicators) {
        if (indicators != null) {
            Optional<IndicatorMatch> m = indicators.checkAppId(s.packageName());
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, m.get(), "", s);
                return;
            }
        }
        out.alert(Level.MEDIUM, "Found accessibility service: \"" + s.service() + "\"", "", s);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return PackageChecks.recheck(DESCRIPTOR, results, indicators);
    }

    static List<Service> parse(List<String> lines) {
        List<Service> out = new ArrayList<>();
        boolean inInstalled = false;
        for (String line : lines) {
            String text = line.strip();
            if (!inInstalled) {
                inInstalled = text.startsWith("installed services:");
                continue;
            }
            if (text.equals("}")) {
                break;
            }
            int colon = text.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String service = text.substring(colon + 1).strip();
            if (!service.isEmpty()) {
                int slash = service.indexOf('/');
                out.add(new Service(slash < 0 ? service : service.substring(0, slash), service));
            }
        }
        for (String line : lines) {
            if (line.strip().startsWith("Enabled services:")) {
                Matcher m = BRACED.matcher(line);
                while (m.find()) {
                    String item = m.group(1);
                    int slash = item.indexOf('/');
                    out.add(slash < 0 ? new Service(item, "") : new Service(item.substring(0, slash),
                            item.substring(slash + 1)));
                }
            }
        }
        return out;
    }
}
