package org.vigil.core;

/** The artifact a module reads is not in the acquisition. Maps to {@code not_present}. */
public class ArtifactNotFoundException extends VigilException {
    public ArtifactNotFoundException(String message) {
        super(message);
    }

    public ArtifactNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
