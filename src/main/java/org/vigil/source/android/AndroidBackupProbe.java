package org.vigil.source.android;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.BackupCredentials;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;

/**
 * Recognises Android backups for {@link SourceDetector}: a file starting with an .ab header, or
 * named {@code *.ab} (so a damaged one gets the clear "Invalid backup format" error rather than
 * "not recognised"), or a folder holding an {@code apps/} folder (an unpacked backup).
 *
 * <p>An encrypted .ab needs the password: {@link #needsPassword(Path)} tells the caller to ask for
 * it before {@link #open(Path, SourceKind, BackupCredentials)}.
 */
public final class AndroidBackupProbe implements SourceDetector.Probe {

    @Override
    public Optional<SourceKind> detect(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            if (AndroidBackup.isAndroidBackup(path)
                    || path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".ab")) {
                return Optional.of(SourceKind.ANDROID_BACKUP);
            }
            return Optional.empty();
        }
        if (Files.isDirectory(path) && Files.isDirectory(path.resolve("apps"), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(SourceKind.ANDROID_BACKUP);
        }
        return Optional.empty();
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException {
        return AndroidBackupSource.open(path, null);
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind, BackupCredentials credentials)
            throws VigilException, IOException {
        return AndroidBackupSource.open(path, credentials);
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind, BackupCredentials credentials,
            org.vigil.core.Progress progress) throws VigilException, IOException {
        return AndroidBackupSource.open(path, credentials, progress);
    }

    /** True when {@code path} is an encrypted .ab file: open it with credentials. */
    public static boolean needsPassword(Path path) throws IOException {
        return AndroidBackup.isEncrypted(path);
    }
}
