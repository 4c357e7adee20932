package org.vigil.source.iosfs;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.VigilException;
import org.vigil.io.archive.ArchiveLimits;
import org.vigil.io.archive.EntryNames;
import org.vigil.io.archive.RawUtf8Charset;
import org.vigil.io.archive.TarScanner;
import org.vigil.io.archive.TruncatedArchiveException;
import org.vigil.io.archive.Workspace;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;
import org.vigil.source.UnrecognisedSourceException;

/**
 * A full iOS filesystem dump: a folder, a {@code .tar}, a {@code .tar.gz}/{@code .tgz} or a
 * {@code .zip}, rooted at the phone's {@code /} or with one leading folder.
 *
 * <p><b>Root.</b> The dump root is where {@code private/var} is: at the top of the folder or
 * archive, or under exactly one top-level folder (e.g. {@code dump/private/var/...}); entries
 * outside that folder are ignored. {@link #openAt} takes the folder or archive top as the root
 * without looking for {@code private/var}.
 *
 * <p><b>Entries.</b> Every directory, regular file and symbolic link is listed, sorted by path,
 * with its type bits, size and modification time ({@link ArtifactRef#id()} = relative path without
 * a leading slash). Symbolic links are listed, never followed; device nodes, FIFOs and sockets are
 * skipped; an archive's folders that hold entries but are not listed themselves are added (no time
 * known). Hard links in a tar read as their target's content.
 *
 * <p><b>Archives are read in place</b> and indexed once, compactly ({@link FsIndex}). Files are
 * extracted only when a module asks for one ({@link #localFile}), into a private owner-only
 * workspace deleted on {@link #close()} (and at JVM exit), under names Vigil makes; a SQLite
 * database comes with its {@code -wal}, {@code -shm} and {@code -journal} sidecars beside it. A
 * {@code .tar} is read by seeking to the entry's data; a {@code .zip} through its central
 * directory. A {@code .tar.gz} cannot be read at random: the indexing pass also extracts the files
 * matching {@link Options#prefetch()} (the check commands pass every module's filesystem patterns);
 * a file asked for later costs one more streaming pass, which also extracts every file the modules
 * found ({@link #find}) and have not read yet, so that a module reading many files costs one pass.
 *
 * <p><b>Bounds.</b> Entry names that are absolute, have a {@code ..} component or a NUL are
 * skipped; an entry larger than {@link ArchiveLimits#maxEntryBytes()}, or more than
 * {@link ArchiveLimits#maxTotalBytes()} extracted in all, is refused with an {@link IOException}
 * naming it (the module is then unreadable), however well it compresses. At most
 * {@link ArchiveLimits#maxEntries()} entries are indexed. A truncated or corrupt archive keeps the
 * entries read before the damage: {@link #truncated()} says why, and a {@link #find} that matches
 * nothing then fails (the artifact may be in the missing part) rather than reporting it absent.
 */
