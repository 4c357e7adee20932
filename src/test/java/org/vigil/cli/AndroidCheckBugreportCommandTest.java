package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.ioc.update.UserEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The check-bugreport command wired under a group, as the lead registers it under "android". */
class AndroidCheckBugreportCommandTest {
    @TempDir
    Path home;

    @Command(name = "android", subcommands = AndroidCheckBugreportCommand.class)
    static final class Group implements Runnable {
        @Override
        public void run() {}
    }

    private int run(StringWriter out, StringWriter err, String... args) {
        UserEnvironment env = new UserEnvironment(Map.of("VIGIL_DATA_DIR", home.resolve("data").toString()), home,
                "Linux");
        CommandLine cl = VigilCommand.commandLine(env, Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"),
                ZoneOffset.UTC));
        if (!cl.getSubcommands().containsKey("android")) {
            cl.addSubcommand(new CommandLine(new Group()));
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpNamesTheArgument() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "android", "check-bugreport", "--help")).isEqualTo(0);
        assertThat(out.toString()).contains("BUGREPORT_PATH").contains("adb bugreport");
    }

    @Test
    void notAZipIsAnInvalidBugreportArchive() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path bad = java.nio.file.Files.writeString(home.resolve("bugreport.zip"), "not a zip");
        int code = run(out, err, "android", "check-bugreport", "--output", home.resolve("out").toString(),
                bad.toString());
        assertThat(code).isEqualTo(ExitCodes.INPUT_CORRUPT);
        assertThat(err.toString()).startsWith("vigil: error: Invalid bugreport archive: ")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingPathIsAOneLineError() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path missing = home.resolve("none.zip");
        int code = run(out, err, "android", "check-bugreport", "--output", home.resolve("out").toString(),
                missing.toString());
        assertThat(code).isNotEqualTo(0);
        assertThat(err.toString()).startsWith("vigil: error: ").contains("none.zip");
    }
}
