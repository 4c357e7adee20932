package org.vigil.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.vigil.ioc.update.UserEnvironment;
import picocli.CommandLine;

/** Runs the CLI in-process with a private data folder, an empty environment and a fixed clock. */
final class CliRunner {
    /** What a command printed and returned. */
    record Result(int exitCode, String out, String err) {}

    private final UserEnvironment env;

    CliRunner(Path home) {
        this(home, Map.of("VIGIL_DATA_DIR", home.resolve("data").toString()));
    }

    CliRunner(Path home, Map<String, String> vars) {
        this.env = new UserEnvironment(vars, home, "Linux");
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = VigilCommand.commandLine(env,
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
