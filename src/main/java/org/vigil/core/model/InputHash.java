package org.vigil.core.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * SHA-256 of one file, as listed in info.json.
 *
 * @param filePath the file's path
 * @param sha256 lower-case hex digest
 */
@JsonPropertyOrder({"file_path", "sha256"})
public record InputHash(@JsonProperty("file_path") String filePath, @JsonProperty("sha256") String sha256) {}
