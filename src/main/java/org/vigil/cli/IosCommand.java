package org.vigil.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import org.vigil.source.SourceKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigil ios ...}: the iOS commands, named as MVT's. */
@Command(name = "ios", mixinStandardHelpOptions = true, description = "iOS acquisitions.",
        subcommands = {IosCommand.CheckBackup.class, IosCheckFsCommand.class, IosCheckSysdiagnoseCommand.class, IosDecryptBackupCommand.class,
            IosExtractKeyCommand.class})
final class IosCommand implements Runnable {
    @ParentCommand
    VigilCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code vigil ios check-backup PATH}. */
    @Command(name = "check-backup", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
            description = {"Check an iTunes/Finder backup folder (or the folder holding one backup).",
                "Encrypted backups are read in place: give --password, --key-file FILE or",
                "VIGIL_BACKUP_PASSWORD, or type the password when asked."})
    static final class CheckBackup implements Callable<Integer> {
        @ParentCommand
        IosCommand ios;

        @Parameters(paramLabel = "BACKUP_PATH", description = "The backup folder.")
        Path path;

        @Mixin
        CommonOptions options;

        @Override
        public Integer call() {
            return ios.root.runCheck("ios check-backup", path,
                    EnumSet.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED), options);
        }
    }
}
