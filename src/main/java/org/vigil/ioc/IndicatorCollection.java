package org.vigil.ioc;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One collection of indicators, as MVT groups them: a STIX {@code malware} or {@code report}
 * object, or the file's "Default collection" for indicators linked to neither.
 *
 * @param id STIX id of the malware/report ({@code "0"} for the default collection)
 * @param name collection name (the {@code name} of {@code matched_indicator})
 * @param description its description ("" when absent)
 * @param stixFileName basename of the STIX file
 * @param stixFilePath path of the STIX file as given
 * @param values the indicator values per type, deduplicated, in file order
 */
public record IndicatorCollection(
        String id,
        String name,
        String description,
        String stixFileName,
        String stixFilePath,
        Map<IndicatorType, List<String>> values) {

    /** Id of the default collection. */
    public static final String DEFAULT_ID = "0";
    /** Name of the default collection. */
    public static final String DEFAULT_NAME = "Default collection";
    /** Description of the default collection. */
    public static final String DEFAULT_DESCRIPTION =
            "Collection with IOCs unrelated to malware or reports";

    public IndicatorCollection {
        Objects.requireNonNull(id, "id");
        name = name == null ? "" : name;
        description = description == null ? "" : description;
        stixFileName = stixFileName == null ? "" : stixFileName;
        stixFilePath = stixFilePath == null ? "" : stixFilePath;
        EnumMap<IndicatorType, List<String>> copy = new EnumMap<>(IndicatorType.class);
        for (IndicatorType t : IndicatorType.values()) {
            List<String> v = values.get(t);
            copy.put(t, v == null ? List.of() : List.copyOf(v));
        }
        values = Collections.unmodifiableMap(copy);
    }

    /** Values of one type (never null). */
    public List<String> values(IndicatorType type) {
        return values.get(type);
    }

    /** Number of indicators in the collection (MVT's {@code count}). */
    public int count() {
        int n = 0;
        for (List<String> v : values.values()) {
            n += v.size();
        }
        return n;
    }
}
