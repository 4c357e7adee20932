package org.vigil.core;

/** The acquisition (or an artifact) is encrypted and no key was given. Maps to {@code unreadable} inside a run. */
public class EncryptedSourceException extends VigilException {
    public EncryptedSourceException(String message) {
        super(message);
    }

    public EncryptedSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
