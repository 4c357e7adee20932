package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.cli.CheckCommandTest.hashTree;
import static org.vigil.cli.CheckCommandTest.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.demo.DemoScenario;
import org.vigil.source.iosbackup.crypto.BackupEncryptor;

/**
 * The CLI on an encrypted backup: check-backup in place (password, key file, environment,
 * prompt), a wrong password, no password without a terminal, extract-key and decrypt-backup.
 */
class EncryptedBackupCommandTest {
    static final String PASSWORD = "s3cret pässword";

    @TempDir
    static Path shared;

    static Path plain;
    static Path encrypted;
    static Path stix;
    static String keyHex;
    static Map<String, String> evidence;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generate() throws Exception {
        plain = shared.resolve("plain");
        stix = shared.resolve("iocs").resolve("demo.stix2");
        DemoScenario.write(plain, stix);
        encrypted = shared.resolve("encrypted");
        BackupEncryptor.Result r = BackupEncryptor.encrypt(plain, encrypted, BackupEncryptor.Params.fast(PASSWORD));
        keyHex = HexFormat.of().formatHex(r.passcodeKey());
        evidence = hashTree(encrypted);
    }

    private CliRunner cli() {
        return new CliRunner(tmp.resolve("home"));
    }

    private static void assertOneLineError(CliRunner.Result r, int code, String... fragments) {
        assertThat(r.exitCode()).as(r.err() + r.out()).isEqualTo(code);
        String err = r.err().strip();
        assertThat(err.lines().count()).as(err).isEqualTo(1);
        assertThat(err).startsWith("vigil: error: ");
        for (String f : fragments) {
            assertThat(err).contains(f);
        }
    }

