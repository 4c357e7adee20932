package org.vigil.cli;

import java.util.Locale;
import org.vigil.core.model.Level;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * What a check prints and how it exits, for scripts and people: shared by every check command
 * (through {@link CommonOptions}, and directly by {@code check-iocs} and {@code demo}). See
 * {@code docs/console.md}.
 */
final class ConsoleOptions {
    /** When to colour the console. */
    enum ColorMode {
        /** When the stream is a terminal and {@code NO_COLOR} is not set. */
        AUTO,
        /** Always (even piped, even with {@code NO_COLOR}). */
        ALWAYS,
        /** Never. */
        NEVER
    }

    @Option(names = {"-q", "--quiet"},
            description = "Print nothing but errors: no progress, no module lines, no summary (warnings go to"
                    + " command.log only). The exit code, --json-summary and the output files carry the result.")
    boolean quiet;

    @Option(names = "--color", paramLabel = "WHEN", converter = ColorConverter.class,
            description = "Colour the console: auto (default: on a terminal, unless NO_COLOR is set), always,"
                    + " never.")
    ColorMode color = ColorMode.AUTO;

    @Option(names = "--no-color", description = "Same as --color=never.")
    boolean noColor;

    @Option(names = "--json-summary",
            description = "At the end, print one JSON object on standard output (version, command, input,"
                    + " outputs, modules by status, alerts by level, verdict, exit code); the human-readable"
                    + " lines then go to standard error.")
    boolean jsonSummary;

    @Option(names = "--fail-on", paramLabel = "LEVEL", converter = LevelConverter.class,
            description = "Exit with code " + ExitCodes.ALERTS_FOUND + " when an alert at LEVEL or above was raised"
                    + " (critical, high, medium, low, informational). Off by default: a completed check exits 0.")
    Level failOn;

    /** The colour mode after {@code --no-color}. */
    ColorMode colorMode() {
        return noColor ? ColorMode.NEVER : color;
    }

    /** Parses {@code --color} case-insensitively. */
    static final class ColorConverter implements ITypeConverter<ColorMode> {
        @Override
        public ColorMode convert(String value) {
            try {
                return ColorMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected auto, always or never, not '" + value + "'");
            }
        }
    }

    /** Parses a level name case-insensitively ({@code info} for INFORMATIONAL). */
    static final class LevelConverter implements ITypeConverter<Level> {
        @Override
        public Level convert(String value) {
            try {
                return Level.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected critical, high, medium, low or informational, not '"
                        + value + "'");
            }
        }
    }
}
