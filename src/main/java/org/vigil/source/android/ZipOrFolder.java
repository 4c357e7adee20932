package org.vigil.source.android;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.io.CappedInputStream;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.FileMeta;

/**
 * The files of an acquisition that is either a folder or a {@code .zip} of it, read in place: the
 * one piece of code behind {@link AndroidQfSource} and {@link BugreportSource}.
 *
 * <p><b>Names</b> use {@code /} separators: zip entry names as stored (archive order), or folder
 * paths (sorted) relative either to the folder itself or to its parent ({@link Names}).
 *
 * <p><b>Hostile input</b>: zip entries whose name is absolute, has a drive letter, a backslash, a
 * NUL or a {@code ..} segment are left out of the listing (logged), so they can never be read or
 * extracted; duplicate names keep the first entry. At most {@link Options#maxEntries} files are
 * listed. Reading is capped at {@link Options#maxEntryBytes} whatever size an entry claims. Entries
 * that must be plain files ({@link #localFile}) are extracted under generated names into a private
 * temporary folder, within {@link Options#maxExtractedBytes} in all, deleted by {@link #close()}.
 * In a folder, symbolic links are neither followed nor listed, at most {@value #MAX_DEPTH} levels
 * are walked, and a file is opened only when its real path lies inside the folder. Nothing is ever
 * written under the input path.
 */
