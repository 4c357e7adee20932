package org.vigil.modules.ios.fs;

import java.util.List;
import org.vigil.core.Module;

/**
 * The iOS filesystem-only modules of this package, in MVT's {@code FS_MODULES} order. MVT's list
 * also holds {@code Filesystem} (after {@code CacheFiles}) and {@code ShutdownLog} (after
 * {@code SafariFavicon}), which live elsewhere: a registry listing the whole check-fs run inserts
 * them at those places, then the mixed modules.
 */
public final class FsModules {
    private FsModules() {}

    /** New instances, in MVT's order. */
    public static List<Module> all() {
        return List.of(
                new CacheFiles(),
                new Netusage(),
                new Analytics(),
                new AnalyticsIOSVersions(),
                new SafariFavicon(),
                new IOSVersionHistory(),
                new WebkitIndexedDB(),
                new WebkitLocalStorage(),
                new WebkitSafariViewService());
    }
}
