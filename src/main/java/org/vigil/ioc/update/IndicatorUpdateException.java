package org.vigil.ioc.update;

import org.vigil.core.VigilException;

/** An indicator update could not run at all (index unreadable or invalid, data folder unusable). */
public final class IndicatorUpdateException extends VigilException {
    public IndicatorUpdateException(String message) {
        super(message);
    }

    public IndicatorUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
