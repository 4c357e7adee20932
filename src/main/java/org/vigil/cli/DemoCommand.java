package org.vigil.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.vigil.demo.DemoScenario;
import org.vigil.source.SourceKind;
import picocli.CommandLine.Command;
import org.vigil.core.model.RunResult;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigil demo}: builds a synthetic iOS backup with benign data and planted traces of a
 * fictional campaign, plus its indicator file, checks it, and prints the summary. Nothing real is
 * involved: every name is reserved for examples.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Build a synthetic iOS backup with planted traces of a fictional spyware campaign"
                + " and check it: the quickest way to see what Vigil does.",
            "Writes DIR/backup (the acquisition), DIR/demo-campaign.stix2 (its indicators) and"
                + " DIR/results (the check's outputs)."})
final class DemoCommand implements Callable<Integer> {
    /** Marks a folder as made by this command, so that a later run may replace it. */
    static final String MARKER = ".vigil-demo";

    @ParentCommand
    VigilCommand root;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "vigil-demo-output",
            description = "Folder for the demo (default: ${DEFAULT-VALUE}). Replaced if an earlier demo made it.")
    Path output;

    /** -q, --color, --no-color, --json-summary, --fail-on. */
    @Mixin
    ConsoleOptions consoleOptions = new ConsoleOptions();

    @Override
    public Integer call() {
        Console console = root.console(consoleOptions);
        Path dir = output.toAbsolutePath().normalize();
        Path backup = dir.resolve("backup");
        console.begin("demo", backup, dir.resolve("results"));
        try {
            prepare(dir);
        } catch (CliException e) {
            return console.fail(e);
        }
        Path stix = dir.resolve("demo-campaign.stix2");
        try {
            DemoScenario.Result made = DemoScenario.write(backup, stix);
            console.line("Made a synthetic iOS backup (" + made.manifestRows() + " files, device \""
                    + DemoScenario.DEVICE_NAME + "\", iOS " + DemoScenario.IOS_VERSION + ") in " + backup);
            console.line("with the indicators of a fictional campaign in " + stix);
            console.line("");
        } catch (IOException e) {
            return console.fail(new CliException(ExitCodes.OUTPUT_ERROR, dir + ": cannot write the demo ("
                    + e.getMessage() + ")", e));
        }
        CommonOptions options = new CommonOptions();
        options.iocs = List.of(stix);
        options.output = dir.resolve("results");
        options.hashes = true;
        options.console = consoleOptions;
        RunResult result;
        try {
            result = new CheckPipeline(root.clock(), console, root.env(), PasswordPrompt.none())
                    .run(new CheckPipeline.Request("demo", backup, EnumSet.of(SourceKind.IOS_BACKUP), options, true));
        } catch (CliException e) {
            return console.fail(e);
        }
        console.line("");
        console.line("What was planted, and what Vigil should have found:");
        DemoScenario.expectedSummary().lines().forEach(l -> console.line("  " + l));
        console.line("");
        console.line("Look at " + dir.resolve("results").resolve("alerts.json") + " and timeline.csv;"
                + " run `vigil check " + backup + "` yourself.");
        return console.finish(result);
    }

    /** Creates the folder, or replaces one an earlier demo made; refuses anything else. */
    private static void prepare(Path dir) throws CliException {
        try {
            if (Files.exists(dir)) {
                boolean empty;
                try (Stream<Path> s = Files.list(dir)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !Files.exists(dir.resolve(MARKER))) {
                    throw new CliException(ExitCodes.USAGE, dir + ": folder exists and was not made by `vigil demo`;"
                            + " choose another with --output");
                }
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(MARKER), "Made by `vigil demo`; may be replaced by the next demo.\n");
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, dir + ": cannot prepare the demo folder (" + e.getMessage() + ")", e);
        }
    }
}
