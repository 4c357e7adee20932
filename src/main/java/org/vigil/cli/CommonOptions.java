package org.vigil.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by the check commands. */
final class CommonOptions {
    @Option(names = {"-i", "--iocs"}, paramLabel = "FILE|DIR",
            description = "STIX2 indicator file, or folder searched recursively for *.stix2 and *.json"
                    + " (repeatable). Downloaded indicators (vigil iocs update) and VIGIL_IOCS are"
                    + " always added.")
    List<Path> iocs = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Folder for the results (created if needed). Without it nothing is written.")
    Path output;

    @Option(names = {"-m", "--module"}, paramLabel = "SLUG",
            description = "Run only this module (and the modules it depends on); repeatable."
                    + " See `vigil modules`.")
    List<String> modules = new ArrayList<>();

    @Option(names = {"-H", "--hashes"}, description = "Record the SHA-256 of every input file in info.json.")
    boolean hashes;

    @Option(names = "--allow-network",
            description = "Allow network lookups (expanding shortened URLs). Off by default: nothing"
                    + " leaves this machine.")
    boolean allowNetwork;

    @Option(names = {"-f", "--fast"}, description = "Skip slow whole-acquisition searches.")
    boolean fast;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "Password of an encrypted backup. Safer: the VIGIL_BACKUP_PASSWORD variable or the"
                    + " prompt (asked without echo when a terminal is attached), since a password on the"
                    + " command line is visible to other users of this machine.")
    String password;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "Key of an encrypted backup (64 hex characters, from `vigil ios extract-key -k"
                    + " FILE`): skips the slow key derivation.")
    Path keyFile;

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages on the console.")
    boolean verbose;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Run up to N modules at the same time (1 to 64; default: the number of processors,"
                    + " at most 4). 1 runs them one after the other. The outputs are the same bytes either way.")
    Integer jobs;

    /** The number of modules to run at the same time: {@code --jobs}, else {@link #defaultJobs()}. */
    int jobs() {
        return jobs != null ? jobs : defaultJobs();
    }

    /** min(available processors, 4). */
    static int defaultJobs() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 4));
    }

    /** -q, --color, --no-color, --json-summary, --fail-on. */
    @Mixin
    ConsoleOptions console = new ConsoleOptions();

    /** The age identity file ({@link AgeOptions}), set by the commands that take {@code --age-identity}. */
    Path ageIdentity;
}
