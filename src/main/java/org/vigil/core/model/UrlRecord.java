package org.vigil.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * One entry of urls.json: a link found in a message.
 *
 * @param url the link as found
 * @param expandedUrl the destination when a shortener was resolved (only with network access)
 * @param timestamp ISO time of the message
 * @param source {@code sms} or {@code whatsapp}
 */
@JsonPropertyOrder({"url", "expanded_url", "timestamp", "source"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record UrlRecord(
        @JsonProperty("url") String url,
        @JsonProperty("expanded_url") String expandedUrl,
        @JsonProperty("timestamp") String timestamp,
        @JsonProperty("source") String source) {
    public UrlRecord {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(source, "source");
    }
}
