package org.vigil.cli;

import java.io.Console;
import java.util.Optional;

/** Asks the user for a password without echo; empty when there is no terminal to ask on. */
@FunctionalInterface
interface PasswordPrompt {
    /** The password typed, or empty when nobody can be asked (no terminal). */
    Optional<char[]> ask(String message);

    /** Asks on {@link System#console()} (no echo); empty without a terminal. */
    static PasswordPrompt system() {
        return message -> {
            Console console = System.console();
            if (console == null) {
                return Optional.empty();
            }
            char[] typed = console.readPassword("%s", message);
            return Optional.ofNullable(typed);
        };
    }

    /** Never asks (no terminal). */
    static PasswordPrompt none() {
        return message -> Optional.empty();
    }
}