    /** Every output file but info.json and command.log, by name. */
    private static Map<String, String> results(Path out) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("info.json") && !name.equals("command.log")) {
                    files.put(name, Files.readString(p));
                }
            }
        }
        return files;
    }

    /** SHA-256 of every regular file by relative path (content only, no times). */
    private static Map<String, String> contentHashes(Path dir) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                hashes.put(dir.relativize(p).toString(), org.vigil.io.Hashing.sha256Hex(p));
            }
        }
        return hashes;
    }

    @Test
    void checkBackupWithThePasswordGivesThePlainTwinsResultsAndLeavesTheEvidenceAlone() throws Exception {
        Path outPlain = tmp.resolve("out-plain");
        Path outEnc = tmp.resolve("out-enc");
        CliRunner.Result p = cli().run("ios", "check-backup", "--iocs", stix.toString(), "-o", outPlain.toString(),
                plain.toString());
        CliRunner.Result e = cli().run("ios", "check-backup", "--iocs", stix.toString(), "--password", PASSWORD,
                "-o", outEnc.toString(), encrypted.toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertThat(e.out()).contains("Acquisition: encrypted iOS backup at " + encrypted)
                .containsPattern("\n    CRITICAL +3 ").containsPattern("\n    HIGH +2 ")
                .containsPattern("\n    MEDIUM +1 ").containsPattern("\n    LOW +1 ");
        assertThat(results(outEnc)).isEqualTo(results(outPlain)).containsKeys("alerts.json", "timeline.csv", "sms.json");
        assertThat(json(outEnc.resolve("info.json")).get("source_kind").asText()).isEqualTo("encrypted iOS backup");
        assertThat(hashTree(encrypted)).isEqualTo(evidence);
    }

    @Test
    void environmentVariableKeyFileAndPromptAreAccepted() throws Exception {
        Map<String, String> vars = Map.of("VIGIL_DATA_DIR", tmp.resolve("data").toString(),
                "VIGIL_BACKUP_PASSWORD", PASSWORD);
        CliRunner.Result env = new CliRunner(tmp.resolve("home"), vars).run("check", "-m", "sms", encrypted.toString());
        assertThat(env.exitCode()).as(env.err()).isZero();
        assertThat(env.out()).contains("sms").contains("checked");

        Path key = tmp.resolve("backup.key");
        Files.writeString(key, keyHex + "\n");
        CliRunner.Result k = cli().run("check", "-m", "sms", "--key-file", key.toString(), encrypted.toString());
        assertThat(k.exitCode()).as(k.err()).isZero();

        String[] asked = new String[1];
        CliRunner prompting = new CliRunner(tmp.resolve("home"), Map.of(), message -> {
            asked[0] = message;
            return Optional.of(PASSWORD.toCharArray());
        });
        CliRunner.Result typed = prompting.run("check", "-m", "sms", encrypted.toString());
        assertThat(typed.exitCode()).as(typed.err()).isZero();
        assertThat(asked[0]).isEqualTo("Password of the encrypted backup " + encrypted + ": ");
    }

    @Test
    void wrongPasswordWrongKeyAndNoPasswordHaveTheirOwnExitCodes() throws Exception {
        assertOneLineError(cli().run("check", "--password", "not it", encrypted.toString()), ExitCodes.WRONG_PASSWORD,
                encrypted + ": wrong backup password or key");
        Path wrongKey = tmp.resolve("wrong.key");
        Files.writeString(wrongKey, "00".repeat(32));
        assertOneLineError(cli().run("check", "--key-file", wrongKey.toString(), encrypted.toString()),
                ExitCodes.WRONG_PASSWORD, "wrong backup password or key");
        Path badKey = tmp.resolve("bad.key");
        Files.writeString(badKey, "abc");
        assertOneLineError(cli().run("check", "--key-file", badKey.toString(), encrypted.toString()),
                ExitCodes.USAGE, badKey + ": not a backup key file: a backup key is exactly 64 hexadecimal characters");
        assertOneLineError(cli().run("check", "--key-file", badKey.toString(), "--password", "x", encrypted.toString()),
                ExitCodes.USAGE, "either --password or --key-file");
        assertOneLineError(cli().run("ios", "check-backup", encrypted.toString()), ExitCodes.ENCRYPTED,
                encrypted + ": the backup is encrypted and there is no terminal to ask for its password: give"
                        + " --password, --key-file FILE or VIGIL_BACKUP_PASSWORD");
        assertThat(hashTree(encrypted)).isEqualTo(evidence);
    }

    @Test
    void extractKeyPrintsOrWritesTheDerivedKey() throws Exception {
        CliRunner.Result printed = cli().run("ios", "extract-key", "-p", PASSWORD, encrypted.toString());
        assertThat(printed.exitCode()).as(printed.err()).isZero();
        assertThat(printed.out()).isEqualTo(keyHex + System.lineSeparator());

        Path key = tmp.resolve("keys").resolve("backup.key");
        CliRunner.Result saved = cli().run("ios", "extract-key", "-p", PASSWORD, "-k", key.toString(),
                encrypted.toString());
        assertThat(saved.exitCode()).as(saved.err()).isZero();
        assertThat(Files.readString(key)).isEqualTo(keyHex);
        CliRunner.Result check = cli().run("check", "-m", "manifest", "--key-file", key.toString(), encrypted.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();

        assertOneLineError(cli().run("ios", "extract-key", "-p", "nope", encrypted.toString()), ExitCodes.WRONG_PASSWORD,
                "wrong backup password or key");
        assertOneLineError(cli().run("ios", "extract-key", "-p", PASSWORD, plain.toString()), ExitCodes.INPUT_NOT_FOUND,
                "does not seem encrypted");
        assertOneLineError(cli().run("ios", "extract-key", "-p", PASSWORD, "-k", encrypted.resolve("k").toString(),
                encrypted.toString()), ExitCodes.USAGE, "must not be inside the backup");
        assertThat(hashTree(encrypted)).isEqualTo(evidence);
    }

    @Test
    void decryptBackupWritesThePlainTwinsFilesWithHashesAndTheCopyCanBeChecked() throws Exception {
        Path dest = tmp.resolve("decrypted");
        CliRunner.Result r = cli().run("ios", "decrypt-backup", "-p", PASSWORD, "-d", dest.toString(), "--hashes",
                "-j", "3", encrypted.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, String> want = contentHashes(plain);
        Map<String, String> got = contentHashes(dest);
        // content files (xx/<fileID>) and Info/Status.plist are byte-identical to the plain twin
        want.keySet().removeIf(k -> k.startsWith("Manifest."));
        got.keySet().removeIf(k -> k.startsWith("Manifest.") || k.equals("info.json"));
        assertThat(got).isEqualTo(want);
        assertThat(Files.readAllBytes(dest.resolve("Manifest.plist")))
                .isEqualTo(Files.readAllBytes(encrypted.resolve("Manifest.plist")));
        assertThat(r.out()).contains("Decrypted " + (want.size() - 2) + " files");

        JsonNode info = json(dest.resolve("info.json"));
        assertThat(info.get("source")).hasSize(contentHashes(encrypted).size());
        assertThat(info.get("decrypted")).hasSize(contentHashes(dest).size() - 1);
        assertThat(info.get("decrypted").get(0).get("file_path").asText()).startsWith(dest.toString());
        assertThat(info.get("decrypted").get(0).get("sha256").asText()).hasSize(64);

        // the copy keeps Manifest.plist (IsEncrypted, ManifestKey) but is read as a decrypted copy
        Path outPlain = tmp.resolve("out-plain");
        Path outCopy = tmp.resolve("out-copy");
        assertThat(cli().run("check", "--iocs", stix.toString(), "-o", outPlain.toString(), plain.toString())
                .exitCode()).isZero();
        CliRunner.Result c = cli().run("check", "--iocs", stix.toString(), "-o", outCopy.toString(), dest.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out()).contains("Acquisition: iOS backup at " + dest);
        assertThat(results(outCopy)).isEqualTo(results(outPlain));
        assertThat(hashTree(encrypted)).isEqualTo(evidence);
    }

    @Test
    void decryptBackupReportsATruncatedFileAndWritesTheOthers() throws Exception {
        Path copy = tmp.resolve("copy");
        BackupEncryptor.encrypt(plain, copy, BackupEncryptor.Params.fast(PASSWORD));
        String id = org.vigil.source.iosbackup.IosBackupSource.fileId("HomeDomain", "Library/SMS/sms.db");
        Path cipher = copy.resolve(id.substring(0, 2)).resolve(id);
        byte[] all = Files.readAllBytes(cipher);
        Files.write(cipher, java.util.Arrays.copyOf(all, all.length - 16 * 40));
        Path dest = tmp.resolve("partial");
        assertOneLineError(cli().run("ios", "decrypt-backup", "-p", PASSWORD, "-d", dest.toString(), copy.toString()),
                ExitCodes.INPUT_CORRUPT, copy + ": 1 file could not be decrypted (first: HomeDomain/Library/SMS/sms.db"
                        + " (fileID " + id + "): the backup holds "
                        + (all.length - 640) + " encrypted bytes, fewer than the");
        assertThat(dest.resolve(id.substring(0, 2)).resolve(id)).doesNotExist();
        String safari = org.vigil.source.iosbackup.IosBackupSource.fileId("HomeDomain", "Library/Safari/History.db");
        assertThat(Files.readAllBytes(dest.resolve(safari.substring(0, 2)).resolve(safari)))
                .isEqualTo(Files.readAllBytes(plain.resolve(safari.substring(0, 2)).resolve(safari)));
    }

    @Test
    void decryptBackupRefusesADestinationInsideTheBackupOrNotEmpty() throws Exception {
        assertOneLineError(cli().run("ios", "decrypt-backup", "-p", PASSWORD, "-d", encrypted.resolve("out").toString(),
                encrypted.toString()), ExitCodes.USAGE, "must not be inside the backup");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("x"), "x");
        assertOneLineError(cli().run("ios", "decrypt-backup", "-p", PASSWORD, "-d", full.toString(),
                encrypted.toString()), ExitCodes.OUTPUT_ERROR, "not empty");
        assertOneLineError(cli().run("ios", "decrypt-backup", "-p", "wrong", "-d", tmp.resolve("d").toString(),
                encrypted.toString()), ExitCodes.WRONG_PASSWORD, "wrong backup password or key");
        assertThat(hashTree(encrypted)).isEqualTo(evidence);
    }
}
