package org.vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.vigil.ioc.update.UserEnvironment;
import org.vigil.source.BackupCredentials;

/**
 * Where the password of an encrypted backup comes from, in order: {@code --key-file},
 * {@code --password}, {@value #VARIABLE}, then a prompt without echo on the terminal.
 */
final class BackupPasswords {
    /** Environment variable holding the backup password. */
    static final String VARIABLE = "VIGIL_BACKUP_PASSWORD";
    private static final int MAX_KEY_FILE = 4096;

    private BackupPasswords() {}

    /** The credentials given by option, key file or environment, without asking. */
    static Optional<BackupCredentials> given(String password, Path keyFile, UserEnvironment env) throws CliException {
        if (keyFile != null && password != null) {
            throw new CliException(ExitCodes.USAGE, "give either --password or --key-file, not both");
        }
        if (keyFile != null) {
            return Optional.of(readKeyFile(keyFile));
        }
        if (password != null) {
            if (password.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "--password is empty");
            }
            return Optional.of(BackupCredentials.password(password));
        }
        return env.get(VARIABLE).map(p -> BackupCredentials.password(p));
    }

    /**
     * The credentials given, else asked for on the terminal; with neither, a clear error (exit
     * {@link ExitCodes#ENCRYPTED}).
     */
    static BackupCredentials require(String password, Path keyFile, UserEnvironment env, PasswordPrompt prompt,
            Path backup) throws CliException {
        Optional<BackupCredentials> given = given(password, keyFile, env);
        if (given.isPresent()) {
            return given.get();
        }
        Optional<char[]> typed = prompt.ask("Password of the encrypted backup " + backup + ": ");
        if (typed.isEmpty()) {
            throw new CliException(ExitCodes.ENCRYPTED, backup + ": the backup is encrypted and there is no"
                    + " terminal to ask for its password: give --password, --key-file FILE or " + VARIABLE);
        }
        char[] chars = typed.get();
        try {
            if (chars.length == 0) {
                throw new CliException(ExitCodes.ENCRYPTED, backup + ": the backup is encrypted and no password"
                        + " was typed");
            }
            return BackupCredentials.password(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /** Reads a key file: exactly 64 hex characters (a trailing newline is tolerated). */
    static BackupCredentials readKeyFile(Path keyFile) throws CliException {
        byte[] data;
        try (InputStream in = Files.newInputStream(keyFile)) {
            data = in.readNBytes(MAX_KEY_FILE + 1);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, keyFile + ": no such key file", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, keyFile + ": cannot read the key file (" + e.getMessage() + ")", e);
        }
        try {
            return BackupCredentials.keyHex(new String(data, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, keyFile + ": not a backup key file: " + e.getMessage(), e);
        }
    }
}
