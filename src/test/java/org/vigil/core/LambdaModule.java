package org.vigil.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.vigil.core.model.Alert;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;

/** A test module whose behaviour is a lambda (iOS backup, plugin name {@code P_<slug>}). */
record LambdaModule(String slug, List<String> deps, Behaviour behaviour) implements Module {
    /** What the module does when it runs. */
    interface Behaviour {
        ModuleResult run(ModuleDescriptor d, ModuleContext ctx) throws Exception;
    }

    @Override
    public ModuleDescriptor descriptor() {
        return new ModuleDescriptor(slug, "P_" + slug, Platform.IOS, Set.of(SourceKind.IOS_BACKUP),
                List.of(), deps, "test");
    }

    @Override
    public ModuleResult run(ModuleContext context) throws Exception {
        return behaviour.run(descriptor(), context);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }
}
