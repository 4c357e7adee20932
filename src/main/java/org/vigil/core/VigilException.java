package org.vigil.core;

/** Base of Vigil's typed exceptions: each says what went wrong with which file. */
public class VigilException extends Exception {
    public VigilException(String message) {
        super(message);
    }

    public VigilException(String message, Throwable cause) {
        super(message, cause);
    }
}
