package org.vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.Module;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.VigilException;
import org.vigil.core.WrongPasswordException;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.RunSink;
import org.vigil.ioc.Indicators;
import org.vigil.ioc.update.UserEnvironment;
import org.vigil.modules.ModuleRegistry;
import org.vigil.modules.android.bugreport.BugreportModules;
import org.vigil.modules.android.intrusion.IntrusionLogModules;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.BackupCredentials;
import org.vigil.source.android.AgeAcquisition;
import org.vigil.source.android.AndroidBackup;
import org.vigil.source.android.AndroidBackupProbe;
import org.vigil.source.android.AndroidBackupSource;
import org.vigil.source.android.AndroidQfSource;
import org.vigil.source.android.BugreportSource;
import org.vigil.source.android.DumpsysTextSource;
import org.vigil.source.android.IntrusionLogSource;
import org.vigil.source.android.MemoryBackupSource;

/**
 * What check-androidqf runs after the androidqf modules, as MVT's {@code finish()} does: the
 * acquisition's bug report, adb backup and intrusion logs, with their own modules, into the same
 * outputs (their module files in the same folder, their timeline and alerts merged).
 *
 * <ol>
 *   <li><b>Bug report</b>: the first file ending {@code bugreport.zip} gets the 13 bug report
 *       modules. Without one, the first {@code dumpsys.txt} (androidqf's own dumpsys
 *       output) gets the 10 modules that read only dumpsys sections (MVT #701; MVT itself runs
 *       nothing then); getprop, FS timestamps and tombstones have no data there and are not run,
 *       so none reports a misleading not_present.</li>
 *   <li><b>Backup</b>: the first file ending {@code backup.ab} gets the backup modules; a malformed
 *       one is skipped with a warning; an encrypted one asks for its password once.</li>
 *   <li><b>Intrusion logs</b>: every file under {@code intrusion_logs/} is read in place (zips
 *       walked as streams, never extracted) with the intrusion-log modules, timestamps in the
 *       device zone ({@code --timezone}, else {@code persist.sys.timezone}, else UTC).</li>
 * </ol>
 * An age-encrypted acquisition ({@link AndroidQfSource#isInMemory()}) is checked the same way,
 * from memory, nothing decrypted written to disk: its bug report zip read as a stream
 * ({@link AgeAcquisition#openNestedBugreport}), its backup read into memory
 * ({@link MemoryBackupSource}), its dumpsys.txt and intrusion logs read through the source.
 * Nested modules receive the acquisition context ({@link ModuleOptions#acquisition()}, empty when
 * androidqf recorded none) for the ADB trusted-key checks. With {@code --module}, only the selected
 * nested modules run.
 */
final class AndroidQfNested {
    private static final Logger LOG = LoggerFactory.getLogger(AndroidQfNested.class);

    private final Clock clock;
    private final UserEnvironment env;
    private final PasswordPrompt prompt;

    AndroidQfNested(Clock clock, UserEnvironment env, PasswordPrompt prompt) {
        this.clock = clock;
        this.env = env;
        this.prompt = prompt;
    }

    /** Every module check-androidqf may run nested. */
    static List<Module> nestedModules() {
        List<Module> all = new ArrayList<>(BugreportModules.all());
        all.addAll(ModuleRegistry.androidBackupModules());
        all.addAll(IntrusionLogModules.all());
        return all;
    }

    /**
     * The part of a {@code --module} selection that names modules of {@code modules}.
     *
     * @throws CliException when a selected slug is neither an androidqf nor a nested module
     */
    static List<String> selectionFor(List<Module> modules, Collection<String> selected, List<Module> main)
            throws CliException {
        Set<String> known = new LinkedHashSet<>();
        main.forEach(m -> known.add(m.descriptor().slug()));
        nestedModules().forEach(m -> known.add(m.descriptor().slug()));
        List<String> out = new ArrayList<>();
        for (String s : selected) {
            if (!known.contains(s)) {
                throw new CliException(ExitCodes.USAGE, "Unknown module \"" + s + "\" (see `vigil modules`)");
            }
            if (modules.stream().anyMatch(m -> m.descriptor().slug().equals(s))) {
                out.add(s);
            }
        }
        return out;
    }

    /** The selected slugs that name one of {@code modules}. */
    private static List<String> only(List<Module> modules, Collection<String> selected) {
        return selected.stream().filter(s -> modules.stream().anyMatch(m -> m.descriptor().slug().equals(s)))
                .toList();
    }

