package org.vigil.demo;

import java.util.Objects;
import org.vigil.core.model.Level;

/**
 * One alert the demo backup must raise when checked with the demo indicators.
 *
 * @param module slug of the module that raises it (e.g. {@code sms})
 * @param level its level
 * @param eventTime the alert's event time, MVT format ({@code yyyy-MM-dd HH:mm:ss.SSSSSS})
 * @param indicator the indicator value matched, or null for a heuristic alert
 * @param message MVT's exact message for heuristic alerts; null for indicator matches (whose
 *     wording is the matcher's)
 * @param trace what was planted, for humans
 */
public record ExpectedAlert(
        String module, Level level, String eventTime, String indicator, String message, String trace) {
    public ExpectedAlert {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(trace, "trace");
    }
}
