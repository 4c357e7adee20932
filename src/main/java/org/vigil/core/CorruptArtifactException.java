package org.vigil.core;

/** The artifact is there but cannot be parsed (truncated, not SQLite, bad plist, loops). Maps to {@code unreadable}. */
public class CorruptArtifactException extends VigilException {
    public CorruptArtifactException(String message) {
        super(message);
    }

    public CorruptArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
