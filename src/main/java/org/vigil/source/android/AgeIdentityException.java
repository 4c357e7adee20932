package org.vigil.source.android;

import org.vigil.core.VigilException;

/** An age identity file that cannot be used: missing, unreadable, malformed, or holding no identity. */
public final class AgeIdentityException extends VigilException {
    public AgeIdentityException(String message) {
        super(message);
    }

    public AgeIdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
