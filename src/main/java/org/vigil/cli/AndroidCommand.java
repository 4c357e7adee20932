package org.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code vigil android ...}: the Android commands, named as MVT's. */
@Command(name = "android", mixinStandardHelpOptions = true, description = "Android acquisitions.",
        subcommands = {AndroidCheckAndroidqfCommand.class, AndroidCheckBugreportCommand.class,
            AndroidCheckBackupCommand.class, AndroidCheckIntrusionLogsCommand.class})
final class AndroidCommand implements Runnable {
    @ParentCommand
    VigilCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