final class ZipOrFolder implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ZipOrFolder.class);

    /** Deepest folder level listed. */
    static final int MAX_DEPTH = 64;

    /** How folder files are named. */
    enum Names {
        /** {@code folder/sub/file}: as MVT names androidqf files (relative to the folder's parent). */
        RELATIVE_TO_PARENT,
        /** {@code sub/file}: as MVT names bug report files. */
        RELATIVE_TO_ROOT
    }

    /** What a zip entry's {@link FileMeta#modified()} holds. */
    enum ZipTimes {
        /** The entry's extended (Unix, UTC) timestamp when recorded, else none. */
        EXTENDED_UTC,
        /** The entry's DOS date-time, a wall-clock time, counted as if it were UTC (MVT's naive times). */
        DOS_WALL_CLOCK
    }

    /**
     * Limits and conventions.
     *
     * @param names how folder files are named
     * @param zipTimes what a zip entry's modification time is
     * @param maxEntryBytes cap on the bytes read from one file or entry
     * @param maxExtractedBytes cap on all bytes extracted from a zip
     * @param maxEntries most files listed
     * @param tempPrefix prefix of the private temporary folder
     */
    record Options(Names names, ZipTimes zipTimes, long maxEntryBytes, long maxExtractedBytes, int maxEntries,
            String tempPrefix) {}

    private final Path root;
    private final Path realRoot;
    private final String prefix;
    private final ZipFile zip;
    private final Options options;
    private final Map<String, ArtifactRef> refs;
    private final Map<String, ZipEntry> zipEntries;
    private final Map<String, Path> extracted = new LinkedHashMap<>();
    private Path workspace;
    private long extractedBytes;

    private ZipOrFolder(Path root, Path realRoot, String prefix, ZipFile zip, Options options,
            Map<String, ArtifactRef> refs, Map<String, ZipEntry> zipEntries) {
        this.root = root;
        this.realRoot = realRoot;
        this.prefix = prefix;
        this.zip = zip;
        this.options = options;
        this.refs = Collections.unmodifiableMap(refs);
        this.zipEntries = zipEntries;
    }

    /**
     * Lists the folder or zip at {@code path} (absolute, normalised, existing).
     *
     * @throws ZipException when a file is not a readable zip archive, or lists too many entries
     * @throws IOException when a folder cannot be listed
     */
    static ZipOrFolder open(Path path, Options options) throws IOException {
        if (Files.isDirectory(path)) {
            return openFolder(path, options);
        }
        ZipFile zf = new ZipFile(path.toFile(), StandardCharsets.UTF_8);
        try {
            Map<String, ArtifactRef> refs = new LinkedHashMap<>();
            Map<String, ZipEntry> entries = new LinkedHashMap<>();
            var en = zf.entries();
            int count = 0;
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                if (++count > options.maxEntries()) {
                    throw new ZipException("more than " + options.maxEntries() + " entries");
                }
                String name = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                if (!isSafeEntryName(name)) {
                    LOG.warn("{}: skipping unsafe zip entry name \"{}\"", path, name);
                    continue;
                }
                if (entries.containsKey(name)) {
                    LOG.warn("{}: duplicate zip entry \"{}\", the first one is used", path, name);
                    continue;
                }
                entries.put(name, e);
                refs.put(name, new ArtifactRef(name, "", name, new FileMeta(e.getSize(), -1, -1, null,
                        zipModified(e, options.zipTimes()), null)));
            }
            return new ZipOrFolder(path, path, "", zf, options, refs, entries);
        } catch (IOException | RuntimeException e) {
            zf.close();
            if (e instanceof ZipException z) {
                throw z;
            }
            if (e instanceof RuntimeException) {
                ZipException z = new ZipException(e.getMessage());
                z.initCause(e);
                throw z;
            }
            throw e;
        }
    }

    private static Long zipModified(ZipEntry e, ZipTimes times) {
        if (times == ZipTimes.EXTENDED_UTC) {
            return extendedModifiedTime(e.getExtra());
        }
        return e.getTimeLocal() == null ? null : e.getTimeLocal().toEpochSecond(ZoneOffset.UTC);
    }

    private static ZipOrFolder openFolder(Path p, Options options) throws IOException {
        Path real = p.toRealPath();
        String top = p.getFileName() == null ? "" : p.getFileName().toString();
        String prefix = options.names() == Names.RELATIVE_TO_PARENT && !top.isEmpty() ? top + "/" : "";
        List<String> names = new ArrayList<>();
        Map<String, FileMeta> metas = new LinkedHashMap<>();
        Files.walkFileTree(real, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    LOG.warn("{}: symbolic link not followed", file);
                    return FileVisitResult.CONTINUE;
                }
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                if (names.size() >= options.maxEntries()) {
                    throw new IOException(p + ": more than " + options.maxEntries() + " files");
                }
                StringBuilder rel = new StringBuilder(prefix);
                for (Path part : real.relativize(file)) {
                    if (rel.length() > prefix.length()) {
                        rel.append('/');
                    }
                    rel.append(part);
                }
                String name = rel.toString();
                names.add(name);
                metas.put(name, new FileMeta(attrs.size(), -1, -1, null,
                        attrs.lastModifiedTime().toInstant().getEpochSecond(), null));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                LOG.warn("{}: cannot be listed ({})", file, exc.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        names.sort(Comparator.naturalOrder());
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        for (String n : names) {
            refs.put(n, new ArtifactRef(n, "", n, metas.get(n)));
        }
        return new ZipOrFolder(p, real, prefix, null, options, refs, Map.of());
    }

    /** True for a relative entry name without {@code ..}, drive letter, backslash or NUL. */
    static boolean isSafeEntryName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':')) {
            return false;
        }
        for (String seg : name.split("/", -1)) {
            if (seg.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** The Unix mtime of a zip "extended timestamp" extra field (0x5455), or null. */
    static Long extendedModifiedTime(byte[] extra) {
        if (extra == null) {
            return null;
        }
        int i = 0;
        while (i + 4 <= extra.length) {
            int id = (extra[i] & 0xff) | (extra[i + 1] & 0xff) << 8;
            int size = (extra[i + 2] & 0xff) | (extra[i + 3] & 0xff) << 8;
            int data = i + 4;
            if (data + size > extra.length) {
                return null;
            }
            if (id == 0x5455 && size >= 5 && (extra[data] & 1) != 0) {
                long t = (extra[data + 1] & 0xffL) | (extra[data + 2] & 0xffL) << 8
                        | (extra[data + 3] & 0xffL) << 16 | (extra[data + 4] & 0xffL) << 24;
                return (long) (int) t;
            }
            i = data + size;
        }
        return null;
    }

    /** Every file, by name, in listing order. */
    Map<String, ArtifactRef> refs() {
        return refs;
    }

    /** The files matching {@code pattern}, in listing order. */
    List<ArtifactRef> find(ArtifactPattern pattern) {
        List<ArtifactRef> out = new ArrayList<>();
        for (ArtifactRef r : refs.values()) {
            if (pattern.matches(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The path given (absolute, normalised). */
    Path root() {
        return root;
    }

    boolean isZip() {
        return zip != null;
    }

    /** The zip entry of a name (null for a folder or an unknown name). */
    ZipEntry zipEntry(String name) {
        return zipEntries.get(name);
    }

    /** An entry's stream capped at the source's cap. */
    InputStream open(String name) throws IOException {
        return open(name, options.maxEntryBytes());
    }

    /** An entry's stream capped at {@code limit} bytes (and at the source's cap). */
    InputStream open(String name, long limit) throws IOException {
        long cap = Math.min(limit, options.maxEntryBytes());
        if (!refs.containsKey(name)) {
            throw new NoSuchFileException(root + ": no file " + name);
        }
        if (zip != null) {
            ZipEntry e = zipEntries.get(name);
            if (e.getSize() > cap) {
                throw new IOException(root + "!" + name + ": entry of " + e.getSize() + " bytes exceeds the cap of "
                        + cap + " bytes");
            }
            return capped(zip.getInputStream(e), cap, root + "!" + name);
        }
        Path file = folderFile(name);
        return capped(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), cap, file.toString());
    }

    /** A stream that fails once more than {@code limit} bytes are read from it. */
    static InputStream capped(InputStream in, long limit, String name) {
        return new CappedInputStream(in, limit, name + ": more than " + limit + " bytes; refused (size cap)");
    }

    /** The real file of a folder entry, checked to be inside the folder (no link escape). */
    Path folderFile(String name) throws IOException {
        if (!refs.containsKey(name) || zip != null) {
            throw new NoSuchFileException(root + ": no file " + name);
        }
        Path file = realRoot.resolve(name.substring(prefix.length())).normalize();
        Path real = file.toRealPath();
        if (!real.startsWith(realRoot) || Files.isSymbolicLink(file)) {
            throw new IOException(file + ": resolves outside the acquisition folder; refused");
        }
        return real;
    }

    /**
     * A plain file holding the entry: the folder's own file, or a zip entry extracted (once) into
     * the private temporary folder, within the caps.
     */
    synchronized Path localFile(String name) throws IOException {
        if (zip == null) {
            return folderFile(name);
        }
        Path done = extracted.get(name);
        if (done != null) {
            return done;
        }
        if (!refs.containsKey(name)) {
            throw new NoSuchFileException(root + ": no file " + name);
        }
        long room = Math.min(options.maxEntryBytes(), options.maxExtractedBytes() - extractedBytes);
        if (room <= 0) {
            throw new IOException(root + ": extraction cap of " + options.maxExtractedBytes() + " bytes reached; "
                    + name + " not extracted");
        }
        if (workspace == null) {
            workspace = Files.createTempDirectory(options.tempPrefix());
        }
        String base = name.substring(name.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        base = base.length() > 100 ? base.substring(0, 100) : base;
        Path target = workspace.resolve(extracted.size() + "-" + (base.isEmpty() ? "entry" : base));
        long n;
        try (InputStream in = open(name, room);
                OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            n = in.transferTo(out);
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        extractedBytes += n;
        extracted.put(name, target);
        return target;
    }

    /** For a folder, a file at {@code relativePath} below the folder itself (no escape); else null. */
    Path folderRootFile(String relativePath) {
        if (zip != null) {
            return null;
        }
        Path f = realRoot.resolve(relativePath).normalize();
        return f.startsWith(realRoot) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? f : null;
    }

    /** The evidence files: the zip, or every listed folder file (sorted). */
    List<Path> inputFiles() {
        if (zip != null) {
            return List.of(root);
        }
        List<Path> out = new ArrayList<>();
        for (String name : refs.keySet()) {
            try {
                out.add(folderFile(name));
            } catch (IOException e) {
                LOG.warn("{}", e.getMessage());
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** The temporary folder of extracted entries, or null before any extraction (tests). */
    Path workspace() {
        return workspace;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException failure = null;
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (workspace != null) {
            try (Stream<Path> walk = Files.walk(workspace)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (DirectoryNotEmptyException e) {
                        LOG.warn("{}: could not be deleted", p);
                    }
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            workspace = null;
            extracted.clear();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
