package org.vigil.modules.android.intrusion;

import java.util.List;
import org.vigil.core.Module;

/** The intrusion-log modules, in MVT's INTRUSION_LOGS_MODULES order (for the module registry). */
public final class IntrusionLogModules {
    private IntrusionLogModules() {}

    /** DnsEvent, ConnectEvent, SecurityEvent: new instances. */
    public static List<Module> all() {
        return List.of(new DnsEvent(), new ConnectEvent(), new SecurityEvent());
    }
}
