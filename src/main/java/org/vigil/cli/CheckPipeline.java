package org.vigil.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.Module;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.VigilException;
import org.vigil.core.VigilVersion;
import org.vigil.core.WrongPasswordException;
import org.vigil.core.model.InputHash;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.io.Hashing;
import org.vigil.ioc.Indicators;
import org.vigil.ioc.UrlExpander;
import org.vigil.ioc.update.UserEnvironment;
import org.vigil.modules.ModuleRegistry;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunSink;
import org.vigil.report.StreamingOutput;
import org.vigil.io.archive.ArchiveLimits;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.BackupCredentials;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;
import org.vigil.source.iosfs.IosFsSource;

/**
 * One check, end to end: load indicators, open the acquisition, run its modules, write the
 * outputs, print the summary.
 */
final class CheckPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(CheckPipeline.class);

    /**
     * What to check.
     *
     * @param command the command name for info.json (e.g. {@code ios check-backup})
     * @param input the acquisition path
     * @param kinds the kinds this command accepts (empty = any)
     * @param options common options
     * @param onlyGivenIndicators load only the indicator files given (no installed ones)
     * @param timezone the device time zone given by the user ({@code --timezone}), or null
     */
    record Request(String command, Path input, Set<SourceKind> kinds, CommonOptions options, boolean onlyGivenIndicators,
            java.time.ZoneId timezone) {
        Request(String command, Path input, Set<SourceKind> kinds, CommonOptions options, boolean onlyGivenIndicators) {
            this(command, input, kinds, options, onlyGivenIndicators, null);
        }

        Request(String command, Path input, Set<SourceKind> kinds, CommonOptions options) {
            this(command, input, kinds, options, false, null);
        }
    }

    private final Clock clock;
    private final Console console;
    private final UserEnvironment env;
    private final PasswordPrompt prompt;

    CheckPipeline(Clock clock, PrintWriter out, UserEnvironment env) {
        this(clock, new Console(out, false), env, PasswordPrompt.none());
    }

    /** A pipeline printing through {@code console} (progress, module lines, summary). */
    CheckPipeline(Clock clock, Console console, UserEnvironment env, PasswordPrompt prompt) {
        this.clock = clock;
        this.console = console;
        this.env = env;
        this.prompt = prompt;
    }

    /** Runs the check; returns the result, or throws a CliException with a one-line message. */
    RunResult run(Request req) throws CliException {
        CommonOptions o = req.options();
        if (o.jobs() < 1 || o.jobs() > ModuleRunner.MAX_JOBS) {
            throw new CliException(ExitCodes.USAGE, "--jobs must be between 1 and " + ModuleRunner.MAX_JOBS
                    + " (got " + o.jobs() + ")");
        }
        Path input = req.input().toAbsolutePath().normalize();
        if (!Files.exists(input, LinkOption.NOFOLLOW_LINKS)) {
            throw new CliException(ExitCodes.INPUT_NOT_FOUND, input + ": no such file or folder");
        }
        Path outDir = prepareOutput(o.output, input);
        try (LogSetup logs = LogSetup.start(outDir == null ? null : outDir.resolve("command.log"), o.verbose,
                console.quiet(), console::clearProgress)) {
            LOG.info("Vigil {}: {} {}", VigilVersion.get(), req.command(), input);
            try {
                return runLogged(req, input, outDir);
            } catch (CliException e) {
                LOG.error(FileOnlyFilter.FILE_ONLY, "{}", e.getMessage(), e.getCause());
                throw e;
            } catch (RuntimeException e) {
                LOG.error(FileOnlyFilter.FILE_ONLY, "Internal error: {}", e.toString(), e);
                throw new CliException(ExitCodes.INTERNAL_ERROR, "internal error: " + e
                        + (outDir == null ? "" : " (details in " + outDir.resolve("command.log") + ")"), e);
            }
        }
    }

    private RunResult runLogged(Request req, Path input, Path outDir) throws CliException {
        CommonOptions o = req.options();
        LoadedIndicators loaded = req.onlyGivenIndicators() ? LoadedIndicators.loadFiles(o.iocs)
                : LoadedIndicators.load(o.iocs, env);
        Indicators indicators = loaded.indicators();
        if (o.allowNetwork) {
            indicators = indicators.withExpander(UrlExpander.builder()
                    .timeout(java.time.Duration.ofSeconds(15)).maxConcurrency(8).maxDepth(5).build());
            LOG.info("Network access allowed: shortened URLs will be expanded");
        }
        console.line("Vigil " + VigilVersion.get() + " - checking " + input);
        console.line("Indicators: " + loaded.describe());

        try (AcquisitionSource source = openSource(input, o, req.kinds())) {
            if (!req.kinds().isEmpty() && !req.kinds().contains(source.kind())) {
                throw new CliException(ExitCodes.INPUT_NOT_FOUND, input + ": this is a " + source.kind().label()
                        + ", not what `vigil " + req.command() + "` reads (try `vigil check`)");
            }
            console.line("Acquisition: " + source.kind().label() + " at " + source.root());
            if (source instanceof org.vigil.source.android.AndroidQfSource qf && qf.isInMemory()) {
                console.line("age identity accepted: the acquisition is decrypted in memory, nothing decrypted is"
                        + " written to disk");
            }
            if (source.kind() == SourceKind.IOS_BACKUP_ENCRYPTED) {
                console.line("Password accepted: files are decrypted as needed into a private temporary folder,"
                        + " deleted at the end");
            }
            if (req.timezone() != null && source instanceof org.vigil.source.android.IntrusionLogSource logs) {
                logs.withDeviceZone(req.timezone());
            }
            List<Module> modules;
            try {
                List<Module> candidates = ModuleRegistry.forKind(source.kind());
                List<String> selected = o.modules;
                if (source.kind() == SourceKind.ANDROID_QF && !o.modules.isEmpty()) {
                    // --module may name the modules androidqf runs nested (bug report, backup, intrusion logs)
                    selected = AndroidQfNested.selectionFor(candidates, o.modules, candidates);
                }
                modules = !o.modules.isEmpty() && selected.isEmpty() ? List.of()
                        : ModuleRunner.order(candidates, selected);
            } catch (VigilException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
            }
            console.line("Running " + modules.size() + " module" + (modules.size() == 1 ? "" : "s") + ":");
            StreamingOutput stream = outDir == null ? null : openOutput(outDir);
            try {
                RunSink sink = stream != null ? stream : (slug, plugin) -> ResultSink.discarding();
                ModuleRunner runner = new ModuleRunner(source, indicators,
                        new ModuleOptions(o.fast, o.allowNetwork), clock, console, sink, console.progress(), o.jobs())
                        .expectedWork(ModuleWork.of(source));
                List<ModuleOutcome> outcomes = new ArrayList<>(runner.run(modules));
                if (source instanceof org.vigil.source.android.AndroidQfSource qf) {
                    outcomes.addAll(new AndroidQfNested(clock, env, prompt).run(qf, o, req.timezone(), indicators,
                            console, sink));
                }
                List<InputHash> hashes = o.hashes ? hashInputs(source, console.progress()) : List.of();
                Map<String, String> device = new TreeMap<>(source.deviceInfo().properties());
                RunInfo info = new RunInfo(req.command(), input.toString(), source.kind().label(),
                        VigilVersion.get(),
                        LocalDateTime.now(clock).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")),
                        indicators.files(), hashes, device, !source.kind().isIos());
                RunResult result = new RunResult(info, outcomes);
                if (stream != null) {
                    try {
                        stream.finish(result);
                        if (!hashes.isEmpty()) {
                            LOG.info("Reference hash of the info.json file: \"{}\"",
                                    Hashing.sha256Hex(outDir.resolve("info.json")));
                        }
                    } catch (IOException | java.io.UncheckedIOException e) {
                        throw new CliException(ExitCodes.OUTPUT_ERROR, outDir + ": cannot write results ("
                                + e.getMessage() + ")", e);
                    }
                }
                console.summary(result, outDir, !indicators.isEmpty());
                for (String w : loaded.warnings()) {
                    LOG.warn("{}", w);
                }
                return result;
            } finally {
                if (stream != null) {
                    stream.close();
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.INPUT_CORRUPT, input + ": " + e.getMessage(), e);
        }
    }

    private static StreamingOutput openOutput(Path outDir) throws CliException {
        try {
            return new StreamingOutput(outDir);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, outDir + ": cannot write results (" + e.getMessage() + ")", e);
        }
    }

    private AcquisitionSource openSource(Path input, CommonOptions o, Set<SourceKind> kinds) throws CliException {
        try {
            if (kinds.equals(Set.of(SourceKind.IOS_FS))) {
                // `ios check-fs`: a filesystem dump whatever else the path might look like
                return IosFsSource.open(input, fsOptions());
            }
            if (org.vigil.source.android.AgeAcquisition.isAge(input)) {
                return AgeInputs.open(input, o.ageIdentity);
            } else if (o.ageIdentity != null) {
                LOG.warn("{} is not age-encrypted: the age identity given is not used", input);
            }
            SourceDetector detector = SourceDetector.standard();
            BackupCredentials credentials = null;
            SourceKind kind = detector.detect(input);
            if (kind == SourceKind.IOS_FS) {
                return IosFsSource.open(input, fsOptions());
            }
            if (kind == SourceKind.IOS_BACKUP_ENCRYPTED || (kind == SourceKind.ANDROID_BACKUP
                    && org.vigil.source.android.AndroidBackupProbe.needsPassword(input))) {
                credentials = BackupPasswords.require(o.password, o.keyFile, env, prompt, input);
            } else if (o.password != null || o.keyFile != null) {
                LOG.warn("{} is not encrypted: the password or key given is not used", input);
            }
            return detector.open(input, credentials, console.progress());
        } catch (EncryptedSourceException e) {
            throw new CliException(ExitCodes.ENCRYPTED, e.getMessage(), e);
        } catch (WrongPasswordException e) {
            throw new CliException(ExitCodes.WRONG_PASSWORD, e.getMessage(), e);
        } catch (CorruptArtifactException | UnsupportedSchemaException e) {
            throw new CliException(ExitCodes.INPUT_CORRUPT, e.getMessage(), e);
        } catch (VigilException e) {
            throw new CliException(ExitCodes.INPUT_NOT_FOUND, e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.INPUT_CORRUPT, input + ": " + e.getMessage(), e);
        }
    }

    /**
     * How to open a filesystem dump: every filesystem pattern the dump's modules declare is
     * extracted during a {@code .tar.gz}'s indexing pass (descriptors list them as artifacts
     * starting with {@code private/}, or with {@code *} for patterns anywhere).
     */
    static IosFsSource.Options fsOptions() {
        List<ArtifactPattern> prefetch = new ArrayList<>();
        for (Module m : ModuleRegistry.iosFsModules()) {
            for (String a : m.descriptor().artifacts()) {
                if (a.startsWith("private/") || a.startsWith("*")) {
                    prefetch.add(ArtifactPattern.anyDomain(a));
                }
            }
        }
        return new IosFsSource.Options(ArchiveLimits.DEFAULT, prefetch);
    }

    private static List<InputHash> hashInputs(AcquisitionSource source, org.vigil.core.Progress progress)
            throws IOException {
        List<Path> files = source.inputFiles();
        List<InputHash> hashes = new ArrayList<>();
        try (org.vigil.core.Progress.Step step = progress.start("Hashing the input files", files.size(),
                org.vigil.core.Progress.Unit.FILES)) {
            for (Path p : files) {
                hashes.add(new InputHash(p.toString(), Hashing.sha256Hex(p)));
                step.advance(1);
            }
        }
        return hashes;
    }

    /** Creates the output folder; refuses a folder inside the evidence. */
    static Path prepareOutput(Path output, Path input) throws CliException {
        if (output == null) {
            return null;
        }
        Path out = output.toAbsolutePath().normalize();
        Path in = input.toAbsolutePath().normalize();
        if (Files.isDirectory(in) && out.startsWith(in)) {
            throw new CliException(ExitCodes.USAGE, out + ": the output folder must not be inside the"
                    + " acquisition (evidence is never written to)");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, out + ": cannot create the output folder ("
                    + e.getMessage() + ")", e);
        }
        if (!Files.isWritable(out)) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, out + ": output folder is not writable");
        }
        return out;
    }
}
