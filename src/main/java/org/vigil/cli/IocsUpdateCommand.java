package org.vigil.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import org.vigil.ioc.update.IndicatorIndex;
import org.vigil.ioc.update.IndicatorStore;
import org.vigil.ioc.update.IndicatorUpdateException;
import org.vigil.ioc.update.IndicatorUpdater;
import org.vigil.ioc.update.UpdateResult;
import org.vigil.ioc.update.UpdateResult.EntryResult;
import org.vigil.ioc.update.UserEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil iocs update [--index URL|FILE]}: downloads the public indicator collections listed
 * in an index (mvt-indicators format) into the user's data directory.
 */
@Command(name = "update", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Download the indicator collections listed in an index into the data "
                + "directory (VIGIL_DATA_DIR, or the per-user data folder).",
                "Each file is validated and replaces the previous one atomically; a failed entry "
                + "keeps its previous file."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every entry was downloaded (updated or unchanged)",
            "2:invalid command line",
            "9:the index could not be read or parsed, or the data directory is not writable "
                    + "(nothing changed)",
            "10:some entries failed (their previous files are kept; the others were saved)"})
final class IocsUpdateCommand implements java.util.concurrent.Callable<Integer> {
    static final int EXIT_OK = ExitCodes.OK;
    static final int EXIT_ERROR = ExitCodes.NETWORK_ERROR;
    static final int EXIT_PARTIAL = ExitCodes.PARTIAL_UPDATE;

    @CommandLine.ParentCommand
    IocsCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--index", paramLabel = "URL|FILE",
            description = "Index to read (http(s) URL or local file). Default: ${DEFAULT-VALUE}")
    String index = IndicatorIndex.DEFAULT_INDEX;

    private final UserEnvironment env;
    private final Clock clock;

    IocsUpdateCommand() {
        this(null, null);
    }

    IocsUpdateCommand(UserEnvironment env, Clock clock) {
        this.env = env;
        this.clock = clock;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IndicatorStore store = IndicatorStore.of(env != null ? env : parent.env());
        out.println("Indicator index: " + index);
        out.flush();
        UpdateResult result;
        try {
            result = new IndicatorUpdater(store, clock != null ? clock : parent.clock()).update(index);
        } catch (IndicatorUpdateException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return EXIT_ERROR;
        }
        for (EntryResult r : result.entries()) {
            String status = r.status().name().toLowerCase(Locale.ROOT);
            StringBuilder line = new StringBuilder();
            line.append(String.format(Locale.ROOT, "  %-9s  %s", status, r.name()));
            if (r.status() == UpdateResult.Status.FAILED) {
                line.append(": ").append(r.reason());
                if (!r.url().isEmpty()) {
                    line.append(" (").append(r.url()).append(')');
                }
            } else {
                line.append(" -> ").append(r.fileName());
                if (!r.reason().isEmpty()) {
                    line.append(" (").append(r.reason()).append(')');
                }
            }
            out.println(line);
        }
        out.printf(Locale.ROOT, "Saved in %s: %d updated, %d unchanged, %d failed.%n",
                result.directory(), result.count(UpdateResult.Status.UPDATED),
                result.count(UpdateResult.Status.UNCHANGED),
                result.count(UpdateResult.Status.FAILED));
        out.flush();
        if (!result.allSucceeded()) {
            err.printf(Locale.ROOT, "%d of %d indicator collections could not be updated; "
                    + "their previous files, if any, are kept.%n",
                    result.count(UpdateResult.Status.FAILED), result.entries().size());
            err.flush();
            return EXIT_PARTIAL;
        }
        return EXIT_OK;
    }
}
