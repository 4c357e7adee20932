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
 * {@code vigil android check-intrusion-logs LOGS_PATH}: Android intrusion logs, a folder of
 * {@code .txt} JSON-lines files (searched recursively) or a {@code .zip} of them, with the
 * {@code dns_event}, {@code connect_event} and {@code security_event} modules (MVT's
 * check-intrusion-logs). Timestamps are UTC (no {@code --timezone} option yet).
 */
@Command(name = "check-intrusion-logs", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check Android intrusion logs (a folder of .txt JSON-lines files, or a .zip of them).",
            "The files are parsed once; malformed lines are counted and reported, the rest is checked.",
            "Timestamps are in UTC."})
final class AndroidCheckIntrusionLogsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "LOGS_PATH", description = "The intrusion logs folder or .zip.")
    Path path;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() {
        VigilCommand root = (VigilCommand) spec.root().userObject();
        return root.runCheck("android check-intrusion-logs", path, EnumSet.of(SourceKind.ANDROID_INTRUSION_LOGS),
                options);
    }
}
