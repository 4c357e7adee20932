package org.vigil.source.iosbackup;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.VigilException;
import org.vigil.source.ArtifactRef;
import org.vigil.source.iosbackup.crypto.EncryptedBackup;

/**
 * Decrypts the files of an encrypted backup on demand into a private temporary folder (owner-only
 * on POSIX systems, outside the evidence), once per file, and deletes the folder on close.
 *
 * <p>Thread-safe: a file is decrypted under a lock of its own (two modules asking for the same
 * file wait for one decryption; different files are decrypted at the same time), into a
 * {@code .part} file named after its fileID and moved into place once complete, so a reader never
 * sees a partial file. {@link EncryptedBackup} is immutable and creates its ciphers per call.
 */
final class DecryptingContent implements IosBackupSource.Content {
    private static final Logger LOG = LoggerFactory.getLogger(DecryptingContent.class);

    private final EncryptedBackup backup;
    private final Path workspace;
    private final Map<String, Path> decrypted = new ConcurrentHashMap<>();
    /** One lock per fileID being (or once) decrypted. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Deletes the workspace if the JVM stops (e.g. Ctrl-C) before {@link #close()}. */
    private final Thread onExit;

    private DecryptingContent(EncryptedBackup backup, Path workspace) {
        this.backup = backup;
        this.workspace = workspace;
        this.onExit = new Thread(() -> {
            try {
                delete(workspace);
            } catch (IOException e) {
                LOG.warn("Could not delete the decrypted files in {}: {}", workspace, e.getMessage());
            }
        }, "vigil-delete-decrypted");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** A content decrypter with a new private temporary folder. */
    static DecryptingContent create(EncryptedBackup backup) throws IOException {
        // createTempDirectory makes an owner-only (rwx------) folder on POSIX file systems
        return new DecryptingContent(backup, Files.createTempDirectory("vigil-decrypted-"));
    }

    /** The private folder (Manifest.db is decrypted here too). */
    Path workspace() {
        return workspace;
    }

    @Override
    public Path plainFile(ArtifactRef ref, Path stored, byte[] blob) throws IOException {
        Path done = decrypted.get(ref.id());
        if (done != null) {
            return done;
        }
        synchronized (locks.computeIfAbsent(ref.id(), id -> new Object())) {
            done = decrypted.get(ref.id());
            if (done != null) {
                return done;
            }
            Optional<EncryptedBackup.FileKey> key = key(ref, blob);
            if (key.isEmpty()) {
                return stored; // stored in plain (no EncryptionKey)
            }
            Path dir = Files.createDirectories(workspace.resolve("files"));
            Path part = dir.resolve(ref.id() + ".part");
            Path target = dir.resolve(ref.id());
            Files.deleteIfExists(part);
            try {
                backup.decryptFile(stored, key.get(), part, name(ref));
            } catch (VigilException e) {
                Files.deleteIfExists(part);
                throw new IOException(e.getMessage(), e);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            decrypted.put(ref.id(), target);
            LOG.debug("decrypted {} to {}", name(ref), target);
            return target;
        }
    }

    @Override
    public long writePlain(ArtifactRef ref, Path stored, byte[] blob, Path target) throws IOException {
        Optional<EncryptedBackup.FileKey> key = key(ref, blob);
        if (key.isEmpty()) {
            Files.copy(stored, target);
            return Files.size(target);
        }
        try {
            return backup.decryptFile(stored, key.get(), target, name(ref));
        } catch (VigilException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private Optional<EncryptedBackup.FileKey> key(ArtifactRef ref, byte[] blob) throws IOException {
        try {
            return backup.fileKey(blob, name(ref));
        } catch (VigilException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String name(ArtifactRef ref) {
        return ref.displayName() + " (fileID " + ref.id() + ")";
    }

    @Override
    public void close() throws IOException {
        decrypted.clear();
        locks.clear();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is already stopping: the hook deletes the folder
        }
        delete(workspace);
        LOG.debug("deleted the decrypted files in {}", workspace);
    }

    private static void delete(Path workspace) throws IOException {
        if (!Files.exists(workspace)) {
            return;
        }
        Files.walkFileTree(workspace, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
