package org.vigil.core.model;

import java.util.Locale;

/** What became of one module in a run. Never "clean": a status says what could be checked. */
public enum ModuleStatus {
    /** The artifact was found and read; its records were checked. */
    CHECKED,
    /** The artifact is not in this acquisition (not an error: many phones lack many apps). */
    NOT_PRESENT,
    /** The artifact is there but could not be read: corrupt, encrypted, unknown schema. */
    UNREADABLE,
    /** The module failed on a bug; the stack trace is in command.log. */
    FAILED;

    /** The lower-case name used in coverage.json. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
