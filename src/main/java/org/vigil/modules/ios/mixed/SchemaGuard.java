package org.vigil.modules.ios.mixed;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.io.PyFormat;
import org.vigil.io.SqliteReader;

/**
 * Schema checks and value helpers for the SQLite modules of this package whose tables differ
 * between iOS and app versions: required tables and columns give an
 * {@link UnsupportedSchemaException} with a reason naming the file ({@code <file>: no table X},
 * {@code <file>: no column Y in table X}); optional columns read as {@code NULL}.
 */
final class SchemaGuard {
    private SchemaGuard() {}

    /** Fails unless the table exists. */
    static void requireTable(SqliteReader db, String name, String table)
            throws SQLException, UnsupportedSchemaException {
        if (!db.hasTable(table)) {
            throw new UnsupportedSchemaException(name + ": no table " + table);
        }
    }

    /**
     * Fails unless the table exists with every listed column; returns its columns (lower-case).
     */
    static Set<String> requireColumns(SqliteReader db, String name, String table, String... columns)
            throws SQLException, UnsupportedSchemaException {
        requireTable(db, name, table);
        Set<String> present = db.columns(table);
        for (String c : columns) {
            if (!present.contains(c.toLowerCase(Locale.ROOT))) {
                throw new UnsupportedSchemaException(name + ": no column " + c + " in table " + table);
            }
        }
        return present;
    }

    /** The columns of a table (lower-case), empty when the table does not exist. */
    static Set<String> columnsIfPresent(SqliteReader db, String table) throws SQLException {
        return db.hasTable(table) ? db.columns(table) : Set.of();
    }

    /** {@code qualifier.column} when the column is present, else {@code NULL}. */
    static String colOrNull(Set<String> present, String qualifier, String column) {
        return present.contains(column.toLowerCase(Locale.ROOT)) ? qualifier + "." + column : "NULL";
    }

    /** Python's truthiness of a value read from SQLite or JSON. */
    static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof byte[] b) {
            return b.length > 0;
        }
        if (value instanceof java.util.Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    /**
     * A value as text in a timeline sentence: Python's {@code str()} ({@code None}, {@code 1.0}),
     * bytes as MVT renders them in JSON.
     */
    static String text(Object value) {
        if (value instanceof byte[] b) {
            return PyFormat.bytes(b);
        }
        return PyFormat.str(value);
    }

    /** A string value: text as it is, bytes decoded as UTF-8, null as null, others as {@code str()}. */
    static String string(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return PyFormat.str(value);
    }
}
