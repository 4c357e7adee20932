package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.testing.SharedData;

/** The check commands end to end: bad inputs and their exit codes. */
class CheckCommandTest {
    @TempDir
    Path tmp;

    private CliRunner cli() {
        return new CliRunner(tmp.resolve("home"));
    }

    private static void assertOneLineError(CliRunner.Result r, int code, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        String err = r.err().strip();
        assertThat(err.lines().filter(l -> l.startsWith("vigil: error:")).count()).as(err).isEqualTo(1);
        for (String f : fragments) {
            assertThat(err).contains(f);
        }
        assertThat(err).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    private Path backupSkeleton(String name, boolean encrypted) throws Exception {
        Path b = Files.createDirectories(tmp.resolve(name));
        NSDictionary info = new NSDictionary();
        info.put("Product Version", "17.0");
        info.put("Build Version", "21A329");
        PropertyListParser.saveAsXML(info, b.resolve("Info.plist").toFile());
        NSDictionary manifest = new NSDictionary();
        manifest.put("IsEncrypted", encrypted);
        if (encrypted) {
            manifest.put("BackupKeyBag", new com.dd.plist.NSData(new byte[] {0, 1, 2, 3}));
        }
        PropertyListParser.saveAsXML(manifest, b.resolve("Manifest.plist").toFile());
        PropertyListParser.saveAsXML(new NSDictionary(), b.resolve("Status.plist").toFile());
        return b;
    }

    @Test
    void missingPath() {
        Path nowhere = tmp.resolve("nowhere");
        assertOneLineError(cli().run("check", nowhere.toString()), ExitCodes.INPUT_NOT_FOUND, nowhere.toString(), "no such file");
    }

    @Test
    void folderThatIsNotABackup() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLineError(cli().run("ios", "check-backup", empty.toString()), ExitCodes.INPUT_NOT_FOUND, empty.toString());
    }

    @Test
    void encryptedBackupIsRecognised() throws Exception {
        Path b = backupSkeleton("enc", true);
        Files.write(b.resolve("Manifest.db"), new byte[4096]); // ciphertext: not SQLite
        assertOneLineError(cli().run("ios", "check-backup", b.toString()), ExitCodes.ENCRYPTED, "encrypted");
    }

    @Test
    void truncatedManifestDb() throws Exception {
        Path b = backupSkeleton("trunc", false);
        Path full = tmp.resolve("full.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + full); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)");
            for (int i = 0; i < 300; i++) {
                st.execute("INSERT INTO Files VALUES ('" + i + "', 'HomeDomain', 'Library/x" + i + "', 1, zeroblob(300))");
            }
        }
        byte[] bytes = Files.readAllBytes(full);
        Files.write(b.resolve("Manifest.db"), java.util.Arrays.copyOf(bytes, 2048));
        assertOneLineError(cli().run("check", b.toString()), ExitCodes.INPUT_CORRUPT, "Manifest.db");
        Files.writeString(b.resolve("Manifest.db"), "not a database");
        assertOneLineError(cli().run("check", b.toString()), ExitCodes.INPUT_CORRUPT, "Manifest.db");
    }

    @Test
    void corruptInfoPlist() throws Exception {
        Path b = backupSkeleton("badplist", false);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + b.resolve("Manifest.db")); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)");
        }
        Files.writeString(b.resolve("Info.plist"), "<?xml version=\"1.0\"?><plist><dict><key>x</key>");
        assertOneLineError(cli().run("check", b.toString()), ExitCodes.INPUT_CORRUPT, "Info.plist");
    }

    @Test
    void stixFileThatIsNotJson() throws Exception {
        Path backup = SharedData.iosBackup();
        Path bad = Files.writeString(tmp.resolve("bad.stix2"), "this is { not json");
        assertOneLineError(cli().run("check", "--iocs", bad.toString(), backup.toString()), ExitCodes.BAD_INDICATORS,
                bad.toString());
        Path missing = tmp.resolve("missing.stix2");
        assertOneLineError(cli().run("check", "--iocs", missing.toString(), backup.toString()), ExitCodes.BAD_INDICATORS,
                missing.toString());
    }

    @Test
    void outputInsideTheEvidenceIsRefused() throws Exception {
        Path backup = SharedData.iosBackup();
        assertOneLineError(cli().run("check", "-o", backup.resolve("out").toString(), backup.toString()), ExitCodes.USAGE,
                "must not be inside");
        assertThat(backup.resolve("out")).doesNotExist();
    }

    @Test
    void unknownModuleIsAUsageError() throws Exception {
        Path backup = SharedData.iosBackup();
        assertOneLineError(cli().run("check", "-m", "nope", backup.toString()), ExitCodes.USAGE, "nope");
    }

    static Map<String, String> hashTree(Path root) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    hashes.put(rel + "/", "dir");
                } else {
                    hashes.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                            + " " + Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        return hashes;
    }

    static JsonNode json(Path p) throws Exception {
        return new ObjectMapper().readTree(p.toFile());
    }
}
