package org.vigil.cli;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.vigil.source.SourceKind;

/**
 * {@code vigil android check-intrusion-logs LOGS_PATH}: Android intrusion logs, a folder of
 * {@code .txt} JSON-lines files (searched recursively) or a {@code .zip} of them, with the
 * {@code dns_event}, {@code connect_event} and {@code security_event} modules (MVT's
 * check-intrusion-logs). Timestamps are UTC, or device local time in the zone given with
 * {@code --timezone} (as MVT's option).
 */
@Command(name = "check-intrusion-logs", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check Android intrusion logs (a folder of .txt JSON-lines files, or a .zip of them).",
            "The files are parsed once; malformed lines are counted and reported, the rest is checked.",
            "Timestamps are in UTC, or in the device's local time with --timezone."})
final class AndroidCheckIntrusionLogsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "LOGS_PATH", description = "The intrusion logs folder or .zip.")
    Path path;

    @Mixin
    CommonOptions options;

    @Option(names = "--timezone", paramLabel = "ZONE",
            description = {"The device's time zone (e.g. Europe/Rome, UTC, +02:00): timestamps become device",
                "local time, as in the other Android timelines. Default: UTC."})
    String timezone;

    @Override
    public Integer call() {
        VigilCommand root = (VigilCommand) spec.root().userObject();
        ZoneId zone = null;
        if (timezone != null) {
            try {
                zone = ZoneId.of(timezone.strip());
            } catch (DateTimeException e) {
                return root.fail(new CliException(ExitCodes.USAGE, "Invalid value for '--timezone': \"" + timezone
                        + "\" is not a time zone (" + e.getMessage() + ")", e));
            }
        }
        return root.runCheck(new CheckPipeline.Request("android check-intrusion-logs", path,
                EnumSet.of(SourceKind.ANDROID_INTRUSION_LOGS), options, false, zone));
    }
}
