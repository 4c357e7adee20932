package org.vigil.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.vigil.core.CorruptArtifactException;

/**
 * Opens an SQLite database from evidence without ever changing it: read-only and
 * {@code immutable=1}; when a {@code -wal} sidecar exists, the database, WAL and SHM are first
 * copied to a private temporary folder (so the WAL's data is seen) and opened there. Extension
 * loading stays disabled.
 */
public final class SqliteReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteReader.class);
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Connection connection;
    private final Path tempDir;
    private final Path path;
    private final SQLiteConfig config;
    private final String url;

    private SqliteReader(Connection connection, Path tempDir, Path path, SQLiteConfig config, String url) {
        this.connection = connection;
        this.tempDir = tempDir;
        this.path = path;
        this.config = config;
        this.url = url;
    }

    /**
     * Opens the database at {@code db} for reading.
     *
     * @param db the database file (never written)
     * @param name how to name it in messages (e.g. {@code HomeDomain/Library/SMS/sms.db})
     * @throws CorruptArtifactException when the file is not an SQLite database or is malformed
     */
    public static SqliteReader open(Path db, String name) throws CorruptArtifactException, IOException {
        checkMagic(db, name);
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        Path temp = null;
        Path target = db;
        boolean immutable = true;
        if (Files.isRegularFile(wal) && Files.size(wal) > 0) {
            temp = Files.createTempDirectory("vigil-sqlite-");
            target = temp.resolve("db.sqlite");
            Files.copy(db, target, StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(wal, temp.resolve("db.sqlite-wal"));
            Path shm = db.resolveSibling(db.getFileName() + "-shm");
            if (Files.isRegularFile(shm)) {
                Files.copy(shm, temp.resolve("db.sqlite-shm"));
            }
            immutable = false; // the private copy may replay its WAL
            LOG.debug("{} has a WAL; reading a private copy in {}", name, temp);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(immutable);
        config.enableLoadExtension(false);
        String url = "jdbc:sqlite:" + target.toUri() + (immutable ? "?mode=ro&immutable=1" : "");
        try {
            Connection c = config.createConnection(url);
            SqliteReader reader = new SqliteReader(c, temp, db, config, url);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master")) {
                while (rs.next()) {
                    rs.getString(1);
                }
            } catch (SQLException e) {
                reader.close();
                throw new CorruptArtifactException(name + ": database is malformed (" + e.getMessage() + ")", e);
            }
            return reader;
        } catch (SQLException e) {
            deleteQuietly(temp);
            throw new CorruptArtifactException(name + ": cannot open SQLite database (" + e.getMessage() + ")", e);
        }
    }

    private static void checkMagic(Path db, String name) throws CorruptArtifactException, IOException {
        byte[] head = new byte[MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(db)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n == 0) {
            throw new CorruptArtifactException(name + ": empty file (0 bytes), not an SQLite database");
        }
        if (n < head.length || !Arrays.equals(head, MAGIC)) {
            throw new CorruptArtifactException(name + ": not an SQLite database");
        }
    }

    /** The open connection (read-only). */
    public Connection connection() {
        return connection;
    }

    /**
     * Another read-only connection to the same database (the same private copy when there is
     * one), for another thread: JDBC connections are not shared between threads. The caller
     * closes it, before closing this reader.
     */
    public Connection newConnection() throws SQLException {
        return config.createConnection(url);
    }

    /** The file this reader was opened on. */
    public Path path() {
        return path;
    }

    /** True when a table (or view) of that name exists (case-insensitive). */
    public boolean hasTable(String table) throws SQLException {
        try (var ps = connection.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND lower(name) = lower(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The number of rows of {@code table} (a name checked with {@link #hasTable} first, quoted as an
     * identifier), or -1 when the table is absent or cannot be counted. For progress: counting is a
     * scan, cheap next to reading every row.
     */
    public long rowCount(String table) {
        try {
            if (!hasTable(table)) {
                return -1;
            }
            try (var st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Column names of a table, lower-cased, in table order; empty when no such table. */
    public Set<String> columns(String table) throws SQLException {
        Set<String> cols = new LinkedHashSet<>();
        DatabaseMetaData md = connection.getMetaData();
        try (ResultSet rs = md.getColumns(null, null, table, null)) {
            while (rs.next()) {
                cols.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return cols;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing {}: {}", path, e.getMessage());
        }
        deleteQuietly(tempDir);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", dir, e.getMessage());
        }
    }
}
