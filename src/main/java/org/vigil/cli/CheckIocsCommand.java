package org.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleRunner;
import org.vigil.core.VigilException;
import org.vigil.core.VigilVersion;
import org.vigil.core.model.Alert;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ModuleRegistry;
import org.vigil.report.OutputWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigil check-iocs FOLDER}: re-checks the results of an earlier check (Vigil's or MVT's
 * {@code <slug>.json} files) against the current indicators, without the device, and writes the
 * new {@code <slug>_detected.json}, {@code alerts.json}, {@code alerts_timeline.csv},
 * {@code coverage.json} and {@code info.json}. Only indicator checks run; heuristics need the
 * device's artifacts.
 */
@Command(name = "check-iocs", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Re-check a previous results folder (Vigil's or MVT's) against the current indicators.",
            "Writes into --output, by default FOLDER/check-iocs."})
final class CheckIocsCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CheckIocsCommand.class);

    @ParentCommand
    VigilCommand root;

    @Parameters(paramLabel = "FOLDER", description = "A folder written by `vigil check --output` or `mvt-ios/mvt-android --output`.")
    Path folder;

    @Option(names = {"-i", "--iocs"}, paramLabel = "FILE|DIR", description = "Indicator file or folder (repeatable).")
    List<Path> iocs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write (default FOLDER/check-iocs).")
    Path output;

    @Option(names = {"-m", "--module"}, paramLabel = "SLUG", description = "Only this module's results (repeatable).")
    List<String> modules = new ArrayList<>();

    @Option(names = "--platform", paramLabel = "ios|android",
            description = "The platform the results come from (default: from info.json, else from the timeline header,"
                    + " else ios).")
    String platform;

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages.")
    boolean verbose;

    /** -q, --color, --no-color, --json-summary, --fail-on. */
    @Mixin
    ConsoleOptions consoleOptions = new ConsoleOptions();

    @Override
    public Integer call() {
        Console console = root.console(consoleOptions);
        Path in = folder.toAbsolutePath().normalize();
        console.begin("check-iocs", in, output == null ? in.resolve("check-iocs") : output);
        try {
            return console.finish(run(console));
        } catch (CliException e) {
            return console.fail(e);
        }
    }

    private RunResult run(Console console) throws CliException {
        Path in = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(in)) {
            throw new CliException(ExitCodes.INPUT_NOT_FOUND, in + ": no such folder");
        }
        Path outDir = output == null ? in.resolve("check-iocs") : output.toAbsolutePath().normalize();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, outDir + ": cannot create the output folder", e);
        }
        try (LogSetup logs = LogSetup.start(outDir.resolve("command.log"), verbose, console.quiet(),
                console::clearProgress)) {
            LoadedIndicators loaded = LoadedIndicators.load(iocs, root.env());
            Indicators indicators = loaded.indicators();
            if (indicators.isEmpty()) {
                throw new CliException(ExitCodes.BAD_INDICATORS, "no indicators loaded: nothing to re-check"
                        + " (pass --iocs FILE or run `vigil iocs update`)");
            }
            console.line("Vigil " + VigilVersion.get() + " - re-checking results in " + in);
            console.line("Indicators: " + loaded.describe());
            List<Module> selected;
            try {
                selected = ModuleRunner.order(ModuleRegistry.forPlatform(platformOf(in)), modules);
            } catch (VigilException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
            }
            ObjectMapper mapper = new ObjectMapper();
            List<ModuleOutcome> outcomes = new ArrayList<>();
            for (Module m : selected) {
                String slug = m.descriptor().slug();
                Path file = in.resolve(slug + ".json");
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                long start = System.nanoTime();
                ModuleOutcome outcome = recheck(m, file, mapper, indicators);
                outcomes.add(outcome);
                console.finished(outcome, (System.nanoTime() - start) / 1_000_000);
            }
            if (outcomes.isEmpty()) {
                throw new CliException(ExitCodes.INPUT_NOT_FOUND, in + ": no module results (<module>.json) found");
            }
            RunInfo info = new RunInfo("check-iocs", in.toString(), "previous results", VigilVersion.get(),
                    LocalDateTime.now(root.clock()).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")),
                    indicators.files(), List.of(), Map.of(), false);
            RunResult result = new RunResult(info, outcomes);
            try {
                new OutputWriter().write(result, outDir);
            } catch (IOException e) {
                throw new CliException(ExitCodes.OUTPUT_ERROR, outDir + ": cannot write results (" + e.getMessage() + ")", e);
            }
            console.line("The check of the results produced " + result.alerts().size() + " detection"
                    + (result.alerts().size() == 1 ? "" : "s") + ".");
            console.summary(result, outDir, true);
            loaded.warnings().forEach(w -> LOG.warn("{}", w));
            return result;
        }
    }

    /** The platform of a results folder: --platform, info.json's source_kind, the timeline header, else iOS. */
    private org.vigil.core.Platform platformOf(Path in) throws CliException {
        if (platform != null) {
            switch (platform.toLowerCase(java.util.Locale.ROOT)) {
                case "ios":
                    return org.vigil.core.Platform.IOS;
                case "android":
                    return org.vigil.core.Platform.ANDROID;
                default:
                    throw new CliException(ExitCodes.USAGE, "--platform must be ios or android, not " + platform);
            }
        }
        try {
            Path info = in.resolve("info.json");
            if (Files.isRegularFile(info)) {
                String kind = new ObjectMapper().readTree(info.toFile()).path("source_kind").asText("");
                if (kind.startsWith("Android") || kind.startsWith("androidqf")) {
                    return org.vigil.core.Platform.ANDROID;
                }
                if (kind.contains("iOS")) {
                    return org.vigil.core.Platform.IOS;
                }
            }
            Path timeline = in.resolve("timeline.csv");
            if (Files.isRegularFile(timeline)) {
                try (var lines = Files.lines(timeline)) {
                    if (lines.findFirst().orElse("").startsWith("\"Device Local Timestamp\"")) {
                        return org.vigil.core.Platform.ANDROID;
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.debug("cannot tell the platform of {}: {}", in, e.getMessage());
        }
        return org.vigil.core.Platform.IOS;
    }

    private static ModuleOutcome recheck(Module m, Path file, ObjectMapper mapper, Indicators indicators) {
        String slug = m.descriptor().slug();
        String plugin = m.descriptor().pluginName();
        JsonNode node;
        try {
            node = mapper.readTree(file.toFile());
        } catch (IOException e) {
            LOG.warn("{}: not valid JSON ({})", file, e.getMessage());
            return new ModuleOutcome(slug, plugin, ModuleStatus.UNREADABLE, file.getFileName() + ": not valid JSON",
                    null, List.of(), List.of(), List.of());
        }
        try {
            List<Alert> alerts = m.recheck(node, indicators);
            return new ModuleOutcome(slug, plugin, ModuleStatus.CHECKED, "", null, alerts, List.of(), List.of());
        } catch (CorruptArtifactException e) {
            return new ModuleOutcome(slug, plugin, ModuleStatus.UNREADABLE, e.getMessage(), null, List.of(), List.of(), List.of());
        } catch (Exception e) {
            LOG.error("Re-checking {} failed", file, e);
            return new ModuleOutcome(slug, plugin, ModuleStatus.FAILED, e.toString(), null, List.of(), List.of(), List.of());
        }
    }
}
