package org.vigil.core.model;

import java.util.Objects;

/**
 * One alert raised by a module.
 *
 * @param level how serious
 * @param module slug of the module that raised it
 * @param message a sentence for the analyst
 * @param eventTime ISO time of the evidence ({@code yyyy-MM-dd HH:mm:ss.SSSSSS}), or "" if unknown
 * @param event the evidence record (serialised as JSON as it is)
 * @param matchedIndicator the indicator matched, or null for a heuristic alert
 */
public record Alert(
        Level level,
        String module,
        String message,
        String eventTime,
        Object event,
        IndicatorRef matchedIndicator) {
    public Alert {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(message, "message");
        eventTime = eventTime == null ? "" : eventTime;
    }
}
