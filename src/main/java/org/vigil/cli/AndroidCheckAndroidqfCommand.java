package org.vigil.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import org.vigil.source.SourceKind;

/**
 * {@code vigil android check-androidqf PATH}: an androidqf acquisition folder or zip, with the
 * androidqf modules (MVT's check-androidqf), then, nested as MVT does, its bug report (or, without
 * one, its dumpsys.txt), its adb backup and its intrusion logs ({@link AndroidQfNested}).
 */
@Command(name = "check-androidqf", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check an androidqf acquisition (the folder androidqf wrote, or a zip of it).",
            "Its bugreport.zip (or, without one, its dumpsys.txt), backup.ab and",
            "intrusion_logs/ are checked too, into the same results.",
            "The zip is read in place; only the entries that must be files are",
            "extracted, into a private temporary folder deleted at the end."})
final class AndroidCheckAndroidqfCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ANDROIDQF_PATH", description = "The androidqf folder or .zip.")
    Path path;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() {
        VigilCommand root = (VigilCommand) spec.root().userObject();
        return root.runCheck("android check-androidqf", path, EnumSet.of(SourceKind.ANDROID_QF), options);
    }
}
