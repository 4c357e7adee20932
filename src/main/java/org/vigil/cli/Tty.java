package org.vigil.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard output and standard error are terminals. Injected (like the password prompt)
 * so that tests decide, and never depend on how the test runner was started.
 *
 * @param stdout standard output is a terminal
 * @param stderr standard error is a terminal
 */
record Tty(boolean stdout, boolean stderr) {
    /** Neither stream is a terminal (tests, pipes, files). */
    static Tty none() {
        return new Tty(false, false);
    }

    /**
     * The streams of this process. On Linux each file descriptor is checked
     * ({@code /proc/self/fd/1} and {@code 2} point to a {@code /dev/pts/*} or {@code /dev/tty*}
     * device); elsewhere Java only tells whether the process has a console (standard input and
     * output both terminals), which is then taken for both streams.
     */
    static Tty detect() {
        Path fd = Path.of("/proc/self/fd");
        if (Files.isDirectory(fd)) {
            return new Tty(isTerminal(fd.resolve("1")), isTerminal(fd.resolve("2")));
        }
        boolean console = System.console() != null;
        return new Tty(console, console);
    }

    private static boolean isTerminal(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
