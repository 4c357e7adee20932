package org.vigil.cli;

/**
 * Vigil's exit codes. A completed check exits 0 whatever it found (alerts are in the outputs),
 * unless {@code --fail-on LEVEL} asks for {@link #ALERTS_FOUND}; every other code means the check
 * did not run, or ran incompletely, for the reason named.
 */
public final class ExitCodes {
    /** The command completed. */
    public static final int OK = 0;
    /** An unexpected internal error (a bug: the stack trace is in command.log). */
    public static final int INTERNAL_ERROR = 1;
    /** Wrong command-line usage. */
    public static final int USAGE = 2;
    /** The input path does not exist or is not an acquisition Vigil recognises. */
    public static final int INPUT_NOT_FOUND = 3;
    /** The input is corrupt or unreadable (e.g. a truncated Manifest.db, a corrupt Info.plist). */
    public static final int INPUT_CORRUPT = 4;
    /** The input is encrypted and no password or key was given (or the kind is not supported yet). */
    public static final int ENCRYPTED = 5;
    /** The password or key for an encrypted input is wrong. */
    public static final int WRONG_PASSWORD = 6;
    /** An indicator file given with --iocs could not be loaded (missing, not JSON, not STIX2). */
    public static final int BAD_INDICATORS = 7;
    /** The output folder could not be written. */
    public static final int OUTPUT_ERROR = 8;
    /** {@code iocs update}: the index could not be read, or the data folder written; nothing changed. */
    public static final int NETWORK_ERROR = 9;
    /** {@code iocs update}: some downloads failed; their previous files are kept, the others saved. */
    public static final int PARTIAL_UPDATE = 10;
    /**
     * A check completed and raised an alert at or above the level given with {@code --fail-on}
     * (only with that option: by default a completed check exits 0 whatever it found).
     */
    public static final int ALERTS_FOUND = 11;

    /** The text for {@code --help}. */
    public static final String HELP = "%nExit codes:%n"
            + "  0  the command completed (a check exits 0 whatever it found, unless --fail-on)%n"
            + "  1  internal error (details in command.log)%n"
            + "  2  usage error%n"
            + "  3  input not found, or not a recognised acquisition%n"
            + "  4  input corrupt or unreadable%n"
            + "  5  input encrypted: a password or key is needed%n"
            + "  6  wrong password or key%n"
            + "  7  an indicator file could not be loaded%n"
            + "  8  the output folder could not be written%n"
            + "  9  iocs update: the index could not be read (nothing changed)%n"
            + "  10 iocs update: some downloads failed (previous files kept)%n"
            + "  11 --fail-on LEVEL: the check completed and raised an alert at LEVEL or above%n";

    private ExitCodes() {}
}
