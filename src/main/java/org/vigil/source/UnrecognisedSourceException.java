package org.vigil.source;

import org.vigil.core.VigilException;

/**
 * The path given is not an acquisition Vigil recognises (e.g. a folder that is not an iTunes
 * backup), or it is ambiguous (several backups in one folder). The message names the path and says
 * what was expected.
 */
public class UnrecognisedSourceException extends VigilException {
    public UnrecognisedSourceException(String message) {
        super(message);
    }
}
