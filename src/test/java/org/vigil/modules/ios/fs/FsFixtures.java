package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

/**
 * Test helpers: a filesystem dump built in a temporary folder and registered into a
 * {@link FakeSource} of kind IOS_FS (files with their content, folders as directory entries with
 * an mtime), SQLite fixtures, running a module.
 */
final class FsFixtures {
    static final ObjectMapper JSON = org.vigil.report.MvtJson.mapper();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private FsFixtures() {}

    /** A dump under {@code root}: files are written there and registered with their relative path. */
    static final class Dump {
        final Path root;
        final FakeSource source;

        Dump(Path root) {
            this.root = root;
            this.source = new FakeSource(SourceKind.IOS_FS, root);
        }

        Path path(String rel) throws IOException {
            Path p = root.resolve(rel);
            Files.createDirectories(p.getParent());
            return p;
        }

        /** Registers a regular file already written at {@code rel}. */
        Dump file(String rel) {
            source.add(rel, "", rel, new FileMeta(-1, FileMeta.S_IFREG | 0644, 501, null, 1_600_000_000L, null),
                    root.resolve(rel));
            return this;
        }

        /** Writes and registers a regular file. */
        Dump file(String rel, byte[] content) throws IOException {
            Files.write(path(rel), content);
            return file(rel);
        }

        /** Registers a directory entry with its mtime (Unix seconds, or null when unknown). */
        Dump dir(String rel, Long mtime) throws IOException {
            Files.createDirectories(root.resolve(rel));
            source.add(rel, "", rel, new FileMeta(-1, FileMeta.S_IFDIR | 0755, 501, null, mtime, null), null);
            return this;
        }
    }

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

    static byte[] randomBytes() {
        byte[] b = new byte[8192];
        new Random(42).nextBytes(b);
        return b;
    }

    /** A valid SQLite database of another application. */
    static void foreignDb(Path file) throws SQLException, IOException {
        sqlite(file, "CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)", "INSERT INTO recipes VALUES (1, 'bread')");
    }

    static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    static ModuleResult run(Module module, FakeSource source) throws Exception {
        return run(module, source, Indicators.empty(), ModuleOptions.defaults());
    }

    static ModuleResult run(Module module, FakeSource source, Indicators indicators) throws Exception {
        return run(module, source, indicators, ModuleOptions.defaults());
    }

    static ModuleResult run(Module module, FakeSource source, Indicators indicators, ModuleOptions options)
            throws Exception {
        return module.run(new ModuleContext(source, indicators, options, Map.of(), CLOCK));
    }

    static JsonNode json(Object value) {
        return JSON.valueToTree(value);
    }
}
