package org.vigil.modules.android.androidqf;

import java.util.List;
import org.vigil.core.Module;

/** The androidqf modules, in MVT's ANDROIDQF_MODULES order (for the module registry). */
public final class AndroidQfModules {
    private AndroidQfModules() {}

    /**
     * AQFPackages, AQFProcesses, AQFGetProp, AQFSettings, AQFFiles, AQFLogTimestamps, RootBinaries,
     * Mounts: new instances.
     */
    public static List<Module> all() {
        return List.of(new AQFPackages(), new AQFProcesses(), new AQFGetProp(), new AQFSettings(), new AQFFiles(),
                new AQFLogTimestamps(), new RootBinaries(), new Mounts());
    }
}
