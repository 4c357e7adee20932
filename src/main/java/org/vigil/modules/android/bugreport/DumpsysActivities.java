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
 * Activities registered for intent actions ({@code dumpsys_activities}, MVT's
 * {@code DumpsysActivities}).
 *
 * <p><b>Artifact</b>: the {@code Activity Resolver Table:} / {@code Non-Data Actions:} part of the
 * {@code DUMP OF SERVICE package:} section (read as {@link ResolverTable} describes).
 * <b>Records</b>: {@code {intent, package_name, activity}}. <b>Flags</b>: a package matching an
 * app-id indicator (CRITICAL). <b>Timeline</b>: none.
 */
public final class DumpsysActivities implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysActivities.class);

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_activities", "DumpsysActivities", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE package, Activity Resolver Table"), List.of(),
            "Activities handling intent actions: indicators");

    /** One activity. */
    public record Activity(@JsonProperty("intent") String intent, @JsonProperty("package_name") String packageName,
            @JsonProperty("activity") String activity) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<Activity> activities = parse(DumpsysSections.service(ctx.source(), DumpsysPackages.SERVICE));
        LOG.info("Extracted {} package activities", activities.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Activity a : activities) {
            if (ctx.hasIndicators()) {
                ctx.indicators().checkAppId(a.packageName()).ifPresent(m -> out.alert(Level.CRITICAL, m, "", a));
            }
            out.record(a);
        }
        return out.build();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return PackageChecks.recheck(DESCRIPTOR, results, indicators);
    }

    static List<Activity> parse(List<String> lines) {
        List<Activity> out = new ArrayList<>();
        for (ResolverTable.Row r : ResolverTable.nonDataActions(lines, "Activity Resolver Table:")) {
            if (r.component() != null) {
                out.add(new Activity(r.intent(), r.packageName(), r.component()));
            }
        }
        return out;
    }
}
