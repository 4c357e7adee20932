package org.vigil.core;

/** The artifact parses but its schema (tables, columns, keys) is not one the module knows. Maps to {@code unreadable}. */
public class UnsupportedSchemaException extends VigilException {
    public UnsupportedSchemaException(String message) {
        super(message);
    }

    public UnsupportedSchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
