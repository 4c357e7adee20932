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

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
