package org.vigil.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Builds an SQLite database in a private temporary file and returns its bytes. */
final class SqliteFiles {
    /** Work done on the fresh database, inside one transaction. */
    @FunctionalInterface
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private SqliteFiles() {}

    /** Creates the database, runs {@code work}, closes it and returns the file's bytes. */
    static byte[] build(String name, Work work) throws IOException {
        Path dir = Files.createTempDirectory("vigil-demo-");
        Path db = dir.resolve("db.sqlite");
        try {
            write(db, name, work);
            return Files.readAllBytes(db);
        } finally {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Creates the database at {@code db} (which must not exist) and runs {@code work}. This writes
     * synthetic demo data, never evidence: evidence is only opened through
     * {@link org.vigil.io.SqliteReader} (read-only, immutable).
     */
    static void write(Path db, String name, Work work) throws IOException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
            c.setAutoCommit(false);
            work.run(c);
            c.commit();
        } catch (SQLException e) {
            throw new IOException("cannot build " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs each statement in order. */
    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
