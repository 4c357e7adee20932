package org.vigil.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.VigilException;
import org.vigil.core.WrongPasswordException;
import org.vigil.source.BackupCredentials;
import org.vigil.source.iosbackup.IosBackupFolder;
import org.vigil.source.iosbackup.crypto.EncryptedBackup;

/** What {@code extract-key} and {@code decrypt-backup} share: finding the backup, unlocking it, exit codes. */
final class EncryptedCommands {
    private EncryptedCommands() {}

    /** The encrypted backup folder at (or in) {@code input}; a CliException when it is absent or not encrypted. */
    static Path encryptedBackup(Path input) throws CliException {
        try {
            Path root = IosBackupFolder.resolve(input);
            if (IosBackupFolder.encryptionReason(root).isEmpty()) {
                throw new CliException(ExitCodes.INPUT_NOT_FOUND, root + ": the backup does not seem encrypted"
                        + " (Manifest.plist has no IsEncrypted, or Manifest.db is already plain)");
            }
            return root;
        } catch (VigilException | IOException e) {
            throw toCli(input, e);
        }
    }

    /** Unlocks the backup's keys (derives the key from a password: slow). */
    static EncryptedBackup unlock(Path backup, BackupCredentials credentials, org.vigil.core.Progress progress)
            throws CliException {
        try {
            return EncryptedBackup.unlock(backup, credentials, progress);
        } catch (VigilException | IOException e) {
            throw toCli(backup, e);
        }
    }

    /** The exit code and one-line message for a failure to open or decrypt {@code input}. */
    static CliException toCli(Path input, Exception e) {
        if (e instanceof CliException c) {
            return c;
        }
        if (e instanceof WrongPasswordException) {
            return new CliException(ExitCodes.WRONG_PASSWORD, e.getMessage(), e);
        }
        if (e instanceof CorruptArtifactException || e instanceof UnsupportedSchemaException) {
            return new CliException(ExitCodes.INPUT_CORRUPT, e.getMessage(), e);
        }
        if (e instanceof VigilException) {
            return new CliException(ExitCodes.INPUT_NOT_FOUND, e.getMessage(), e);
        }
        return new CliException(ExitCodes.INPUT_CORRUPT, input + ": " + e.getMessage(), e);
    }
}
