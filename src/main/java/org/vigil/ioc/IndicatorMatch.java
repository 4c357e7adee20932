package org.vigil.ioc;

import java.util.Objects;

/**
 * A positive indicator check.
 *
 * @param indicator what matched
 * @param message MVT-style sentence (e.g. {@code Found a known suspicious domain ... matching
 *     indicator "x" from "y"})
 */
public record IndicatorMatch(Indicator indicator, String message) {
    public IndicatorMatch {
        Objects.requireNonNull(indicator, "indicator");
        Objects.requireNonNull(message, "message");
    }
}
