package org.vigil.ioc;

import java.util.Objects;
import org.vigil.core.model.IndicatorRef;

/**
 * One loaded indicator.
 *
 * @param value normalised value (e.g. lower-cased domain)
 * @param type its list
 * @param collection collection (malware or report) name
 * @param stixFile basename of the STIX2 file
 */
public record Indicator(String value, IndicatorType type, String collection, String stixFile) {
    public Indicator {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(type, "type");
        collection = collection == null ? "" : collection;
        stixFile = stixFile == null ? "" : stixFile;
    }

    /** The {@code matched_indicator} value for alerts. */
    public IndicatorRef toRef() {
        return new IndicatorRef(value, type.listName(), collection, stixFile);
    }
}
