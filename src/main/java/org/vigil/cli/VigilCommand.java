package org.vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import org.vigil.ioc.update.UserEnvironment;
import org.vigil.source.SourceKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code vigil} command. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Consensual forensic triage of phones for traces of mercenary spyware.",
            "Use it only on a device whose owner has given informed consent."},
        footer = ExitCodes.HELP,
        subcommands = {
            CheckCommand.class,
            IosCommand.class,
            AndroidCommand.class,
            CheckIocsCommand.class,
            ReportCommand.class,
            IocsCommand.class,
            ModulesCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class})
public final class VigilCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final UserEnvironment env;
    private final Clock clock;
    private final PasswordPrompt prompt;

    /** A root command for this user environment and clock. */
    public VigilCommand(UserEnvironment env, Clock clock) {
        this(env, clock, PasswordPrompt.system());
    }

    VigilCommand(UserEnvironment env, Clock clock, PasswordPrompt prompt) {
        this.env = Objects.requireNonNull(env, "env");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
    }

    PasswordPrompt prompt() {
        return prompt;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    UserEnvironment env() {
        return env;
    }

    Clock clock() {
        return clock;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Runs a check command, turning failures into a one-line error and an exit code. */
    int runCheck(String command, Path input, Set<SourceKind> kinds, CommonOptions options) {
        try {
            new CheckPipeline(clock, out(), env, prompt).run(new CheckPipeline.Request(command, input, kinds, options));
            return ExitCodes.OK;
        } catch (CliException e) {
            return fail(e);
        }
    }

    /** Prints a one-line error and returns its exit code. */
    int fail(CliException e) {
        err().println("vigil: error: " + e.getMessage());
        err().flush();
        return e.exitCode();
    }

    /** A configured command line (used by {@link Main} and tests). */
    public static CommandLine commandLine(UserEnvironment env, Clock clock) {
        return commandLine(env, clock, PasswordPrompt.system());
    }

    /** A configured command line asking for passwords with {@code prompt}. */
    static CommandLine commandLine(UserEnvironment env, Clock clock, PasswordPrompt prompt) {
        CommandLine cl = new CommandLine(new VigilCommand(env, clock, prompt));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("vigil: internal error: " + ex);
            commandLine.getErr().flush();
            org.slf4j.LoggerFactory.getLogger(VigilCommand.class).error("Internal error", ex);
            return ExitCodes.INTERNAL_ERROR;
        });
        return cl;
    }

    /** Runs the command line with the system environment and returns the exit code. */
    public static int execute(String... args) {
        return commandLine(UserEnvironment.system(), Clock.systemDefaultZone()).execute(args);
    }
}
