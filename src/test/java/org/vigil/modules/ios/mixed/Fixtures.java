package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

/** Test helpers: SQLite fixtures, a view of the real sample backup, running a module. */
final class Fixtures {
    static final ObjectMapper JSON = org.vigil.report.MvtJson.mapper();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private Fixtures() {}

    /** Creates an SQLite database at {@code file} by running the statements. */
    static Path sqlite(Path file, String... statements) throws SQLException, IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.executeUpdate(s);
            }
        }
        return file;
    }

    /** Runs a prepared insert for each row. */
    static void insert(Path file, String sql, Object[]... rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    static Path emptyFile(Path dir, String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[0]);
    }

    static Path randomFile(Path dir, String name) throws IOException {
        byte[] b = new byte[8192];
        new Random(42).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    /** A valid SQLite database of another application. */
    static Path foreignDb(Path dir, String name) throws SQLException, IOException {
        return sqlite(dir.resolve(name), "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)",
                "INSERT INTO recipes VALUES (1, 'bread')");
    }

    static ModuleResult run(Module module, AcquisitionSource source) throws Exception {
        return run(module, source, Indicators.empty(), ModuleOptions.defaults());
    }

    static ModuleResult run(Module module, AcquisitionSource source, Indicators indicators) throws Exception {
        return run(module, source, indicators, ModuleOptions.defaults());
    }

    static ModuleResult run(Module module, AcquisitionSource source, Indicators indicators, ModuleOptions options)
            throws Exception {
        return module.run(new ModuleContext(source, indicators, options, Map.of(), CLOCK));
    }

    /**
     * The real MVT sample backup as a source: every Manifest.db row, backed by its file when the
     * backup holds it (skips the test when the sample is absent).
     */
    static FakeSource sampleBackup() throws SQLException {
        Path backup = SharedData.iosBackup();
        FakeSource source = new FakeSource(SourceKind.IOS_BACKUP, backup);
        String url = "jdbc:sqlite:" + backup.resolve("Manifest.db").toUri() + "?mode=ro&immutable=1";
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT fileID, domain, relativePath FROM Files")) {
            while (rs.next()) {
                String id = rs.getString(1);
                Path file = backup.resolve(id.substring(0, 2)).resolve(id);
                source.add(id, rs.getString(2), rs.getString(3), Files.isRegularFile(file) ? file : null);
            }
        }
        return source;
    }

    /** A record as JSON (Jackson, as the writers serialise it). */
    static JsonNode json(Object value) {
        return JSON.valueToTree(value);
    }

    static void assertKeys(JsonNode node, String... keys) {
        assertThat(node.fieldNames()).toIterable().containsExactly(keys);
    }
}
