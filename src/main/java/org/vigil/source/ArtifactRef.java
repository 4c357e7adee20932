package org.vigil.source;

import java.util.Objects;

/**
 * One file of an acquisition, as a source knows it.
 *
 * <p>For an iOS backup: {@code id} is the fileID (SHA-1 of {@code domain-relativePath}),
 * {@code domain} and {@code relativePath} come from Manifest.db, and {@code meta} is decoded from
 * the NSKeyedArchiver {@code file} blob. For filesystem-like sources: {@code id} is the path
 * relative to the acquisition root, {@code domain} is empty.
 *
 * @param id source-specific identifier (backup fileID or relative path)
 * @param domain backup domain, or "" where the source has none
 * @param relativePath path inside the domain (or relative to the root)
 * @param meta size, mode, owner and times when known, or {@link FileMeta#UNKNOWN}
 */
public record ArtifactRef(String id, String domain, String relativePath, FileMeta meta) {
    public ArtifactRef {
        Objects.requireNonNull(id, "id");
        domain = domain == null ? "" : domain;
        relativePath = relativePath == null ? "" : relativePath;
        meta = meta == null ? FileMeta.UNKNOWN : meta;
    }

    /** "domain/relativePath" or just the relative path, for messages. */
    public String displayName() {
        return domain.isEmpty() ? relativePath : domain + "/" + relativePath;
    }
}
