package org.vigil.io.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private temporary folder for files extracted from an archive: created on first use
 * (owner-only on POSIX file systems), each file under a name Vigil makes (never a path taken from
 * the archive), deleted by {@link #close()} and by a shutdown hook if the JVM stops first
 * (e.g. Ctrl-C). Counts the bytes written against a total limit.
 */
public final class Workspace implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Workspace.class);

    private final String prefix;
    private final java.util.Map<String, Path> groups = new java.util.HashMap<>();
    private Path dir;
    private Thread onExit;
    private long files;
    private long bytes;

    /** A workspace whose folder name starts with {@code prefix} (e.g. {@code vigil-fs-}). */
    public Workspace(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Copies {@code in} into a new file of the workspace, named after {@code entryName}'s base name,
     * writing at most {@code max} bytes.
     *
     * @param in the entry's content (not closed)
     * @param entryName the entry's name in the archive (for the file name and messages)
     * @param max the most bytes written; more content is an error
     * @param what how to name the archive in messages
     * @return the extracted file
     * @throws IOException when the content is longer than {@code max} (the partial file is deleted)
     */
    public synchronized Path extract(InputStream in, String entryName, long max, String what) throws IOException {
        Path folder = Files.createDirectory(root().resolve(Long.toString(files++)));
        Path target = folder.resolve(EntryNames.safeFileName(entryName));
        return copy(in, target, entryName, max, what);
    }

    /**
     * Copies {@code in} into the workspace folder of {@code group} (one folder per group, so that
     * e.g. a SQLite database and its {@code -wal}/{@code -shm} sidecars sit side by side), as
     * {@code fileName} reduced to safe characters.
     */
    public synchronized Path extract(InputStream in, String group, String fileName, String entryName, long max,
            String what) throws IOException {
        Path folder = groups.get(group);
        if (folder == null) {
            folder = Files.createDirectory(root().resolve(Long.toString(files++)));
            groups.put(group, folder);
        }
        return copy(in, folder.resolve(EntryNames.safeFileName(fileName)), entryName, max, what);
    }

    private Path copy(InputStream in, Path target, String entryName, long max, String what) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > max) {
                    throw new IOException(what + ": " + entryName + " inflates to more than " + max
                            + " bytes; not extracted");
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        bytes += total;
        return target;
    }

    /** Bytes extracted so far. */
    public synchronized long bytesWritten() {
        return bytes;
    }

    /** The folder, or null before the first extraction. */
    public synchronized Path folder() {
        return dir;
    }

    private Path root() throws IOException {
        if (dir == null) {
            // createTempDirectory makes an owner-only (rwx------) folder on POSIX file systems
            dir = Files.createTempDirectory(prefix);
            Path d = dir;
            onExit = new Thread(() -> {
                try {
                    delete(d);
                } catch (IOException ex) {
                    LOG.warn("Could not delete the extracted files in {}: {}", d, ex.getMessage());
                }
            }, "vigil-delete-workspace");
            Runtime.getRuntime().addShutdownHook(onExit);
        }
        return dir;
    }

    @Override
    public synchronized void close() throws IOException {
        if (onExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // the JVM is already stopping: the hook deletes the folder
            }
            onExit = null;
        }
        groups.clear();
        if (dir != null) {
            delete(dir);
            dir = null;
        }
    }

    /** Deletes a folder tree without following links. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
