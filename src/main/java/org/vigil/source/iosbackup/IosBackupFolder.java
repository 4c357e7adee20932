package org.vigil.source.iosbackup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.PlistReader;
import org.vigil.source.UnrecognisedSourceException;

/**
 * Finds and classifies iTunes/Finder backup folders without opening them.
 *
 * <p>A backup folder holds {@code Manifest.db} or {@code Manifest.plist} (normally both, with
 * {@code Info.plist} and {@code Status.plist}). A folder one level too high (e.g.
 * {@code MobileSync/Backup}) holding exactly one backup sub-folder is accepted for it.
 */
public final class IosBackupFolder {
    private static final Logger LOG = LoggerFactory.getLogger(IosBackupFolder.class);
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private IosBackupFolder() {}

    /** True when {@code dir} is itself a backup folder. */
    public static boolean isBackup(Path dir) {
        return Files.isDirectory(dir)
                && (Files.isRegularFile(dir.resolve(IosBackupSource.MANIFEST_DB))
                        || Files.isRegularFile(dir.resolve(IosBackupSource.MANIFEST_PLIST)));
    }

    /**
     * The backup folder at {@code path} or, when {@code path} holds exactly one backup sub-folder,
     * that sub-folder; empty when there is none.
     *
     * @throws ArtifactNotFoundException when {@code path} does not exist
     * @throws UnrecognisedSourceException when {@code path} holds several backups
     */
    public static Optional<Path> find(Path path) throws ArtifactNotFoundException, UnrecognisedSourceException,
            IOException {
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        if (!Files.isDirectory(p)) {
            return Optional.empty();
        }
        if (isBackup(p)) {
            return Optional.of(p);
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
            for (Path e : entries) {
                if (isBackup(e)) {
                    candidates.add(e);
                }
            }
        }
        if (candidates.size() > 1) {
            candidates.sort(null);
            throw new UnrecognisedSourceException("Found multiple iTunes backups in " + p + " ("
                    + candidates.size() + " backup folders). Please give one backup folder.");
        }
        if (candidates.size() == 1) {
            return Optional.of(candidates.get(0));
        }
        return Optional.empty();
    }

    /**
     * The backup folder at {@code path} (or in its only backup sub-folder).
     *
     * @throws ArtifactNotFoundException when {@code path} does not exist
     * @throws UnrecognisedSourceException when it is not a backup folder or holds several
     */
    public static Path resolve(Path path) throws ArtifactNotFoundException, UnrecognisedSourceException,
            IOException {
        Optional<Path> root = find(path);
        Path p = path.toAbsolutePath().normalize();
        if (root.isEmpty()) {
            String what = Files.isDirectory(p) ? "" : " (it is a file, not a folder)";
            throw new UnrecognisedSourceException(p + " does not appear to be an iTunes backup folder" + what
                    + ". Expected Manifest.db and Info.plist.");
        }
        if (!root.get().equals(p)) {
            LOG.info("Found iTunes backup in subfolder: {}", root.get());
        }
        return root.get();
    }

    /**
     * Why the backup at {@code root} is encrypted, or empty when it is not: {@code Manifest.plist}
     * says {@code IsEncrypted}, or {@code Manifest.db} is not SQLite while {@code Manifest.plist}
     * holds a {@code BackupKeyBag}. A folder whose Manifest.plist says {@code IsEncrypted} and has a
     * {@code ManifestKey} but whose Manifest.db is plain SQLite is a decrypted copy (as written by
     * {@code decrypt-backup}), not encrypted. An unreadable {@code Manifest.plist} is logged and ignored.
     */
    public static Optional<String> encryptionReason(Path root) throws IOException {
        Path plist = root.resolve(IosBackupSource.MANIFEST_PLIST);
        if (!Files.isRegularFile(plist)) {
            return Optional.empty();
        }
        Map<String, Object> manifest;
        try {
            manifest = PlistReader.readDict(plist, plist.toString());
        } catch (CorruptArtifactException e) {
            LOG.warn("Cannot tell from Manifest.plist whether the backup is encrypted: {}", e.getMessage());
            return Optional.empty();
        }
        Object flag = manifest.get("IsEncrypted");
        Path db = root.resolve(IosBackupSource.MANIFEST_DB);
        if (Boolean.TRUE.equals(flag) || (flag instanceof Number n && n.longValue() != 0)) {
            if (manifest.get("ManifestKey") instanceof byte[] && Files.isRegularFile(db) && isSqlite(db)) {
                // iOS >= 10.2 encrypts Manifest.db whenever it has a ManifestKey: a plain one means a
                // decrypted copy (vigil/mvt decrypt-backup keep the original Manifest.plist)
                LOG.info("{}: Manifest.plist says encrypted but Manifest.db is plain SQLite: reading it as a"
                        + " decrypted copy", root);
                return Optional.empty();
            }
            return Optional.of("Manifest.plist: IsEncrypted is true");
        }
        if (manifest.containsKey("BackupKeyBag") && Files.isRegularFile(db) && !isSqlite(db)) {
            return Optional.of("Manifest.db is not an SQLite database and Manifest.plist holds a BackupKeyBag");
        }
        return Optional.empty();
    }

    /** True when the file starts with the SQLite header. */
    static boolean isSqlite(Path file) throws IOException {
        byte[] head = new byte[SQLITE_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        return n == head.length && Arrays.equals(head, SQLITE_MAGIC);
    }
}
