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

/** The command, mounted under a test "android" group as the lead will mount it. */
class AndroidCheckAndroidqfCommandTest {
    @TempDir
    Path tmp;

    private int run(StringWriter out, StringWriter err, String... args) {
        UserEnvironment env = new UserEnvironment(Map.of("VIGIL_DATA_DIR", tmp.resolve("data").toString()), tmp,
                "Linux");
        CommandLine cl = VigilCommand.commandLine(env, Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"),
                ZoneOffset.UTC), PasswordPrompt.none());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpNamesTheInputAndTheCommonOptions() {
        StringWriter out = new StringWriter();
        int code = run(out, new StringWriter(), "android", "check-androidqf", "--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("check-androidqf", "ANDROIDQF_PATH", "--iocs", "--output", "--module",
                "Exit codes:");
    }

    @Test
    void missingInputIsExitCode3() {
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "android", "check-androidqf", tmp.resolve("nope").toString());
        assertThat(code).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(err.toString()).contains("nope: no such file or folder");
    }
}
