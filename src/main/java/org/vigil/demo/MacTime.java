package org.vigil.demo;

import java.time.Instant;
import org.vigil.io.Times;

/** Instant to Apple (Cocoa, 2001-based) time, the direction only writers need. */
final class MacTime {
    private static final long NANOS = 1_000_000_000L;

    private MacTime() {}

    /** Seconds since 2001-01-01 as a double (Core Data {@code TIMESTAMP}, Safari {@code visit_time}). */
    static double seconds(Instant t) {
        return (t.getEpochSecond() - Times.MAC_EPOCH_OFFSET) + t.getNano() / (double) NANOS;
    }

    /** Nanoseconds since 2001-01-01 (sms.db {@code date}, 18 digits for dates after 2004). */
    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond() - Times.MAC_EPOCH_OFFSET, NANOS), t.getNano());
    }
}
