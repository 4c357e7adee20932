package org.vigil.source.iosfs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Builds small iOS filesystem dumps in tests, as a folder, tar, tar.gz or zip, rooted at the
 * top or under a leading folder. Paths are relative to the dump root. Archives list only the
 * folders declared with {@link #dir} (parents of files are implied, as many tar writers do).
 */
public final class FsDumpFixture {
    /** Modification time of every entry (2023-11-14 22:13:20 UTC). */
    public static final long MTIME = 1_700_000_000L;

    private record Item(char kind, byte[] content, String target) {}

    private final Map<String, Item> items = new LinkedHashMap<>();

    public FsDumpFixture file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public FsDumpFixture file(String path, byte[] content) {
        items.put(path, new Item('f', content, null));
        return this;
    }

    /** A file whose content is copied from {@code source} now. */
    public FsDumpFixture file(String path, Path source) throws IOException {
        return file(path, Files.readAllBytes(source));
    }

    public FsDumpFixture dir(String path) {
        items.put(path, new Item('d', null, null));
        return this;
    }

    public FsDumpFixture symlink(String path, String target) {
        items.put(path, new Item('l', null, target));
        return this;
    }

    /** The dump in {@code layout} under {@code dir}: a folder {@code dump}, or {@code dump.tar} etc. */
    public Path write(Path dir, IosFsSource.Layout layout, String leading) throws IOException {
        return switch (layout) {
            case FOLDER -> writeFolder(dir.resolve("dump"), leading);
            case TAR -> writeTar(dir.resolve("dump.tar"), leading, false);
            case TAR_GZ -> writeTar(dir.resolve("dump.tar.gz"), leading, true);
            case ZIP -> writeZip(dir.resolve("dump.zip"), leading);
        };
    }

    private static String full(String leading, String path) {
        return leading == null || leading.isEmpty() ? path : leading + "/" + path;
    }

    /** A folder (its times set to {@link #MTIME}); returns the folder given. */
    public Path writeFolder(Path folder, String leading) throws IOException {
        Path root = leading == null || leading.isEmpty() ? folder : folder.resolve(leading);
        Files.createDirectories(root);
        List<Path> touched = new ArrayList<>();
        for (Map.Entry<String, Item> e : items.entrySet()) {
            Path p = root.resolve(e.getKey());
            switch (e.getValue().kind()) {
                case 'f' -> {
                    Files.createDirectories(p.getParent());
                    Files.write(p, e.getValue().content());
                    touched.add(p);
                }
                case 'd' -> Files.createDirectories(p);
                default -> {
                    Files.createDirectories(p.getParent());
                    Files.createSymbolicLink(p, Path.of(e.getValue().target()));
                }
            }
        }
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.fromMillis(MTIME * 1000));
                }
            }
        }
        return folder;
    }

    /** A tar or tar.gz (GNU long names as pax). */
    public Path writeTar(Path file, String leading, boolean gzip) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GZIPOutputStream(raw) : raw;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            if (leading != null && !leading.isEmpty()) {
                TarArchiveEntry top = new TarArchiveEntry(leading + "/");
                top.setModTime(MTIME * 1000);
                tar.putArchiveEntry(top);
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, Item> e : items.entrySet()) {
                String name = full(leading, e.getKey());
                Item item = e.getValue();
                TarArchiveEntry entry;
                switch (item.kind()) {
                    case 'f' -> {
                        entry = new TarArchiveEntry(name);
                        entry.setSize(item.content().length);
                    }
                    case 'd' -> entry = new TarArchiveEntry(name + "/");
                    default -> {
                        entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                        entry.setLinkName(item.target());
                    }
                }
                entry.setModTime(MTIME * 1000);
                tar.putArchiveEntry(entry);
                if (item.kind() == 'f') {
                    tar.write(item.content());
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return file;
    }

    /** A zip (deflated; unix modes, symlinks as unix symlink entries). */
    public Path writeZip(Path file, String leading) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
            for (Map.Entry<String, Item> e : items.entrySet()) {
                String name = full(leading, e.getKey());
                Item item = e.getValue();
                ZipArchiveEntry entry = new ZipArchiveEntry(item.kind() == 'd' ? name + "/" : name);
                entry.setTime(MTIME * 1000);
                if (item.kind() == 'l') {
                    entry.setUnixMode(0120777);
                } else if (item.kind() == 'd') {
                    entry.setUnixMode(040755);
                } else {
                    entry.setUnixMode(0100644);
                }
                zip.putArchiveEntry(entry);
                if (item.kind() == 'f') {
                    zip.write(item.content());
                } else if (item.kind() == 'l') {
                    zip.write(item.target().getBytes(StandardCharsets.UTF_8));
                }
                zip.closeArchiveEntry();
            }
        }
        return file;
    }
}
