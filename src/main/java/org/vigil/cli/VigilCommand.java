package org.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root {@code vigil} command. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Consensual forensic triage of phones for traces of mercenary spyware.",
        subcommands = {})
public final class VigilCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        return new CommandLine(new VigilCommand()).execute(args);
    }
}
