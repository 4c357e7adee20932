package org.vigil.core;

/** The password or key given for an encrypted acquisition is wrong. */
public class WrongPasswordException extends VigilException {
    public WrongPasswordException(String message) {
        super(message);
    }

    public WrongPasswordException(String message, Throwable cause) {
        super(message, cause);
    }
}
