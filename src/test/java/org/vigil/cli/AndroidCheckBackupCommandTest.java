package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.ioc.update.UserEnvironment;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;
import org.vigil.testing.SharedData;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code vigil android check-backup} (MVT's test_check_android_backup). The end-to-end cases need
 * the {@code android} group and the Android backup probe registered in
 * {@link SourceDetector#standard()}; until then they are skipped.
 */
class AndroidCheckBackupCommandTest {
    private static final String DIR = "testdata/mvt-artifacts/android_backup";

    @TempDir
    Path tmp;

    /** Stand-in for the {@code android} group when VigilCommand does not have one yet. */
    @Command(name = "android")
    static final class Group implements Runnable {
        @Override
        public void run() {}
    }

    record Result(int exitCode, String out, String err) {}

    private Result run(Map<String, String> vars, PasswordPrompt prompt, String... args) {
        Map<String, String> env = new HashMap<>(vars);
        env.put("VIGIL_DATA_DIR", tmp.resolve("home/data").toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = VigilCommand.commandLine(new UserEnvironment(env, tmp.resolve("home"), "Linux"),
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC), prompt);
        if (!cl.getSubcommands().containsKey("android")) {
            cl.addSubcommand("android", new CommandLine(new Group()).addSubcommand(new AndroidCheckBackupCommand()));
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(Map.of(), PasswordPrompt.none(), args);
    }

    private static void assumeProbeRegistered(Path ab) {
        boolean known;
        try {
            known = SourceDetector.standard().detect(ab) == SourceKind.ANDROID_BACKUP;
        } catch (Exception e) {
            known = false;
        }
        assumeTrue(known, "the Android backup probe is not registered in SourceDetector.standard() yet");
    }

    private static JsonNode json(Path p) throws Exception {
        return new ObjectMapper().readTree(Files.readString(p, StandardCharsets.UTF_8));
    }

    // --- runs today --------------------------------------------------------------------------------

    @Test
    void helpNamesTheOptions() {
        Result r = run("android", "check-backup", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: vigil android check-backup", "BACKUP_PATH", "-p, --password=PASSWORD",
                "Exit codes:");
    }

    @Test
    void refusesAnIosBackup() {
        Path ios = SharedData.iosBackup();
        Result r = run("android", "check-backup", ios.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(r.err()).contains("this is a iOS backup, not what `vigil android check-backup` reads");
    }

    // --- once the probe is registered ---------------------------------------------------------------

    @Test
    void plainBackupWritesSmsAndUrls() throws Exception {
        Path ab = SharedData.require(DIR + "/backup.ab");
        assumeProbeRegistered(ab);
        Path out = tmp.resolve("out");
        Result r = run("android", "check-backup", "-o", out.toString(), ab.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(out.resolve("sms.json"))).hasSize(2);
        JsonNode urls = json(out.resolve("urls.json"));
        assertThat(urls).hasSize(2);
        urls.forEach(u -> assertThat(u.get("source").asText()).isEqualTo("sms"));
        assertThat(json(out.resolve("info.json")).toString()).contains("android check-backup");
    }

    @Test
    void folderBackup() throws Exception {
        Path dir = SharedData.require(DIR);
        assumeProbeRegistered(dir);
        Path out = tmp.resolve("out");
        Result r = run("android", "check-backup", "-o", out.toString(), dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(out.resolve("sms.json")).get(0).get("links").get(0).asText()).isEqualTo("https://google.com/");
    }

    @Test
    void encryptedWithPasswordOptionEnvOrPrompt() throws Exception {
        Path ab = SharedData.require("testdata/mvt-artifacts/androidqf_encrypted/backup.ab");
        assumeProbeRegistered(ab);
        Path out = tmp.resolve("out");
        Result r = run("android", "check-backup", "--password", "123456", "-o", out.toString(), ab.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(out.resolve("sms.json"))).hasSize(1);

        Result env = run(Map.of("VIGIL_BACKUP_PASSWORD", "123456"), PasswordPrompt.none(),
                "android", "check-backup", ab.toString());
        assertThat(env.exitCode()).as(env.err()).isZero();

        AtomicInteger asked = new AtomicInteger();
        Result prompted = run(Map.of(), m -> {
            asked.incrementAndGet();
            return Optional.of("123456".toCharArray());
        }, "android", "check-backup", ab.toString());
        assertThat(prompted.exitCode()).as(prompted.err()).isZero();
        assertThat(asked).hasValue(1);
    }

    @Test
    void wrongOrMissingPassword() throws Exception {
        Path ab = SharedData.require("testdata/mvt-artifacts/androidqf_encrypted/backup.ab");
        assumeProbeRegistered(ab);
        Result wrong = run("android", "check-backup", "--password", "654321", ab.toString());
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.WRONG_PASSWORD);
        assertThat(wrong.err()).contains("Invalid backup password");
        Result none = run("android", "check-backup", ab.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.ENCRYPTED);
    }

    @Test
    void badHeader() throws Exception {
        Path ab = Files.writeString(tmp.resolve("bad.ab"), "ANDROID BACKUP\n");
        assumeProbeRegistered(ab);
        Result r = run("android", "check-backup", ab.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_CORRUPT);
        assertThat(r.err()).contains("Invalid backup format, file should be in .ab format");
    }
}
