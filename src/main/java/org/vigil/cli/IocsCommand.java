package org.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vigil iocs}: manage indicator files ({@code update}, {@code list}). */
@Command(name = "iocs", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Download and list indicators of compromise (STIX 2 files).",
        subcommands = {IocsUpdateCommand.class, IocsListCommand.class})
final class IocsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set by picocli when this command runs under {@code vigil}; null when used alone. */
    @CommandLine.ParentCommand
    VigilCommand root;

    /** The user environment of the root command, or the system's. */
    org.vigil.ioc.update.UserEnvironment env() {
        return root != null ? root.env() : org.vigil.ioc.update.UserEnvironment.system();
    }

    /** The root command's clock, or the system's. */
    java.time.Clock clock() {
        return root != null ? root.clock() : java.time.Clock.systemUTC();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
