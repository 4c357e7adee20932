package org.vigil.core;

/**
 * Run options a module may read.
 *
 * @param fast skip slow whole-acquisition searches (MVT's {@code --fast})
 * @param allowNetwork network lookups (URL-shortener expansion) are allowed
 */
public record ModuleOptions(boolean fast, boolean allowNetwork) {
    /** Defaults: thorough and offline. */
    public static ModuleOptions defaults() {
        return new ModuleOptions(false, false);
    }
}