public final class IosFsSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(IosFsSource.class);

    /** The folder whose presence marks a dump root. */
    public static final String MARKER = "private/var";
    /** SQLite sidecars extracted beside a database. */
    static final List<String> SIDECARS = List.of("-wal", "-shm", "-journal");
    private static final Pattern BACKUP_FILE_ID = Pattern.compile("[0-9a-f]{40}");
    private static final int MAX_DEPTH = 256;
    /** Most bytes of not-yet-asked-for files a .tar.gz streaming pass extracts along the one asked for. */
    static final long BATCH_BYTES = 256L << 20;
    /** Entries a probe looks at before deciding that an archive is not a dump. */
    static final int PROBE_ENTRIES = 200_000;

    /** What the input is. */
    public enum Layout {
        FOLDER("folder"), TAR("tar"), TAR_GZ("tar.gz"), ZIP("zip");

        private final String label;

        Layout(String label) {
            this.label = label;
        }

        /** "folder", "tar", "tar.gz" or "zip". */
        public String label() {
            return label;
        }
    }

    /**
     * How to open a dump.
     *
     * @param limits bounds on what is indexed and extracted
     * @param prefetch files a {@code .tar.gz}'s indexing pass extracts at once (globs relative to
     *     the dump root, as modules give them to {@link #find}); SQLite sidecars come with them
     */
    public record Options(ArchiveLimits limits, List<ArtifactPattern> prefetch) {
        /** Default limits, nothing prefetched. */
        public static final Options DEFAULT = new Options(ArchiveLimits.DEFAULT, List.of());

        public Options {
            limits = limits == null ? ArchiveLimits.DEFAULT : limits;
            prefetch = prefetch == null ? List.of() : List.copyOf(prefetch);
        }
    }

    private final Path input;
    private final Layout layout;
    private final Path folderRoot;
    private final String prefix;
    private final FsIndex index;
    private final Options options;
    private final String truncation;
    private final int skipped;
    private final DeviceInfo deviceInfo;
    private final Workspace workspace;
    /** Locators whose extraction failed (limits): not retried. */
    private final java.util.Set<Long> failed = new java.util.HashSet<>();
    /** Extracted files by locator (archive data offset or zip entry number). */
    private final Map<Long, Path> extracted;
    /** Regular files returned by find and not extracted yet (tar.gz batching). */
    private final BitSet found = new BitSet();
    private final ZipFile zip;
    private final List<ZipArchiveEntry> zipEntries;
    private int passes;

    private IosFsSource(Path input, Layout layout, Path folderRoot, String prefix, FsIndex index, Options options,
            String truncation, int skipped, Workspace workspace, Map<Long, Path> prefetched, ZipFile zip,
            List<ZipArchiveEntry> zipEntries) {
        this.workspace = workspace;
        this.input = input;
        this.layout = layout;
        this.folderRoot = folderRoot;
        this.prefix = prefix;
        this.index = index;
        this.options = options;
        this.truncation = truncation;
        this.skipped = skipped;
        this.extracted = new HashMap<>(prefetched);
        this.zip = zip;
        this.zipEntries = zipEntries;
        Map<String, String> info = new LinkedHashMap<>();
        info.put("Dump Layout", layout.label());
        info.put("Dump Root", prefix.isEmpty() ? "/" : prefix);
        info.put("Dump Entries", Integer.toString(index.size()));
        if (skipped > 0) {
            info.put("Skipped Entries", Integer.toString(skipped));
        }
        if (truncation != null) {
            info.put("Archive Status", "truncated: " + truncation);
        }
        this.deviceInfo = new DeviceInfo(info);
    }

    // ------------------------------------------------------------------ opening

    /** Opens a dump with the default {@link Options}, finding its root. */
    public static IosFsSource open(Path path) throws VigilException, IOException {
        return open(path, Options.DEFAULT);
    }

    /**
     * Opens a dump (folder or archive), finding its root ({@code private/var} at the top or under
     * one top-level folder).
     *
     * @throws ArtifactNotFoundException when the path does not exist
     * @throws UnrecognisedSourceException when it is not a filesystem dump
     * @throws CorruptArtifactException when the archive cannot be read at all
     */
    public static IosFsSource open(Path path, Options options) throws VigilException, IOException {
        return open(path, options, false);
    }

    /**
     * Opens a folder or archive as a dump rooted at its top, without looking for
     * {@code private/var} (e.g. a partial dump, or MVT's test of the filesystem module on a backup
     * folder).
     */
    public static IosFsSource openAt(Path path, Options options) throws VigilException, IOException {
        return open(path, options, true);
    }

    private static IosFsSource open(Path path, Options options, boolean asRoot) throws VigilException, IOException {
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        if (Files.isDirectory(p)) {
            return openFolder(p, options, asRoot);
        }
        Layout layout = sniff(p).orElseThrow(() -> new UnrecognisedSourceException(p
                + " does not appear to be an iOS filesystem dump (expected a folder, .tar, .tar.gz or .zip)"));
        return layout == Layout.ZIP ? openZip(p, options, asRoot) : openTar(p, layout, options, asRoot);
    }

    /** The archive format of a file, by its first bytes; empty when it is none Vigil reads as a dump. */
    static Optional<Layout> sniff(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(512);
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Optional.of(Layout.TAR_GZ);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4)
                || (head[2] == 5 && head[3] == 6))) {
            return Optional.of(Layout.ZIP);
        }
        if (head.length == 512 && head[257] == 'u' && head[258] == 's' && head[259] == 't' && head[260] == 'a'
                && head[261] == 'r') {
            return Optional.of(Layout.TAR);
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".tar") && head.length == 512) {
            return Optional.of(Layout.TAR); // pre-POSIX (v7) tar: no magic
        }
        return Optional.empty();
    }

    /**
     * True when {@code path} looks like a dump: a folder with {@code private/var} at its top or under
     * one sub-folder, or an archive with such entries among its first {@value #PROBE_ENTRIES}.
     */
    static boolean looksLikeDump(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try {
                return findFolderRoot(path).isPresent();
            } catch (UnrecognisedSourceException e) {
                return true; // several dumps: let open() say so
            }
        }
        Optional<Layout> layout = sniff(path);
        if (layout.isEmpty()) {
            return false;
        }
        try {
            if (layout.get() == Layout.ZIP) {
                try (ZipFile z = zipFile(path)) {
                    int n = 0;
                    for (ZipArchiveEntry e : Collections.list(z.getEntries())) {
                        if (markerDepth(EntryNames.clean(e.getName())) >= 0) {
                            return true;
                        }
                        if (++n >= PROBE_ENTRIES) {
                            return false;
                        }
                    }
                    return false;
                }
            }
            try (TarScanner tar = new TarScanner(tarStream(path, layout.get()))) {
                TarScanner.Item h;
                int n = 0;
                while ((h = tar.next()) != null && n++ < PROBE_ENTRIES) {
                    if (markerDepth(EntryNames.clean(h.name())) >= 0) {
                        return true;
                    }
                }
                return false;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("{} is not a readable dump archive: {}", path, e.toString());
            return false;
        }
    }

    /** 0 when {@code name} is or lies under {@code private/var}, 1 when under {@code X/private/var}, else -1. */
    static int markerDepth(String name) {
        if (isUnderMarker(name)) {
            return 0;
        }
        int slash = name.indexOf('/');
        return slash > 0 && isUnderMarker(name.substring(slash + 1)) ? 1 : -1;
    }

    private static boolean isUnderMarker(String name) {
        return name.equals(MARKER) || name.startsWith(MARKER + "/");
    }

    // ------------------------------------------------------------------ folder

    /**
     * The dump root in {@code dir}: itself when it holds {@code private/var}, else its only
     * sub-folder holding {@code private/var}.
     *
     * @throws UnrecognisedSourceException when several sub-folders hold one
     */
    static Optional<Path> findFolderRoot(Path dir) throws IOException, UnrecognisedSourceException {
        if (Files.isDirectory(dir.resolve(MARKER))) {
            return Optional.of(dir);
        }
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path c : (Iterable<Path>) list::iterator) {
                if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(c.resolve(MARKER))) {
                    roots.add(c);
                }
            }
        }
        if (roots.size() > 1) {
            roots.sort(null);
            throw new UnrecognisedSourceException(dir + " holds several filesystem dumps (" + roots.get(0)
                    .getFileName() + ", " + roots.get(1).getFileName() + ", ...): give one of them");
        }
        return roots.stream().findFirst();
    }

    private static IosFsSource openFolder(Path path, Options options, boolean asRoot)
            throws VigilException, IOException {
        Path root = asRoot ? path : findFolderRoot(path).orElseThrow(() -> notADump(path));
        FsIndex.Builder b = new FsIndex.Builder();
        int[] skippedCount = {0};
        String[] limitHit = {null};
        int max = options.limits().maxEntries();
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    if (!add(dir, attrs, FileMeta.S_IFDIR)) {
                        return FileVisitResult.TERMINATE;
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                int type;
                if (attrs.isRegularFile()) {
                    type = FileMeta.S_IFREG;
                } else if (attrs.isSymbolicLink()) {
                    type = FileMeta.S_IFLNK;
                } else if (attrs.isDirectory()) {
                    type = FileMeta.S_IFDIR; // beyond the depth limit
                } else {
                    skippedCount[0]++;
                    LOG.debug("Skipping {}: not a regular file, folder or link", file);
                    return FileVisitResult.CONTINUE;
                }
                return add(file, attrs, type) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
            }

            private boolean add(Path p, BasicFileAttributes attrs, int type) {
                if (b.count() >= max) {
                    limitHit[0] = "more than " + max + " entries; the rest is not indexed";
                    return false;
                }
                b.add(relative(root, p), type, type == FileMeta.S_IFREG ? attrs.size() : 0,
                        attrs.lastModifiedTime().toMillis() / 1000, type == FileMeta.S_IFREG ? 0 : FsIndex.NO_CONTENT,
                        false);
                return true;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                skippedCount[0]++;
                LOG.warn("Cannot read {}: {}", file, e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        FsIndex index = b.build("");
        if (limitHit[0] != null) {
            LOG.warn("{}: {}", root, limitHit[0]);
        }
        LOG.info("Opened filesystem dump folder {} ({} entries)", root, index.size());
        return new IosFsSource(path, Layout.FOLDER, root, "", index, options, limitHit[0], skippedCount[0],
                new Workspace("vigil-fs-"), Map.of(), null, null);
    }

    private static String relative(Path root, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static UnrecognisedSourceException notADump(Path path) {
        return new UnrecognisedSourceException(path + " does not appear to be an iOS filesystem dump (expected "
                + MARKER + " at its top or under its only top-level folder)");
    }

    // ------------------------------------------------------------------ tar

    private static InputStream tarStream(Path file, Layout layout) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        if (layout != Layout.TAR_GZ) {
            return raw;
        }
        try {
            return new GZIPInputStream(raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** What one indexing pass over a tar gathers. */
    private static final class TarPass {
        final FsIndex.Builder builder = new FsIndex.Builder();
        boolean depth0;
        final TreeSet<String> depth1 = new TreeSet<>();
        int skipped;
        int nonUtf8;
        String truncation;
        /** Prefetched files by locator, with their full names (prefix not decided yet). */
        final Map<Long, Path> prefetched = new HashMap<>();
        final Map<Long, String> prefetchedNames = new HashMap<>();
    }

    private static IosFsSource openTar(Path file, Layout layout, Options options, boolean asRoot)
            throws VigilException, IOException {
        TarPass pass = new TarPass();
        long items = 0;
        int max = options.limits().maxEntries();
        boolean ok = false;
        // prefetched files go into the workspace the source then owns
        Workspace early = new Workspace("vigil-fs-");
        try {
            // a plain tar is indexed seeking over large entries; a tar.gz has to be read through
            try (TarScanner tar = layout == Layout.TAR
                    ? new TarScanner(Files.newByteChannel(file, StandardOpenOption.READ))
                    : new TarScanner(tarStream(file, layout))) {
                TarScanner.Item h;
                while ((h = tar.next()) != null) {
                    items++;
                    if (pass.builder.count() >= max) {
                        pass.truncation = "more than " + max + " entries; the rest is not indexed";
                        break;
                    }
                    indexItem(file, h, tar, pass, layout, options, early);
                }
            } catch (TruncatedArchiveException e) {
                pass.truncation = e.getMessage() + " (after " + pass.builder.count() + " entries)";
            } catch (ZipException | EOFException e) {
                pass.truncation = "the gzip stream is " + (e instanceof ZipException ? "corrupt" : "truncated") + " ("
                        + e.getMessage() + ") after " + pass.builder.count() + " entries";
            } catch (IOException e) {
                pass.truncation = e.getMessage() + " (after " + pass.builder.count() + " entries)";
            }
            if (items == 0 && pass.truncation != null) {
                throw new CorruptArtifactException(file + ": not a readable " + layout.label() + " archive ("
                        + pass.truncation + ")");
            }
            String prefix = asRoot || pass.depth0 ? "" : pass.depth1.size() == 1 ? pass.depth1.first() + "/" : null;
            if (prefix == null) {
                if (pass.depth1.size() > 1) {
                    throw new UnrecognisedSourceException(file + " holds several filesystem dumps ("
                            + String.join(", ", pass.depth1) + "): not supported");
                }
                throw pass.truncation != null
                        ? new CorruptArtifactException(file + ": no " + MARKER + " in the readable part of the archive ("
                                + pass.truncation + ")")
                        : notADump(file);
            }
            FsIndex index = pass.builder.build(prefix);
            if (pass.truncation != null) {
                LOG.warn("{}: {}; only the entries before the damage can be read", file, pass.truncation);
            }
            if (pass.nonUtf8 > 0) {
                LOG.warn("{}: {} entry names are not valid UTF-8 (invalid bytes shown as U+FFFD)", file, pass.nonUtf8);
            }
            LOG.info("Opened filesystem dump {} ({} entries under \"{}\", {} skipped, {} prefetched)", file,
                    index.size(), prefix.isEmpty() ? "/" : prefix, pass.skipped, pass.prefetched.size());
            Map<Long, Path> prefetched = new HashMap<>();
            for (Map.Entry<Long, Path> e : pass.prefetched.entrySet()) {
                if (prefix.isEmpty() || pass.prefetchedNames.get(e.getKey()).startsWith(prefix)) {
                    prefetched.put(e.getKey(), e.getValue());
                }
            }
            IosFsSource source = new IosFsSource(file, layout, null, prefix, index, options, pass.truncation,
                    pass.skipped, early, prefetched, null, null);
            ok = true;
            return source;
        } finally {
            if (!ok) {
                early.close();
            }
        }
    }

    private static void indexItem(Path file, TarScanner.Item h, TarScanner tar, TarPass pass, Layout layout,
            Options options, Workspace early) throws IOException {
        Optional<String> unsafe = EntryNames.unsafe(h.name());
        if (unsafe.isPresent()) {
            pass.skipped++;
            LOG.warn("{}: skipping unsafe archive entry \"{}\" ({})", file, h.name(), unsafe.get());
            return;
        }
        String name = EntryNames.clean(h.name());
        if (name.isEmpty()) {
            return;
        }
        if (!h.utf8()) {
            pass.nonUtf8++;
            LOG.debug("{}: entry name is not valid UTF-8; read as \"{}\"", file, name);
        }
        int perm = h.mode() & 07777;
        switch (h.type()) {
            case FILE -> pass.builder.add(name, FileMeta.S_IFREG | perm, h.size(), h.mtime(), h.dataOffset(),
                    h.sparse());
            case DIRECTORY -> pass.builder.add(name, FileMeta.S_IFDIR | perm, 0, h.mtime(), FsIndex.NO_CONTENT, false);
            case SYMLINK -> pass.builder.add(name, FileMeta.S_IFLNK | perm, 0, h.mtime(), FsIndex.NO_CONTENT, false);
            case HARDLINK -> {
                if (EntryNames.unsafe(h.linkName()).isPresent()) {
                    pass.builder.add(name, FileMeta.S_IFREG | perm, -1, h.mtime(), FsIndex.NO_CONTENT, false);
                } else {
                    pass.builder.addHardLink(name, perm, h.mtime(), EntryNames.clean(h.linkName()));
                }
            }
            default -> {
                pass.skipped++;
                LOG.debug("{}: skipping archive entry \"{}\" ({} entries are not listed)", file, name,
                        h.type().name().toLowerCase(Locale.ROOT).replace('_', ' '));
                return;
            }
        }
        int depth = markerDepth(name);
        if (depth == 0) {
            pass.depth0 = true;
        } else if (depth == 1) {
            pass.depth1.add(name.substring(0, name.indexOf('/')));
        }
        if (layout == Layout.TAR_GZ && h.type() == TarScanner.Type.FILE && wanted(name, options.prefetch())) {
            prefetch(file, h, name, tar, pass, options, early);
        }
    }

    /** True when the name (as a path from the top, or under a leading folder) matches a prefetch pattern. */
    static boolean wanted(String name, List<ArtifactPattern> patterns) {
        if (patterns.isEmpty()) {
            return false;
        }
        String base = name;
        for (String suffix : SIDECARS) {
            if (name.endsWith(suffix)) {
                base = name.substring(0, name.length() - suffix.length());
                break;
            }
        }
        int slash = base.indexOf('/');
        String under = slash > 0 ? base.substring(slash + 1) : null;
        for (ArtifactPattern p : patterns) {
            if (p.domain() != null && !ArtifactPattern.globMatches(p.domain(), "")) {
                continue;
            }
            if (ArtifactPattern.globMatches(p.relativePath(), base)
                    || (under != null && ArtifactPattern.globMatches(p.relativePath(), under))) {
                return true;
            }
        }
        return false;
    }

    private static void prefetch(Path file, TarScanner.Item h, String name, TarScanner tar, TarPass pass,
            Options options, Workspace early) throws IOException {
        ArchiveLimits limits = options.limits();
        if (h.size() > limits.maxEntryBytes() || early.bytesWritten() + h.size() > limits.maxTotalBytes()) {
            LOG.debug("{}: not prefetching {} ({} bytes): over the extraction limits", file, name, h.size());
            return;
        }
        String group = groupOf(name);
        Path target = early.extract(tar.content(), group, fileNameFor(group, name), name, h.size(), file.toString());
        pass.prefetched.put(h.dataOffset(), target);
        pass.prefetchedNames.put(h.dataOffset(), name);
    }

    /** The database path a sidecar belongs to, or the path itself. */
    static String groupOf(String path) {
        for (String suffix : SIDECARS) {
            if (path.endsWith(suffix) && path.length() > suffix.length()) {
                return path.substring(0, path.length() - suffix.length());
            }
        }
        return path;
    }

    /** The file name in the workspace: the database's safe name, plus the sidecar suffix. */
    static String fileNameFor(String group, String path) {
        String base = EntryNames.safeFileName(group);
        if (base.length() > 100) {
            base = base.substring(base.length() - 100);
        }
        return base + path.substring(group.length());
    }

    // ------------------------------------------------------------------ zip

    private static ZipFile zipFile(Path file) throws IOException {
        SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ);
        try {
            return ZipFile.builder().setSeekableByteChannel(ch).setCharset(RawUtf8Charset.INSTANCE)
                    .setUseUnicodeExtraFields(true).get();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static IosFsSource openZip(Path file, Options options, boolean asRoot) throws VigilException, IOException {
        ZipFile z;
        try {
            z = zipFile(file);
        } catch (IOException | RuntimeException e) {
            throw new CorruptArtifactException(file + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
        boolean ok = false;
        try {
            List<ZipArchiveEntry> entries = Collections.list(z.getEntries());
            FsIndex.Builder b = new FsIndex.Builder();
            boolean depth0 = false;
            TreeSet<String> depth1 = new TreeSet<>();
            int skippedCount = 0;
            int nonUtf8 = 0;
            String truncation = null;
            int max = options.limits().maxEntries();
            for (int i = 0; i < entries.size(); i++) {
                ZipArchiveEntry e = entries.get(i);
                if (b.count() >= max) {
                    truncation = "more than " + max + " entries; the rest is not indexed";
                    break;
                }
                String raw = e.getName();
                String shown = EntryNames.displayable(raw);
                Optional<String> unsafe = EntryNames.unsafe(shown);
                if (unsafe.isPresent()) {
                    skippedCount++;
                    LOG.warn("{}: skipping unsafe archive entry \"{}\" ({})", file, shown, unsafe.get());
                    continue;
                }
                if (!EntryNames.isValidUtf8(raw)) {
                    nonUtf8++;
                }
                String name = EntryNames.clean(shown);
                if (name.isEmpty()) {
                    continue;
                }
                int unixMode = e.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? e.getUnixMode() : 0;
                int perm = unixMode & 07777;
                int type = unixMode & FileMeta.S_IFMT;
                long mtime = e.getTime() < 0 ? FsIndex.NO_TIME : e.getTime() / 1000;
                if (e.isUnixSymlink()) {
                    b.add(name, FileMeta.S_IFLNK | perm, 0, mtime, FsIndex.NO_CONTENT, false);
                } else if (e.isDirectory() || type == FileMeta.S_IFDIR) {
                    b.add(name, FileMeta.S_IFDIR | perm, 0, mtime, FsIndex.NO_CONTENT, false);
                } else if (type == 0 || type == FileMeta.S_IFREG) {
                    b.add(name, FileMeta.S_IFREG | perm, e.getSize(), mtime, i, false);
                } else {
                    skippedCount++;
                    LOG.debug("{}: skipping archive entry \"{}\" (special file)", file, name);
                    continue;
                }
                int depth = markerDepth(name);
                if (depth == 0) {
                    depth0 = true;
                } else if (depth == 1) {
                    depth1.add(name.substring(0, name.indexOf('/')));
                }
            }
            String prefix = asRoot || depth0 ? "" : depth1.size() == 1 ? depth1.first() + "/" : null;
            if (prefix == null) {
                if (depth1.size() > 1) {
                    throw new UnrecognisedSourceException(file + " holds several filesystem dumps ("
                            + String.join(", ", depth1) + "): not supported");
                }
                throw notADump(file);
            }
            FsIndex index = b.build(prefix);
            if (nonUtf8 > 0) {
                LOG.warn("{}: {} entry names are not valid UTF-8 (invalid bytes shown as U+FFFD)", file, nonUtf8);
            }
            LOG.info("Opened filesystem dump {} ({} entries under \"{}\", {} skipped)", file, index.size(),
                    prefix.isEmpty() ? "/" : prefix, skippedCount);
            IosFsSource s = new IosFsSource(file, Layout.ZIP, null, prefix, index, options, truncation, skippedCount,
                    new Workspace("vigil-fs-"), Map.of(), z, entries);
            ok = true;
            return s;
        } finally {
            if (!ok) {
                z.close();
            }
        }
    }

    // ------------------------------------------------------------------ accessors

    /** What the input is. */
    public Layout layout() {
        return layout;
    }

    /** The leading folder of the dump inside the archive ("" when the dump is at the top). */
    public String rootPrefix() {
        return prefix;
    }

    /** Why the archive could not be read to its end (or was not indexed to its end), when so. */
    public Optional<String> truncated() {
        return Optional.ofNullable(truncation);
    }

    /** Entries skipped as unsafe (absolute or {@code ..} names), special files or unreadable. */
    public int skippedEntries() {
        return skipped;
    }

    /** Number of entries listed (folders, files and links). */
    public int entryCount() {
        return index.size();
    }

    /** Streaming passes made over a {@code .tar.gz} after the indexing pass (for tests and logs). */
    public synchronized int extraPasses() {
        return passes;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.IOS_FS;
    }

    /**
     * True: modules may read this dump at the same time. The index, layout and device
     * information are built when the source opens and never change; a folder dump's files are
     * read in place (paths resolved and checked per call, no shared state); an archive's entries
     * are extracted under this source's lock ({@code extractWithSidecars}, which also guards the
     * extracted/failed maps, the set of found files and the pass counter), each into its own file
     * of the private workspace, so a module never sees another's half-written file.
     */
    @Override
    public boolean concurrentReads() {
        return true;
    }

    @Override
    public Path root() {
        return folderRoot != null ? folderRoot : input;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) throws IOException {
        List<ArtifactRef> out = new ArrayList<>();
        if (pattern.domain() == null || ArtifactPattern.globMatches(pattern.domain(), "")) {
            String rel = pattern.relativePath();
            int star = rel.indexOf('*');
            if (star < 0) {
                int i = index.indexOf(rel);
                if (i >= 0) {
                    out.add(found(i));
                }
            } else {
                String start = rel.substring(0, star);
                for (int i = index.lowerBound(start); i < index.size() && index.path(i).startsWith(start); i++) {
                    if (ArtifactPattern.globMatches(rel, index.path(i))) {
                        out.add(found(i));
                    }
                }
            }
        }
        if (out.isEmpty() && truncation != null) {
            throw new IOException(input + " is truncated (" + truncation + "): " + pattern.relativePath()
                    + " may be in the missing part");
        }
        return out;
    }

    private ArtifactRef found(int i) {
        if (layout == Layout.TAR_GZ && index.isRegularFile(i)) {
            synchronized (this) {
                found.set(i);
            }
        }
        return ref(i);
    }

    private ArtifactRef ref(int i) {
        String p = index.path(i);
        return new ArtifactRef(p, "", p, index.meta(i));
    }

    /**
     * The entry at this relative path. A 40-hex backup fileID also finds {@code xx/fileID} (MVT
     * looks backup files up that way in a dump too, which matters when the "dump" is a backup).
     */
    @Override
    public Optional<ArtifactRef> byId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        int i = index.indexOf(id);
        if (i < 0 && BACKUP_FILE_ID.matcher(id).matches()) {
            i = index.indexOf(id.substring(0, 2) + "/" + id);
        }
        return i < 0 ? Optional.empty() : Optional.of(ref(i));
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        for (int i = 0; i < index.size(); i++) {
            consumer.accept(ref(i));
        }
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        int i = index.indexOf(ref.id());
        return i >= 0 && index.isRegularFile(i) && index.locator(i) != FsIndex.NO_CONTENT;
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        return Files.newInputStream(localFile(ref));
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        int i = index.indexOf(ref.id());
        if (i < 0) {
            throw new NoSuchFileException(ref.displayName() + " is not in the filesystem dump " + input);
        }
        if (!index.isRegularFile(i)) {
            int type = index.mode(i) & FileMeta.S_IFMT;
            throw new IOException(input + ": " + ref.id() + " is a " + (type == FileMeta.S_IFDIR ? "folder"
                    : type == FileMeta.S_IFLNK ? "symbolic link (not followed)" : "special file")
                    + ", not a regular file");
        }
        if (index.locator(i) == FsIndex.NO_CONTENT) {
            throw new IOException(input + ": " + ref.id() + " is a hard link whose target is not in the archive");
        }
        if (layout == Layout.FOLDER) {
            return inFolder(index.path(i));
        }
        return extractWithSidecars(i);
    }

    private Path inFolder(String rel) throws IOException {
        Path p = folderRoot.resolve(rel).normalize();
        Path real = p.toRealPath();
        if (!p.startsWith(folderRoot) || !real.startsWith(folderRoot.toRealPath())) {
            throw new IOException(rel + ": refusing " + p + " (resolves outside the dump folder)");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(p + " is not a regular file");
        }
        return real;
    }

    private synchronized Path extractWithSidecars(int i) throws IOException {
        String path = index.path(i);
        List<Integer> sidecars = new ArrayList<>();
        for (String suffix : SIDECARS) {
            int j = index.indexOf(path + suffix);
            if (j >= 0 && index.isRegularFile(j) && index.locator(j) != FsIndex.NO_CONTENT) {
                sidecars.add(j);
            }
        }
        Path main = extracted.get(index.locator(i));
        boolean sidecarsDone = sidecars.stream().allMatch(j -> extracted.containsKey(index.locator(j))
                || failed.contains(index.locator(j)));
        if (main != null && sidecarsDone) {
            return main;
        }
        checkLimits(i);
        if (layout == Layout.TAR_GZ || (layout == Layout.TAR && index.sparse(i))) {
            List<Integer> must = new ArrayList<>(sidecars);
            must.add(0, i);
            streamingPass(must, layout == Layout.TAR_GZ ? found : new BitSet(), i);
        } else {
            extractOne(i);
            for (int j : sidecars) {
                try {
                    extractOne(j);
                } catch (IOException e) {
                    failed.add(index.locator(j));
                    LOG.warn("{}; the database is read without it", e.getMessage());
                }
            }
        }
        Path done = extracted.get(index.locator(i));
        if (done == null) {
            throw new IOException(input + ": " + path + " could not be extracted (not found again in the archive)");
        }
        return done;
    }

    private void checkLimits(int i) throws IOException {
        ArchiveLimits limits = options.limits();
        long size = index.size(i);
        if (size > limits.maxEntryBytes()) {
            throw new IOException(input + ": " + index.path(i) + " is " + size + " bytes, over the "
                    + limits.maxEntryBytes() + "-byte limit for one entry; not extracted");
        }
        if (totalWritten() + Math.max(size, 0) > limits.maxTotalBytes()) {
            throw new IOException(input + ": extracting " + index.path(i) + " would exceed the "
                    + limits.maxTotalBytes() + "-byte limit on extracted data; not extracted");
        }
    }

    private long totalWritten() {
        return workspace.bytesWritten();
    }

    /** One entry of a .tar (by seeking) or .zip (through the central directory). */
    private void extractOne(int i) throws IOException {
        long loc = index.locator(i);
        if (extracted.containsKey(loc)) {
            return;
        }
        checkLimits(i);
        String path = index.path(i);
        String group = groupOf(path);
        long max = index.size(i) >= 0 ? index.size(i) : options.limits().maxEntryBytes();
        long budget = Math.min(max, options.limits().maxTotalBytes() - totalWritten());
        Path target;
        if (layout == Layout.ZIP) {
            ZipArchiveEntry e = zipEntries.get((int) loc);
            try (InputStream in = zip.getInputStream(e)) {
                if (in == null) {
                    throw new IOException(input + ": " + path + " uses an unsupported zip compression method");
                }
                target = workspace.extract(in, group, fileNameFor(group, path), path, budget, input.toString());
            }
        } else {
            try (SeekableByteChannel ch = Files.newByteChannel(input, StandardOpenOption.READ)) {
                if (loc + index.size(i) > ch.size()) {
                    throw new IOException(input + ": " + path + " extends past the end of the archive");
                }
                ch.position(loc);
                InputStream in = new BoundedStream(Channels.newInputStream(ch), index.size(i));
                target = workspace.extract(in, group, fileNameFor(group, path), path, budget, input.toString());
            }
        }
        extracted.put(loc, target);
        LOG.debug("extracted {} to {}", path, target);
    }

    /**
     * One streaming pass extracting the entries of {@code must} (the file asked for and its
     * sidecars) and of {@code alsoFound} (within {@link #BATCH_BYTES}) not yet extracted.
     */
    private void streamingPass(List<Integer> must, BitSet alsoFound, int required) throws IOException {
        Map<Long, Integer> wanted = new HashMap<>();
        for (int k : must) {
            long loc = index.locator(k);
            if (!extracted.containsKey(loc) && (k == required || !failed.contains(loc))) {
                wanted.put(loc, k);
            }
        }
        BitSet batch = alsoFound;
        // files found and not read yet ride along, within a budget (a module may list files it never reads)
        long budget = Math.min(BATCH_BYTES, options.limits().maxTotalBytes() - totalWritten());
        for (int k = batch.nextSetBit(0); k >= 0; k = batch.nextSetBit(k + 1)) {
            long loc = index.locator(k);
            if (extracted.containsKey(loc) || failed.contains(loc) || wanted.containsKey(loc)) {
                continue;
            }
            long size = Math.max(index.size(k), 0);
            if (size > budget) {
                continue;
            }
            budget -= size;
            wanted.put(loc, k);
        }
        found.clear();
        if (wanted.isEmpty()) {
            return;
        }
        passes++;
        LOG.info("{}: streaming pass {} over the archive to extract {} file(s)", input, passes, wanted.size());
        String requiredName = index.path(required);
        try (TarScanner tar = new TarScanner(tarStream(input, layout))) {
            TarScanner.Item h;
            while (!wanted.isEmpty() && (h = tar.next()) != null) {
                Integer k = wanted.remove(h.dataOffset());
                if (k == null || h.type() != TarScanner.Type.FILE) {
                    continue;
                }
                String path = index.path(k);
                try {
                    if (k != required) {
                        checkLimits(k);
                    }
                    String group = groupOf(path);
                    long max = Math.min(h.size(), options.limits().maxTotalBytes() - totalWritten());
                    Path target = workspace.extract(tar.content(), group, fileNameFor(group, path), path, max,
                            input.toString());
                    extracted.put(h.dataOffset(), target);
                } catch (IOException e) {
                    if (k == required) {
                        throw e;
                    }
                    failed.add(h.dataOffset());
                    LOG.warn("{}", e.getMessage());
                }
            }
        } catch (IOException e) {
            if (!extracted.containsKey(index.locator(required))) {
                throw new IOException(input + ": cannot extract " + requiredName + " (" + e.getMessage() + ")", e);
            }
            LOG.warn("{}: {}", input, e.getMessage());
        }
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        int i = index.indexOf(relativePath);
        if (i < 0 || !index.isRegularFile(i)) {
            return Optional.empty();
        }
        try {
            return Optional.of(localFile(ref(i)));
        } catch (IOException e) {
            LOG.warn("{}", e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    @Override
    public List<Path> inputFiles() {
        if (layout != Layout.FOLDER) {
            return List.of(input);
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < index.size(); i++) {
            if (index.isRegularFile(i)) {
                files.add(folderRoot.resolve(index.path(i)));
            }
        }
        files.sort(null);
        return files;
    }

    /** The private workspace, or null before the first extraction (tests). */
    synchronized Path workspace() {
        return workspace.folder();
    }

    @Override
    public synchronized void close() throws IOException {
        extracted.clear();
        try {
            workspace.close();
        } finally {
            if (zip != null) {
                zip.close();
            }
        }
    }

    /** Reads exactly {@code size} bytes of the underlying stream, then reports the end. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedStream(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("the archive ends inside an entry's data");
            }
            remaining -= n;
            return n;
        }
    }
}
