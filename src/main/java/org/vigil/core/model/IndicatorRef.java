package org.vigil.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The indicator an alert matched, in MVT's {@code matched_indicator} shape.
 *
 * @param value the indicator value as loaded (e.g. {@code example.org})
 * @param type MVT's list name: {@code domains}, {@code urls}, {@code processes}, {@code emails},
 *     {@code file_names}, {@code file_paths}, {@code files_md5}, {@code files_sha1},
 *     {@code files_sha256}, {@code app_cert_hashes}, {@code app_ids}, {@code ios_profile_ids},
 *     {@code android_property_names}
 * @param name the collection (malware or report) name
 * @param stix2FileName the basename of the STIX2 file the indicator came from
 */
@JsonPropertyOrder({"value", "type", "name", "stix2_file_name"})
public record IndicatorRef(
        @JsonProperty("value") String value,
        @JsonProperty("type") String type,
        @JsonProperty("name") String name,
        @JsonProperty("stix2_file_name") String stix2FileName) {
    public IndicatorRef {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(type, "type");
    }
}
