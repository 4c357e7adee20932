package org.vigil.cli;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import org.vigil.source.SourceKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigil ios check-sysdiagnose PATH}: a {@code sysdiagnose_*.tar.gz} (read in place) or its
 * unpacked folder. Registered under {@link IosCommand}.
 */
@Command(name = "check-sysdiagnose", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check an iOS sysdiagnose: the sysdiagnose_*.tar.gz the phone writes, or its unpacked",
            "folder. The archive is read in place: only the files the modules need are extracted, into a",
            "private temporary folder deleted at the end."})
final class IosCheckSysdiagnoseCommand implements Callable<Integer> {
    @ParentCommand
    IosCommand ios;

    @Parameters(paramLabel = "SYSDIAGNOSE_PATH", description = "The .tar.gz archive or the unpacked folder.")
    Path path;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() {
        return ios.root.runCheck("ios check-sysdiagnose", path, EnumSet.of(SourceKind.IOS_SYSDIAGNOSE), options);
    }
}
