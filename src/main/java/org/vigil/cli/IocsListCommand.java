package org.vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.ioc.update.IndicatorCatalog;
import org.vigil.ioc.update.IndicatorCatalog.Item;
import org.vigil.ioc.update.IndicatorSourceException;
import org.vigil.ioc.update.IndicatorSources;
import org.vigil.ioc.update.UserEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil iocs list [--iocs FILE|DIR]...}: shows the indicator files a run would load, in
 * load order, with what each holds, and when the downloaded set was last updated.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"List the indicator files a check would load: --iocs, then the downloaded "
                + "set, then VIGIL_IOCS."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:listed",
            "7:an --iocs path does not exist or cannot be read, or some files could not be loaded",
            "2:invalid command line"})
final class IocsListCommand implements java.util.concurrent.Callable<Integer> {
    static final int EXIT_OK = ExitCodes.OK;
    static final int EXIT_ERROR = ExitCodes.BAD_INDICATORS;
    static final int EXIT_LOAD_ERRORS = ExitCodes.BAD_INDICATORS;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--iocs"}, paramLabel = "FILE|DIR",
            description = "Indicator file or folder (repeatable).")
    List<Path> iocs = new ArrayList<>();

    private final UserEnvironment env;

    @CommandLine.ParentCommand
    IocsCommand parent;

    IocsListCommand() {
        this(null);
    }

    IocsListCommand(UserEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IndicatorCatalog.Listing listing;
        try {
            listing = IndicatorCatalog.list(new IndicatorSources(env != null ? env : parent.env()), iocs);
        } catch (IndicatorSourceException e) {
            err.println("Error: " + e.getMessage());
            err.flush();
            return EXIT_ERROR;
        }
        out.println("Data directory: " + listing.dataDirectory());
        out.println("Last update: " + listing.lastUpdate().map(IocsListCommand::formatTime)
                .orElse("never"));
        int n = 0;
        for (Item item : listing.items()) {
            n++;
            out.println();
            String title = item.indexName().orElse(item.path().getFileName().toString());
            out.printf(Locale.ROOT, "[%d] %s (%s)%n", n, title, origin(item));
            out.println("    " + item.path());
            if (item.size() < 0) {
                out.println("    unreadable");
            } else {
                out.printf(Locale.ROOT, "    %d bytes, sha256 %s%n", item.size(),
                        item.sha256().substring(0, Math.min(16, item.sha256().length())));
            }
            if (item.loaded().isPresent()) {
                IndicatorFileInfo info = item.loaded().get();
                out.printf(Locale.ROOT, "    %d indicators%s%n", info.indicatorCount(),
                        counts(info.countsByType()));
                if (!info.collections().isEmpty()) {
                    out.println("    collections: " + String.join(", ", info.collections()));
                }
                if (!info.skipped().isEmpty()) {
                    out.println("    skipped patterns:" + counts(info.skipped()));
                }
            } else {
                out.println("    not loaded");
            }
        }
        if (listing.items().isEmpty()) {
            out.println();
            out.println("No indicator files. Run `vigil iocs update` or give --iocs FILE|DIR.");
        }
        if (!listing.warnings().isEmpty()) {
            out.println();
            out.println("Warnings:");
            listing.warnings().forEach(w -> out.println("  " + w));
        }
        if (!listing.loadErrors().isEmpty()) {
            out.println();
            out.println("Load errors:");
            listing.loadErrors().forEach(w -> out.println("  " + w));
        }
        out.println();
        out.printf(Locale.ROOT, "%d files, %d indicators.%n", listing.items().size(),
                listing.totalIndicators());
        out.flush();
        return listing.loadErrors().isEmpty() ? EXIT_OK : EXIT_LOAD_ERRORS;
    }

    private static String origin(Item item) {
        switch (item.origin()) {
            case OPTION:
                return "--iocs";
            case DOWNLOADED:
                return "downloaded";
            default:
                return UserEnvironment.IOCS_VARIABLE;
        }
    }

    private static String counts(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        return new TreeMap<>(counts).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", ": ", ""));
    }

    static String formatTime(Instant t) {
        return t.toString() + " (" + t.getEpochSecond() + ")";
    }
}
