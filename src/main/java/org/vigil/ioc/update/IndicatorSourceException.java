package org.vigil.ioc.update;

import org.vigil.core.VigilException;

/** An indicator file or folder the user named cannot be used (missing, unreadable). */
public final class IndicatorSourceException extends VigilException {
    public IndicatorSourceException(String message) {
        super(message);
    }

    public IndicatorSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
