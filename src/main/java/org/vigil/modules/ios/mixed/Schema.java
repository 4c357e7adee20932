package org.vigil.modules.ios.mixed;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.io.SqliteReader;

/**
 * Schema checks for the SQLite modules whose tables differ between iOS versions: a required
 * table or column that is missing gives an {@link UnsupportedSchemaException} naming the file
 * ({@code <file>: no table X}, {@code <file>: no column Y in table X}); optional columns are read
 * as {@code NULL}.
 */
final class Schema {
    private Schema() {}

    /** Fails unless the table exists. */
    static void requireTable(SqliteReader db, String name, String table)
            throws SQLException, UnsupportedSchemaException {
        if (!db.hasTable(table)) {
            throw new UnsupportedSchemaException(name + ": no table " + table);
        }
    }

    /** Fails unless the table exists with every listed column; returns its columns (lower-case). */
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

    /** The columns of a table (lower-case); empty when there is no such table. */
    static Set<String> columnsIfPresent(SqliteReader db, String table) throws SQLException {
        return db.hasTable(table) ? db.columns(table) : Set.of();
    }

    /** {@code qualifier.column} when the column is present, else {@code NULL}. */
    static String col(Set<String> present, String qualifier, String column) {
        return present.contains(column.toLowerCase(Locale.ROOT)) ? qualifier + "." + column : "NULL";
    }
}
