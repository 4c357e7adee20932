package org.vigil.source.iosbackup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.VigilException;
import org.vigil.source.ArtifactRef;
import org.vigil.source.BackupCredentials;

/**
 * Writes a full decrypted copy of an encrypted backup, in the same layout: the decrypted
 * {@code Manifest.db}, the top-level {@code *.plist} files copied as they are, and every file with
 * content at {@code DEST/<fileID[0:2]>/<fileID>}. Files are decrypted in parallel by a bounded pool
 * (the Manifest is read once, streaming; at most a few tasks wait in memory). Each written file's
 * size is checked against the size recorded in Manifest.db. Files listed without content (partial
 * backups) are skipped and counted.
 */
public final class BackupDecryptor {
    private static final Logger LOG = LoggerFactory.getLogger(BackupDecryptor.class);
    private static final int DIRECTORY_TYPE = 0040000;

    /**
     * What was written.
     *
     * @param root the backup folder decrypted
     * @param files files written (decrypted or copied)
     * @param missing files listed in Manifest.db without content in the backup
     * @param bytes plain bytes written for those files
     */
    public record Summary(Path root, long files, long missing, long bytes) {}

    private BackupDecryptor() {}

    /**
     * Decrypts the backup at {@code backupPath} into {@code dest} (absent or empty, not inside the backup).
     *
     * @param threads worker threads (at least 1)
     * @param progress reports the key derivation, then the Manifest rows handled (from worker threads)
     * @throws org.vigil.core.WrongPasswordException when the password or key is wrong
     * @throws CorruptArtifactException when some files could not be decrypted (the others are written)
     * @throws VigilException when the backup is not encrypted, or {@code dest} is unusable
     */
    public static Summary decrypt(Path backupPath, BackupCredentials credentials, Path dest, int threads,
            org.vigil.core.Progress progress) throws VigilException, IOException {
        Path root = IosBackupFolder.resolve(backupPath);
        if (IosBackupFolder.encryptionReason(root).isEmpty()) {
            throw new VigilException(root + ": the backup does not seem encrypted; nothing to decrypt");
        }
        Path out = checkDestination(root, dest);
        try (IosBackupSource source = IosBackupSource.openEncrypted(root, credentials, progress)) {
            Files.createDirectories(out);
            Files.copy(source.rootFile(IosBackupSource.MANIFEST_DB).orElseThrow(), out.resolve(IosBackupSource.MANIFEST_DB));
            try (DirectoryStream<Path> top = Files.newDirectoryStream(root, "*.plist")) {
                for (Path p : top) {
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        Files.copy(p, out.resolve(p.getFileName().toString()));
                    }
                }
            }
            return decryptFiles(source, root, out, Math.max(1, threads), progress);
        }
    }

    private static Path checkDestination(Path root, Path dest) throws VigilException, IOException {
        Path out = dest.toAbsolutePath().normalize();
        Path realRoot = root.toRealPath();
        Path existing = out;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path realOut = existing == null ? out : existing.toRealPath().resolve(existing.relativize(out));
        if (out.startsWith(root) || realOut.startsWith(realRoot)) {
            throw new VigilException(out + ": the destination must not be inside the backup (evidence is never"
                    + " written to)");
        }
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new VigilException(out + ": exists and is not a folder");
            }
            try (DirectoryStream<Path> d = Files.newDirectoryStream(out)) {
                if (d.iterator().hasNext()) {
                    throw new VigilException(out + ": the destination folder is not empty");
                }
            }
        }
        return out;
    }

    private static Summary decryptFiles(IosBackupSource source, Path root, Path out, int threads,
            org.vigil.core.Progress progress) throws VigilException, IOException {
        long total = source.entryCount();
        try (org.vigil.core.Progress.Step step = progress.start("Decrypting files", total,
                org.vigil.core.Progress.Unit.FILES)) {
            return decryptFiles(source, root, out, threads, total, step);
        }
    }

    private static Summary decryptFiles(IosBackupSource source, Path root, Path out, int threads, long total,
            org.vigil.core.Progress.Step progress) throws VigilException, IOException {
        AtomicLong done = new AtomicLong();
        AtomicLong files = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong missing = new AtomicLong();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4 * threads), new ThreadPoolExecutor.CallerRunsPolicy());
        try {
            source.forEachRow((ref, blob) -> {
                Optional<Path> stored;
                try {
                    stored = source.contentPath(ref);
                } catch (IOException e) {
                    failures.add(e.getMessage());
                    tick(done, total, progress);
                    return;
                }
                if (stored.isEmpty()) {
                    if (ref.meta().mode() < 0 || (ref.meta().mode() & 0170000) != DIRECTORY_TYPE) {
                        if (ref.meta().size() != 0) {
                            missing.incrementAndGet();
                        }
                    }
                    tick(done, total, progress);
                    return;
                }
                pool.execute(() -> {
                    try {
                        bytes.addAndGet(writeOne(source, ref, stored.get(), blob, out));
                        files.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        String msg = String.valueOf(e.getMessage());
                        failures.add(msg.contains(ref.id()) ? msg
                                : ref.displayName() + " (fileID " + ref.id() + "): " + e);
                    }
                    tick(done, total, progress);
                });
            });
        } finally {
            pool.shutdown();
            try {
                if (!pool.awaitTermination(7, TimeUnit.DAYS)) {
                    LOG.error("decryption workers did not finish");
                }
            } catch (InterruptedException e) {
                pool.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (missing.get() > 0) {
            LOG.warn("{}: {} files listed in Manifest.db have no content in the backup (partial backup?)", root,
                    missing.get());
        }
        if (!failures.isEmpty()) {
            List<String> sorted = new ArrayList<>(failures);
            Collections.sort(sorted);
            sorted.forEach(f -> LOG.error("Not decrypted: {}", f));
            throw new CorruptArtifactException(root + ": " + sorted.size() + " file" + (sorted.size() == 1 ? "" : "s")
                    + " could not be decrypted (first: " + sorted.get(0) + ")");
        }
        LOG.info("Decrypted {} files ({} bytes) of {} to {}", files.get(), bytes.get(), root, out);
        return new Summary(root, files.get(), missing.get(), bytes.get());
    }

    private static long writeOne(IosBackupSource source, ArtifactRef ref, Path stored, byte[] blob, Path out)
            throws IOException {
        Path dir = Files.createDirectories(out.resolve(ref.id().substring(0, 2)));
        Path target = dir.resolve(ref.id());
        try {
            long size = source.writePlain(ref, stored, blob, target);
            long written = Files.size(target);
            if (written != size || (ref.meta().size() >= 0 && written != ref.meta().size())) {
                throw new IOException(ref.displayName() + " (fileID " + ref.id() + "): wrote " + written
                        + " bytes, Manifest.db records " + ref.meta().size());
            }
            return written;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private static void tick(AtomicLong done, long total, org.vigil.core.Progress.Step progress) {
        done.incrementAndGet();
        progress.advance(1);
    }
}
