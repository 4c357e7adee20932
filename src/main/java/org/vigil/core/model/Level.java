package org.vigil.core.model;

import java.util.Locale;

/**
 * Alert levels, with MVT's names and numeric values (INFORMATIONAL 0 ... CRITICAL 40).
 *
 * <p>CRITICAL is a direct indicator match; HIGH a strong heuristic or a match in weaker evidence;
 * MEDIUM suspicious configuration or behaviour; LOW a weak anomaly; INFORMATIONAL context.
 */
public enum Level {
    INFORMATIONAL(0),
    LOW(10),
    MEDIUM(20),
    HIGH(30),
    CRITICAL(40);

    private final int value;

    Level(int value) {
        this.value = value;
    }

    /** MVT's numeric value of the level. */
    public int value() {
        return value;
    }

    /** True when this level is at least {@code other}. */
    public boolean atLeast(Level other) {
        return value >= other.value;
    }

    /** Parses a level name case-insensitively ({@code info} is accepted for INFORMATIONAL). */
    public static Level parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("INFO")) {
            return INFORMATIONAL;
        }
        return Level.valueOf(n);
    }
}