    /** Runs the nested checks of an androidqf acquisition. */
    List<ModuleOutcome> run(AndroidQfSource qf, CommonOptions o, ZoneId timezone, Indicators indicators,
            Console console, RunSink sink) throws CliException, IOException {
        ModuleOptions options = new ModuleOptions(o.fast, o.allowNetwork).withAcquisition(qf.acquisitionContext()
                .map(c -> new ModuleOptions.Acquisition(c.started(), c.adbHostPublicKey()))
                .orElse(new ModuleOptions.Acquisition(null, null)));
        List<ModuleOutcome> outcomes = new ArrayList<>();
        outcomes.addAll(bugreport(qf, o, options, indicators, console, sink));
        outcomes.addAll(backup(qf, o, options, indicators, console, sink));
        outcomes.addAll(intrusionLogs(qf, o, timezone, options, indicators, console, sink));
        return outcomes;
    }

    private List<ModuleOutcome> runModules(AcquisitionSource source, List<Module> modules, CommonOptions o,
            ModuleOptions options, Indicators indicators, Console console, RunSink sink) throws CliException {
        List<Module> ordered;
        try {
            if (o.modules.isEmpty()) {
                ordered = ModuleRunner.order(modules, List.of());
            } else {
                List<String> chosen = only(modules, o.modules);
                ordered = chosen.isEmpty() ? List.of() : ModuleRunner.order(modules, chosen);
            }
        } catch (VigilException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        if (ordered.isEmpty()) {
            return List.of();
        }
        return new ModuleRunner(source, indicators, options, clock, console, sink, console.progress()).run(ordered);
    }

    private List<ModuleOutcome> bugreport(AndroidQfSource qf, CommonOptions o, ModuleOptions options,
            Indicators indicators, Console console, RunSink sink) throws CliException, IOException {
        Optional<ArtifactRef> zip = first(qf, "*bugreport.zip");
        if (zip.isPresent()) {
            if (qf.isInMemory()) {
                return memoryBugreport(qf, zip.get(), o, options, indicators, console, sink);
            }
            Path file = qf.localFile(zip.get());
            try (BugreportSource nested = BugreportSource.open(file)) {
                console.line("Nested bug report " + zip.get().displayName() + ":");
                return runModules(nested, BugreportModules.all(), o, options, indicators, console, sink);
            } catch (VigilException e) {
                LOG.warn("Skipping bug report modules: {}: {}", zip.get().displayName(), e.getMessage());
                return List.of();
            }
        }
        Optional<ArtifactRef> dumpsys = qf.find(ArtifactPattern.anyDomain("*dumpsys.txt")).stream()
                .filter(r -> r.relativePath().equals("dumpsys.txt") || r.relativePath().endsWith("/dumpsys.txt"))
                .findFirst();
        if (dumpsys.isEmpty()) {
            LOG.warn("No bugreport.zip nor dumpsys.txt in the androidqf acquisition: bug report modules not run");
            return List.of();
        }
        LOG.info("No bugreport.zip in the androidqf acquisition: the dumpsys modules run on {}",
                dumpsys.get().displayName());
        console.line("Nested dumpsys output " + dumpsys.get().displayName() + " (no bugreport.zip):");
        return runModules(new DumpsysTextSource(qf, dumpsys.get()), BugreportModules.dumpsysOnly(), o, options,
                indicators, console, sink);
    }

    /** The bug report zip of an age-encrypted acquisition, read as a stream from memory. */
    private List<ModuleOutcome> memoryBugreport(AndroidQfSource qf, ArtifactRef zip, CommonOptions o,
            ModuleOptions options, Indicators indicators, Console console, RunSink sink) throws CliException,
            IOException {
        // an IOException (its content was not kept in memory: over the cap) stops the run naming the
        // entry and the cap, as a failed extraction of a plain zip's bugreport.zip does
        BugreportSource nested;
        try {
            nested = AgeAcquisition.openNestedBugreport(qf, zip);
        } catch (VigilException e) {
            LOG.warn("Skipping bug report modules: {}: {}", zip.displayName(), e.getMessage());
            return List.of();
        }
        try (nested) {
            console.line("Nested bug report " + zip.displayName() + " (in memory):");
            return runModules(nested, BugreportModules.all(), o, options, indicators, console, sink);
        }
    }

    private List<ModuleOutcome> backup(AndroidQfSource qf, CommonOptions o, ModuleOptions options,
            Indicators indicators, Console console, RunSink sink) throws CliException, IOException {
        Optional<ArtifactRef> ab = first(qf, "*backup.ab");
        if (ab.isEmpty()) {
            return List.of();
        }
        List<String> chosen = only(ModuleRegistry.androidBackupModules(), o.modules);
        if (!o.modules.isEmpty() && chosen.isEmpty()) {
            return List.of();
        }
        if (qf.isInMemory()) {
            return memoryBackup(qf, ab.get(), o, options, indicators, console, sink);
        }
        Path file = qf.localFile(ab.get());
        if (!AndroidBackup.readHeader(file).backup()) {
            LOG.warn("Skipping backup modules as {} is malformed", ab.get().displayName());
            return List.of();
        }
        return nestedBackup("Nested adb backup " + ab.get().displayName() + ":", AndroidBackupProbe.needsPassword(file),
                file, credentials -> AndroidBackupSource.open(file, credentials, console.progress()), o, options,
                indicators, console, sink);
    }

    /** Opens a nested backup, with credentials when it is encrypted. */
    @FunctionalInterface
    private interface BackupOpener {
        AcquisitionSource open(BackupCredentials credentials) throws VigilException, IOException;
    }

    /**
     * Runs the backup modules on a nested backup.ab: asks for its password when it is encrypted
     * ({@code passwordFor} names it), maps a missing or wrong password to their exit codes, and
     * skips the modules (with a warning) when it cannot be opened otherwise.
     */
    private List<ModuleOutcome> nestedBackup(String heading, boolean encrypted, Path passwordFor, BackupOpener opener,
            CommonOptions o, ModuleOptions options, Indicators indicators, Console console, RunSink sink)
            throws CliException, IOException {
        try {
            BackupCredentials credentials = encrypted
                    ? BackupPasswords.require(o.password, o.keyFile, env, prompt, passwordFor) : null;
            try (AcquisitionSource nested = opener.open(credentials)) {
                console.line(heading);
                return runModules(nested, ModuleRegistry.androidBackupModules(), o, options, indicators, console,
                        sink);
            }
        } catch (EncryptedSourceException e) {
            throw new CliException(ExitCodes.ENCRYPTED, e.getMessage(), e);
        } catch (WrongPasswordException e) {
            throw new CliException(ExitCodes.WRONG_PASSWORD, e.getMessage(), e);
        } catch (VigilException e) {
            LOG.warn("Skipping backup modules: {}", e.getMessage());
            return List.of();
        }
    }

    /** The backup.ab of an age-encrypted acquisition: read from memory, never written to disk. */
    private List<ModuleOutcome> memoryBackup(AndroidQfSource qf, ArtifactRef ab, CommonOptions o,
            ModuleOptions options, Indicators indicators, Console console, RunSink sink) throws CliException,
            IOException {
        Path name = Path.of(qf.root() + "!" + ab.id());
        AndroidBackup.Header header;
        // an IOException (its content was not kept in memory: over the cap) stops the run naming the
        // entry and the cap, as a failed extraction of a plain zip's backup.ab does
        try (InputStream in = qf.open(ab)) {
            header = AndroidBackup.Header.parse(in.readNBytes(AndroidBackup.MAGIC.length() + 3 * 16));
        }
        if (!header.backup()) {
            LOG.warn("Skipping backup modules as {} is malformed", ab.displayName());
            return List.of();
        }
        return nestedBackup("Nested adb backup " + ab.displayName() + " (in memory):", header.encrypted(), name,
                credentials -> MemoryBackupSource.open(qf.open(ab), name, credentials), o, options, indicators,
                console, sink);
    }

    private List<ModuleOutcome> intrusionLogs(AndroidQfSource qf, CommonOptions o, ZoneId timezone,
            ModuleOptions options, Indicators indicators, Console console, RunSink sink) throws CliException,
            IOException {
        List<ArtifactRef> logs = new ArrayList<>();
        qf.forEachEntry(r -> {
            String p = r.relativePath();
            if (p.contains("/intrusion_logs/") || p.startsWith("intrusion_logs/")) {
                logs.add(r);
            }
        });
        if (logs.isEmpty()) {
            return List.of();
        }
        ZoneId zone = timezone != null ? timezone : qf.deviceZone().orElse(ZoneOffset.UTC);
        try (IntrusionLogSource nested = IntrusionLogSource.open(qf, logs).withDeviceZone(zone)) {
            console.line("Nested intrusion logs (" + logs.size() + " file" + (logs.size() == 1 ? "" : "s") + "):");
            return runModules(nested, IntrusionLogModules.all(), o, options, indicators, console, sink);
        }
    }

    private static Optional<ArtifactRef> first(AndroidQfSource qf, String pattern) {
        return qf.find(ArtifactPattern.anyDomain(pattern)).stream().findFirst();
    }
}
