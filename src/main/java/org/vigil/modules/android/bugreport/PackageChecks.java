package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;

/** The indicator check most dumpsys modules share: each record's {@code package_name} as an app id. */
final class PackageChecks {
    private PackageChecks() {}

    /** check-iocs: a CRITICAL alert for each stored record whose package is an app-id indicator. */
    static List<Alert> recheck(ModuleDescriptor descriptor, JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(descriptor);
        for (JsonNode r : results) {
            indicators.checkAppId(r.path("package_name").asText("")).ifPresent(m -> out.alert(Level.CRITICAL, m, "", r));
        }
        return out.build().alerts();
    }
}
