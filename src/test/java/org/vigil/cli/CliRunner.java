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
    private final PasswordPrompt prompt;
    private final Tty tty;

    CliRunner(Path home) {
        this(home, Map.of("VIGIL_DATA_DIR", home.resolve("data").toString()));
    }

    CliRunner(Path home, Map<String, String> vars) {
        this(home, vars, PasswordPrompt.none());
    }

    /** A runner whose password prompt is {@code prompt} (the default never asks: no terminal). */
    CliRunner(Path home, Map<String, String> vars, PasswordPrompt prompt) {
        this(home, vars, prompt, Tty.none());
    }

    /** A runner whose standard output and error are terminals as {@code tty} says (default: neither). */
    CliRunner(Path home, Map<String, String> vars, PasswordPrompt prompt, Tty tty) {
        this.env = new UserEnvironment(vars, home, "Linux");
        this.prompt = prompt;
        this.tty = tty;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = VigilCommand.commandLine(env,
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC), prompt, tty);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
