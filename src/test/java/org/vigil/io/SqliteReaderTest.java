package org.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.CorruptArtifactException;

class SqliteReaderTest {
    @TempDir
    Path tmp;

    private static String sha(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static String listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().toString();
        }
    }

    @Test
    void readsWithoutChangingTheFileAndKnowsTablesAndColumns() throws Exception {
        Path db = tmp.resolve("ev dir #1").resolve("plain.db");
        Files.createDirectories(db.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT)");
            st.execute("INSERT INTO message (text) VALUES ('hello')");
        }
        String before = sha(db);
        String listBefore = listing(db.getParent());
        try (SqliteReader r = SqliteReader.open(db, "plain.db");
                Statement st = r.connection().createStatement();
                ResultSet rs = st.executeQuery("SELECT text FROM message")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("hello");
            assertThat(r.hasTable("MESSAGE")).isTrue();
            assertThat(r.hasTable("handle")).isFalse();
            assertThat(r.columns("message")).containsExactly("rowid", "text");
            assertThatThrownBy(() -> r.connection().createStatement().execute("INSERT INTO message (text) VALUES ('x')"))
                    .isInstanceOf(java.sql.SQLException.class);
        }
        assertThat(sha(db)).isEqualTo(before);
        assertThat(listing(db.getParent())).isEqualTo(listBefore);
    }

    @Test
    void walContentIsReadFromAPrivateCopyAndTheEvidenceIsUntouched() throws Exception {
        Path dir = tmp.resolve("wal");
        Files.createDirectories(dir);
        Path db = dir.resolve("w.db");
        Path snapshot = tmp.resolve("snapshot");
        Files.createDirectories(snapshot);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("CREATE TABLE t (v TEXT)");
            st.execute("INSERT INTO t VALUES ('from wal')");
            // copy the files while the WAL still holds the data (as on a seized device)
            for (String n : new String[] {"w.db", "w.db-wal", "w.db-shm"}) {
                if (Files.exists(dir.resolve(n))) {
                    Files.copy(dir.resolve(n), snapshot.resolve(n));
                }
            }
        }
        Path ev = snapshot.resolve("w.db");
        Path wal = snapshot.resolve("w.db-wal");
        assertThat(Files.size(wal)).isPositive();
        String dbHash = sha(ev);
        String walHash = sha(wal);
        String listBefore = listing(snapshot);
        try (SqliteReader r = SqliteReader.open(ev, "w.db");
                Statement st = r.connection().createStatement();
                ResultSet rs = st.executeQuery("SELECT v FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("from wal");
        }
        assertThat(sha(ev)).isEqualTo(dbHash);
        assertThat(sha(wal)).isEqualTo(walHash);
        assertThat(listing(snapshot)).isEqualTo(listBefore);
    }

    @Test
    void badFilesAreCorruptArtifactsNamingTheFile() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.db"));
        assertThatThrownBy(() -> SqliteReader.open(empty, "HomeDomain/empty.db"))
                .isInstanceOf(CorruptArtifactException.class).hasMessage("HomeDomain/empty.db: empty file (0 bytes), not an SQLite database");
        Path text = Files.writeString(tmp.resolve("text.db"), "this is not a database at all, just text");
        assertThatThrownBy(() -> SqliteReader.open(text, "text.db"))
                .isInstanceOf(CorruptArtifactException.class).hasMessage("text.db: not an SQLite database");
        Path good = tmp.resolve("good.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + good); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (v TEXT)");
            for (int i = 0; i < 200; i++) {
                st.execute("INSERT INTO t VALUES ('" + "x".repeat(500) + "')");
            }
        }
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(tmp.resolve("truncated.db"), java.util.Arrays.copyOf(bytes, 100));
        assertThatThrownBy(() -> SqliteReader.open(truncated, "truncated.db"))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith("truncated.db: ");
    }
}
