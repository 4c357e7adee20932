package org.vigil.io.archive;

import java.io.EOFException;

/** The archive ends before its end: inside a header or inside an entry's data. */
public final class TruncatedArchiveException extends EOFException {
    public TruncatedArchiveException(String message) {
        super(message);
    }
}
