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
 * {@code vigil ios check-fs PATH}: a full filesystem dump (folder, .tar, .tar.gz/.tgz or .zip, rooted
 * at the phone's {@code /} or under one leading folder). Registered under {@link IosCommand}.
 */
@Command(name = "check-fs", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check a full iOS filesystem dump: a folder, .tar, .tar.gz/.tgz or .zip holding",
            "private/var at its top or under one leading folder. Archives are read in place: the entries are",
            "indexed once and only the files the modules read are extracted, into a private temporary folder",
            "deleted at the end. --fast skips the whole-dump searches (process names in paths, missing",
            "binaries of data-usage processes)."})
final class IosCheckFsCommand implements Callable<Integer> {
    @ParentCommand
    IosCommand ios;

    @Parameters(paramLabel = "DUMP_PATH", description = "The dump folder or archive.")
    Path path;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() {
        return ios.root.runCheck("ios check-fs", path, EnumSet.of(SourceKind.IOS_FS), options);
    }
}
