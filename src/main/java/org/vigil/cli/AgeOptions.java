package org.vigil.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --age-identity}: for androidqf acquisitions encrypted with age ({@code .zip.age}). */
final class AgeOptions {
    @Option(names = "--age-identity", paramLabel = "FILE",
            description = "age identity file (AGE-SECRET-KEY-1... lines, # comments allowed) for an androidqf"
                    + " acquisition encrypted with age (<UUID>.zip.age). The acquisition is decrypted in memory:"
                    + " nothing decrypted is written to disk.")
    Path identity;
}
