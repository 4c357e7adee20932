package org.vigil.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import org.vigil.source.SourceKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil android check-backup PATH}: an Android adb backup ({@code .ab} file, or a folder
 * it was unpacked into), as MVT's {@code mvt-android check-backup}. Meant as a subcommand of the
 * {@code android} group; it reaches the {@link VigilCommand} through the command tree's root, so it
 * does not depend on the group's class.
 */
@Command(name = "check-backup", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check an Android backup: an .ab file made by `adb backup` (versions 1 to 5,",
            "compressed or not, AES-256 encrypted) or a folder holding its unpacked apps/.",
            "Encrypted backups are read in place: give --password or VIGIL_BACKUP_PASSWORD,",
            "or type the password when asked. Runs the sms module."})
final class AndroidCheckBackupCommand implements Callable<Integer> {
    /** The command name recorded in info.json. */
    static final String NAME = "android check-backup";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "BACKUP_PATH", description = "The .ab file or the unpacked backup folder.")
    Path path;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() {
        VigilCommand root = (VigilCommand) spec.root().userObject();
        return root.runCheck(NAME, path, EnumSet.of(SourceKind.ANDROID_BACKUP), options);
    }
}
