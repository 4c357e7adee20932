package org.vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import org.vigil.core.model.RunResult;
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
    private final Tty tty;

    /** A root command for this user environment and clock. */
    public VigilCommand(UserEnvironment env, Clock clock) {
        this(env, clock, PasswordPrompt.system(), Tty.detect());
    }

    VigilCommand(UserEnvironment env, Clock clock, PasswordPrompt prompt, Tty tty) {
        this.env = Objects.requireNonNull(env, "env");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.tty = Objects.requireNonNull(tty, "tty");
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

    /** Which of standard output and error are terminals. */
    Tty tty() {
        return tty;
    }

    /** The console of a command run with these options (colour, progress, JSON summary, exit code). */
    Console console(ConsoleOptions options) {
        return Console.create(options, out(), err(), tty, env.env());
    }

    /** A console for commands without console options: progress on a terminal, no colour. */
    Console console() {
        ConsoleOptions plain = new ConsoleOptions();
        plain.color = ConsoleOptions.ColorMode.NEVER;
        return console(plain);
    }

    /** Runs a check command, turning failures into a one-line error and an exit code. */
    int runCheck(String command, Path input, Set<SourceKind> kinds, CommonOptions options) {
        return runCheck(new CheckPipeline.Request(command, input, kinds, options));
    }

    /** Runs one check request; returns the exit code. */
    int runCheck(CheckPipeline.Request request) {
        Console console = console(request.options().console);
        console.begin(request.command(), request.input(), request.options().output);
        try {
            RunResult result = new CheckPipeline(clock, console, env, prompt).run(request);
            return console.finish(result);
        } catch (CliException e) {
            return console.fail(e);
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
        return commandLine(env, clock, prompt, Tty.detect());
    }

    /** A configured command line asking for passwords with {@code prompt}, on terminals as {@code tty} says. */
    static CommandLine commandLine(UserEnvironment env, Clock clock, PasswordPrompt prompt, Tty tty) {
        CommandLine cl = new CommandLine(new VigilCommand(env, clock, prompt, tty));
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
