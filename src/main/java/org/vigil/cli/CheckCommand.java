package org.vigil.cli;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code vigil check PATH}: detects the kind of acquisition and runs its modules. */
@Command(name = "check", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check an acquisition; its kind is detected: iOS backup (plain or encrypted),",
            "iOS filesystem dump, iOS sysdiagnose, androidqf (also age-encrypted, with --age-identity), Android bug report,"
            + " Android backup."})
final class CheckCommand implements Callable<Integer> {
    @ParentCommand
    VigilCommand root;

    @Parameters(paramLabel = "PATH", description = "The acquisition: a backup folder, a dump, an archive.")
    Path path;

    @Mixin
    CommonOptions options;

    @Mixin
    AgeOptions age;

    @Override
    public Integer call() {
        options.ageIdentity = age.identity;
        return root.runCheck("check", path, Set.of(), options);
    }
}
