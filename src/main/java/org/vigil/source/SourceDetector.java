package org.vigil.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.VigilException;
import org.vigil.source.iosbackup.IosBackupFolder;
import org.vigil.source.iosbackup.IosBackupSource;

/**
 * Tells what kind of acquisition a path is, and opens it. Each kind is recognised by a
 * {@link Probe}; the probes are asked in order and the first that recognises the path wins.
 * {@link #standard()} knows iTunes/Finder backups (plain and encrypted), Android acquisitions,
 * sysdiagnoses and iOS filesystem dumps; other kinds plug in as further probes.
 */
public final class SourceDetector {

    /** Recognises and opens one family of acquisitions. */
    public interface Probe {
        /**
         * The kind of the acquisition at {@code path}, or empty when it is not one of this probe's.
         *
         * @throws VigilException when the path is of this family but unusable (e.g. ambiguous)
         */
        Optional<SourceKind> detect(Path path) throws VigilException, IOException;

        /** Opens the acquisition at {@code path}, detected as {@code kind}. */
        AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException;

        /**
         * Opens the acquisition with credentials for an encrypted one (null: none). By default the
         * credentials are ignored.
         */
        default AcquisitionSource open(Path path, SourceKind kind, BackupCredentials credentials)
                throws VigilException, IOException {
            return open(path, kind);
        }

        /**
         * Opens the acquisition, reporting long steps (key derivation, indexing an archive) to
         * {@code progress}. By default progress is not reported.
         */
        default AcquisitionSource open(Path path, SourceKind kind, BackupCredentials credentials,
                org.vigil.core.Progress progress) throws VigilException, IOException {
            return open(path, kind, credentials);
        }
    }

    private final List<Probe> probes;

    /** A detector asking {@code probes} in order. */
    public SourceDetector(List<Probe> probes) {
        this.probes = List.copyOf(probes);
    }

    /** The detector for every kind Vigil can open today, most specific first. */
    public static SourceDetector standard() {
        return new SourceDetector(List.of(
                new IosBackupProbe(),
                new org.vigil.source.android.AndroidBackupProbe(),
                new org.vigil.source.android.BugreportProbe(),
                new org.vigil.source.android.AndroidQfProbe(),
                new org.vigil.source.android.IntrusionLogProbe(),
                new org.vigil.source.sysdiagnose.SysdiagnoseProbe(),
                // last: a filesystem dump holds private/var near its top, which none of the above has
                new org.vigil.source.iosfs.IosFsProbe()));
    }

    /**
     * The kind of acquisition at {@code path}.
     *
     * @throws ArtifactNotFoundException when the path does not exist
     * @throws UnrecognisedSourceException when no probe recognises it
     */
    public SourceKind detect(Path path) throws VigilException, IOException {
        return detectWith(path).kind();
    }

    /**
     * Opens the acquisition at {@code path} with the probe that recognises it.
     *
     * @throws EncryptedSourceException for an encrypted acquisition (no key given)
     * @throws VigilException when it is not recognised or cannot be read
     */
    public AcquisitionSource open(Path path) throws VigilException, IOException {
        Detected d = detectWith(path);
        return d.probe().open(path, d.kind());
    }

    /**
     * Opens the acquisition at {@code path}, unlocking it with {@code credentials} when it is
     * encrypted (null: no credentials, as {@link #open(Path)}).
     *
     * @throws org.vigil.core.WrongPasswordException when the credentials are wrong
     * @throws EncryptedSourceException when it is encrypted and no credentials were given
     */
    public AcquisitionSource open(Path path, BackupCredentials credentials) throws VigilException, IOException {
        Detected d = detectWith(path);
        return d.probe().open(path, d.kind(), credentials);
    }

    /**
     * As {@link #open(Path, BackupCredentials)}, reporting long steps of the opening (key
     * derivation, indexing an archive) to {@code progress}.
     */
    public AcquisitionSource open(Path path, BackupCredentials credentials, org.vigil.core.Progress progress)
            throws VigilException, IOException {
        Detected d = detectWith(path);
        return d.probe().open(path, d.kind(), credentials, progress);
    }

    private record Detected(Probe probe, SourceKind kind) {}

    private Detected detectWith(Path path) throws VigilException, IOException {
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        for (Probe probe : probes) {
            Optional<SourceKind> kind = probe.detect(p);
            if (kind.isPresent()) {
                return new Detected(probe, kind.get());
            }
        }
        throw new UnrecognisedSourceException(p + " is not a recognised acquisition: it does not appear to be "
                + "an iTunes backup folder (expected Manifest.db and Info.plist)");
    }

    /** iTunes/Finder backup folders, given directly or one level up. */
    static final class IosBackupProbe implements Probe {
        @Override
        public Optional<SourceKind> detect(Path path) throws VigilException, IOException {
            Optional<Path> root = IosBackupFolder.find(path);
            if (root.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(IosBackupFolder.encryptionReason(root.get()).isPresent()
                    ? SourceKind.IOS_BACKUP_ENCRYPTED
                    : SourceKind.IOS_BACKUP);
        }

        @Override
        public AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException {
            return IosBackupSource.open(path);
        }

        @Override
        public AcquisitionSource open(Path path, SourceKind kind, BackupCredentials credentials)
                throws VigilException, IOException {
            if (kind == SourceKind.IOS_BACKUP_ENCRYPTED && credentials != null) {
                return IosBackupSource.openEncrypted(path, credentials);
            }
            return IosBackupSource.open(path);
        }

        @Override
        public AcquisitionSource open(Path path, SourceKind kind, BackupCredentials credentials,
                org.vigil.core.Progress progress) throws VigilException, IOException {
            if (kind == SourceKind.IOS_BACKUP_ENCRYPTED && credentials != null) {
                return IosBackupSource.openEncrypted(path, credentials, progress);
            }
            return IosBackupSource.open(path);
        }
    }
}
