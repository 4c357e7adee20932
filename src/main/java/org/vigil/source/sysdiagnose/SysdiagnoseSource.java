package org.vigil.source.sysdiagnose;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.VigilException;
import org.vigil.io.archive.EntryNames;
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
 * An iOS sysdiagnose: the {@code sysdiagnose_*.tar.gz} the phone writes, or its unpacked folder.
 * Both hold exactly one top-level folder ({@code sysdiagnose_<date>_<offset>_<os>_<model>_<build>});
 * artifact paths ({@link ArtifactRef#relativePath()}, also the {@link ArtifactRef#id()}) are
 * relative to that folder, e.g. {@code system_logs.logarchive/Extra/shutdown.log}.
 *
 * <p><b>Archives are read in place.</b> The gzip tar is streamed once to index its entries (with
 * the shared {@link TarScanner}, Apache Commons Compress with checksums and truncation checks); a file is extracted only when a module asks for it, into a private temporary
 * folder (owner-only) deleted on {@link #close()}, under a name Vigil makes (never a path taken from
 * the archive). Entries with an absolute name, a {@code ..} component, links, devices and FIFOs are
 * skipped (and counted); an entry larger than {@link Limits#maxEntryBytes()} or beyond
 * {@link Limits#maxTotalBytes()} in total is refused with an {@link IOException} naming it.
 *
 * <p>A truncated archive opens with the entries read before the cut ({@link #truncated()}); a
 * {@link #find} that matches nothing in it fails with an {@link IOException} (the artifact may be
 * in the missing part), so the module is reported unreadable rather than absent.
 *
 * <p>In a folder, symbolic links are not followed and files must resolve inside the folder.
 *
 * <p>The device's UTC offset comes, like MVT, from the archive name quoted in the top-level
 * {@code sysdiagnose.log}, else from the folder or archive name, else UTC.
 */
public final class SysdiagnoseSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseSource.class);

    /** The log at the top of a sysdiagnose that names the archive (and so the UTC offset). */
    public static final String SYSDIAGNOSE_LOG = "sysdiagnose.log";
    /** Marker folder of a sysdiagnose (unified logs). */
    public static final String LOGARCHIVE = "system_logs.logarchive";

    /** {@code sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ}, as in archive and folder names. */
    static final Pattern NAME = Pattern.compile(
            "sysdiagnose_(\\d{4})\\.(\\d{2})\\.(\\d{2})_(\\d{2})-(\\d{2})-(\\d{2})([+-])(\\d{2})(\\d{2})");
    private static final Pattern BUILD = Pattern.compile("_(\\d{2}[A-Z]\\d{1,4}[a-z]?)$");
    private static final int MAX_DEPTH = 64;
    private static final int MAX_LOG_BYTES = 1 << 20;

    /**
     * Bounds on what is read from an archive.
     *
     * @param maxEntryBytes largest entry extracted
     * @param maxTotalBytes most bytes extracted in total
     * @param maxEntries most entries indexed
     */
    public record Limits(long maxEntryBytes, long maxTotalBytes, int maxEntries) {
        /** 512 MiB per entry, 4 GiB in total, 2,000,000 entries. */
        public static final Limits DEFAULT = new Limits(512L << 20, 4L << 30, 2_000_000);
    }

    /** One indexed file. */
    private record Entry(String path, long ordinal, FileMeta meta) {}

    private final Path input;
    private final Path root;
    private final boolean archive;
    private final String topFolder;
    private final TreeMap<String, Entry> entries;
    private final Limits limits;
    private final int offsetSeconds;
    private final String truncation;
    private final int skipped;
    /** What the archive name says (folder, build, offset, truncation). */
    private final DeviceInfo nameInfo;
    /** With the model and version read inside the archive; built on first use. */
    private DeviceInfo deviceInfo;
    private final Map<Long, Path> extracted = new HashMap<>();
    /** Private folder of extracted files, deleted on close (and at JVM exit). */
    private final Workspace workspace = new Workspace("vigil-sysdiagnose-");

    private SysdiagnoseSource(Path input, Path root, boolean archive, String topFolder,
            TreeMap<String, Entry> entries, Limits limits, int offsetSeconds, String truncation, int skipped) {
        this.input = input;
        this.root = root;
        this.archive = archive;
        this.topFolder = topFolder;
        this.entries = entries;
        this.limits = limits;
        this.offsetSeconds = offsetSeconds;
        this.truncation = truncation;
        this.skipped = skipped;
        Map<String, String> info = new LinkedHashMap<>();
        info.put("Sysdiagnose", topFolder);
        info.put("Timezone Offset", Integer.toString(offsetSeconds));
        Matcher b = BUILD.matcher(topFolder);
        if (b.find()) {
            info.put("Build Version", b.group(1));
        }
        if (truncation != null) {
            info.put("Archive Status", "truncated: " + truncation);
        }
        this.nameInfo = new DeviceInfo(info);
    }

    /** Opens a sysdiagnose archive or folder with the default {@link Limits}. */
    public static SysdiagnoseSource open(Path path) throws VigilException, IOException {
        return open(path, Limits.DEFAULT);
    }

    /**
     * Opens a sysdiagnose archive ({@code .tar.gz}) or folder (the sysdiagnose folder itself, or a
     * folder holding only it).
     *
     * @throws ArtifactNotFoundException when the path does not exist
     * @throws CorruptArtifactException when the archive is not a gzip tar, has no readable entry, or
     *     does not hold exactly one top-level folder
     * @throws UnrecognisedSourceException when a folder is not a sysdiagnose
     */
    public static SysdiagnoseSource open(Path path, Limits limits) throws VigilException, IOException {
        return open(path, limits, org.vigil.core.Progress.none());
    }

    /**
     * As {@link #open(Path, Limits)}, reporting the indexing of an archive to {@code progress}
     * (compressed bytes read, against the archive's size).
     */
    public static SysdiagnoseSource open(Path path, Limits limits, org.vigil.core.Progress progress)
            throws VigilException, IOException {
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        if (Files.isDirectory(p)) {
            return openFolder(p, limits);
        }
        try (org.vigil.core.Progress.Step step = progress.start("Indexing " + p.getFileName(), Files.size(p),
                org.vigil.core.Progress.Unit.BYTES)) {
            return openArchive(p, limits, step);
        }
    }

    // ------------------------------------------------------------------ folder

    /** The sysdiagnose folder at or just under {@code path}, if it looks like one. */
    static Optional<Path> findFolder(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return Optional.empty();
        }
        if (looksLikeSysdiagnose(path)) {
            return Optional.of(path);
        }
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> list = Files.list(path)) {
            for (Path c : (Iterable<Path>) list::iterator) {
                String n = c.getFileName().toString();
                if (n.startsWith(".")) {
                    continue;
                }
                if (!Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                    return Optional.empty();
                }
                dirs.add(c);
            }
        }
        return dirs.size() == 1 && looksLikeSysdiagnose(dirs.get(0)) ? Optional.of(dirs.get(0)) : Optional.empty();
    }

    private static boolean looksLikeSysdiagnose(Path dir) {
        return Files.isRegularFile(dir.resolve(SYSDIAGNOSE_LOG), LinkOption.NOFOLLOW_LINKS)
                || Files.isDirectory(dir.resolve(LOGARCHIVE), LinkOption.NOFOLLOW_LINKS)
                || (dir.getFileName() != null && dir.getFileName().toString().startsWith("sysdiagnose_")
                        && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS));
    }

    private static SysdiagnoseSource openFolder(Path path, Limits limits) throws VigilException, IOException {
        Path root = findFolder(path).orElseThrow(() -> new UnrecognisedSourceException(path
                + " does not appear to be a sysdiagnose folder (expected sysdiagnose.log or "
                + LOGARCHIVE + ", in it or in its only sub-folder)"));
        Path realRoot = root.toRealPath();
        TreeMap<String, Entry> entries = new TreeMap<>();
        int[] skipped = {0};
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    if (entries.size() >= limits.maxEntries()) {
                        skipped[0]++;
                        return FileVisitResult.CONTINUE;
                    }
                    String rel = relative(root, file);
                    entries.put(rel, new Entry(rel, entries.size(), new FileMeta(attrs.size(), -1, -1, null,
                            attrs.lastModifiedTime().toInstant().getEpochSecond(), null)));
                } else if (!attrs.isDirectory()) {
                    skipped[0]++;
                    LOG.debug("Skipping {}: not a regular file (link or special file)", file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                skipped[0]++;
                LOG.warn("Cannot read {}: {}", file, e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        String top = root.getFileName() == null ? "" : root.getFileName().toString();
        int offset = 0;
        Optional<Integer> fromLog = Optional.empty();
        Path log = root.resolve(SYSDIAGNOSE_LOG);
        if (entries.containsKey(SYSDIAGNOSE_LOG) && log.toRealPath().startsWith(realRoot)) {
            fromLog = offsetFromLog(readCapped(log));
        }
        offset = fromLog.or(() -> offsetFromName(top)).orElse(0);
        LOG.info("Opened sysdiagnose folder {} ({} files, UTC offset {} s)", root, entries.size(), offset);
        return new SysdiagnoseSource(path, root, false, top, entries, limits, offset, null, skipped[0]);
    }

    private static byte[] readCapped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(MAX_LOG_BYTES);
        }
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

    // ------------------------------------------------------------------ archive

    /** True when {@code file} is a gzip tar whose first entry lies under a {@code sysdiagnose_*} folder. */
    static boolean isSysdiagnoseArchive(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            return false;
        }
        if (name.startsWith("sysdiagnose_") && (name.endsWith(".tar.gz") || name.endsWith(".tgz"))) {
            return true;
        }
        try (TarScanner tar = new TarScanner(gzip(file))) {
            TarScanner.Item h = tar.next();
            String n = h == null ? "" : stripDot(h.name());
            return n.startsWith("sysdiagnose_");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static InputStream gzip(Path file) throws IOException {
        return gzip(file, org.vigil.core.Progress.Step.NONE);
    }

    private static InputStream gzip(Path file, org.vigil.core.Progress.Step step) throws IOException {
        InputStream raw = step == org.vigil.core.Progress.Step.NONE ? Files.newInputStream(file)
                : new org.vigil.io.ProgressInputStream(Files.newInputStream(file), step);
        try {
            return new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    private static SysdiagnoseSource openArchive(Path file, Limits limits, org.vigil.core.Progress.Step step)
            throws VigilException, IOException {
        TreeMap<String, Entry> entries = new TreeMap<>();
        TreeSet<String> tops = new TreeSet<>();
        boolean topLevelFile = false;
        int skipped = 0;
        long ordinal = -1;
        String truncation = null;
        byte[] log = null;
        try (TarScanner tar = new TarScanner(gzip(file, step))) {
            TarScanner.Item h;
            while ((h = tar.next()) != null) {
                ordinal++;
                String name = stripDot(h.name());
                if (name.isEmpty()) {
                    continue;
                }
                Optional<String> unsafe = unsafe(name);
                if (unsafe.isPresent()) {
                    skipped++;
                    LOG.warn("{}: skipping unsafe archive entry \"{}\" ({})", file, h.name(), unsafe.get());
                    continue;
                }
                if (h.type() != TarScanner.Type.FILE && h.type() != TarScanner.Type.DIRECTORY) {
                    skipped++;
                    LOG.warn("{}: skipping archive entry \"{}\" ({} entries are never extracted)", file, name,
                            h.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
                    continue;
                }
                if (!h.utf8()) {
                    LOG.warn("{}: archive entry name is not valid UTF-8; read as \"{}\"", file, name);
                }
                String clean = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                int slash = clean.indexOf('/');
                tops.add(slash < 0 ? clean : clean.substring(0, slash));
                if (h.type() == TarScanner.Type.DIRECTORY) {
                    continue;
                }
                if (slash < 0) {
                    topLevelFile = true;
                    continue;
                }
                if (entries.size() >= limits.maxEntries()) {
                    throw new CorruptArtifactException(file + ": more than " + limits.maxEntries()
                            + " entries; not a sysdiagnose archive Vigil can index");
                }
                String rel = clean.substring(slash + 1);
                Entry e = new Entry(rel, ordinal, new FileMeta(h.size(), h.mode() | 0100000, -1, null, h.mtime(),
                        null));
                if (entries.put(rel, e) != null) {
                    LOG.warn("{}: entry \"{}\" appears more than once; the last one is used", file, clean);
                }
                if (rel.equals(SYSDIAGNOSE_LOG) && h.size() <= MAX_LOG_BYTES) {
                    log = tar.content().readAllBytes();
                }
            }
        } catch (TruncatedArchiveException e) {
            truncation = e.getMessage() + " (after " + entries.size() + " files)";
        } catch (ZipException | java.io.EOFException e) {
            // corrupt deflate data or a cut in the gzip stream
            truncation = "the gzip stream is " + (e instanceof ZipException ? "corrupt" : "truncated") + " ("
                    + e.getMessage() + ") after " + entries.size() + " files";
        } catch (IOException e) {
            truncation = e.getMessage() + " (after " + entries.size() + " files)";
        }
        if (entries.isEmpty() && tops.isEmpty()) {
            throw new CorruptArtifactException(file + ": not a readable gzip-compressed tar archive ("
                    + (truncation == null ? "no entry" : truncation) + ")");
        }
        if (tops.size() != 1 || topLevelFile) {
            throw new CorruptArtifactException(file + ": a sysdiagnose archive holds exactly one top-level folder;"
                    + " found " + (topLevelFile ? "files at the top level and " : "") + tops.size()
                    + " top-level name" + (tops.size() == 1 ? "" : "s") + " " + first(tops));
        }
        if (truncation != null) {
            LOG.warn("{}: {}; only the files before the cut can be read", file, truncation);
        }
        String top = tops.first();
        String archiveName = file.getFileName().toString();
        int offset = (log == null ? Optional.<Integer>empty() : offsetFromLog(log))
                .or(() -> offsetFromName(top)).or(() -> offsetFromName(archiveName)).orElse(0);
        LOG.info("Opened sysdiagnose archive {} ({} files under {}, {} skipped, UTC offset {} s)", file,
                entries.size(), top, skipped, offset);
        return new SysdiagnoseSource(file, file, true, top, entries, limits, offset, truncation, skipped);
    }

    private static String first(TreeSet<String> names) {
        List<String> shown = names.stream().limit(5).map(n -> "\"" + n + "\"").toList();
        return String.join(", ", shown) + (names.size() > 5 ? ", ..." : "");
    }

    private static String stripDot(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n.equals(".") ? "" : n;
    }

    /** Why an entry name is refused, if it is: absolute, or with a ".." component (see {@link EntryNames}). */
    static Optional<String> unsafe(String name) {
        return EntryNames.unsafe(name);
    }

    // ------------------------------------------------------------------ time zone

    /** The UTC offset of the first {@code sysdiagnose_...±ZZZZ} name in the log, like MVT. */
    static Optional<Integer> offsetFromLog(byte[] content) {
        return offsetFromName(new String(content, StandardCharsets.UTF_8));
    }

    /** The UTC offset in a {@code sysdiagnose_YYYY.MM.DD_HH-MM-SS±ZZZZ} name. */
    static Optional<Integer> offsetFromName(String text) {
        Matcher m = NAME.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        int h = Integer.parseInt(m.group(8));
        int min = Integer.parseInt(m.group(9));
        if (h > 18 || min > 59) {
            return Optional.empty();
        }
        int s = h * 3600 + min * 60;
        return Optional.of(m.group(7).equals("-") ? -s : s);
    }

    // ------------------------------------------------------------------ accessors

    /** The top-level folder's name (e.g. {@code sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329}). */
    public String topFolder() {
        return topFolder;
    }

    /** The device's UTC offset in seconds (0 when unknown). */
    public int timezoneOffsetSeconds() {
        return offsetSeconds;
    }

    /** The device's UTC offset. */
    public ZoneOffset timezoneOffset() {
        return ZoneOffset.ofTotalSeconds(offsetSeconds);
    }

    /** True when the input is a {@code .tar.gz} (read in place), false for a folder. */
    public boolean isArchive() {
        return archive;
    }

    /** Why the archive could not be read to its end, when it could not. */
    public Optional<String> truncated() {
        return Optional.ofNullable(truncation);
    }

    /** Entries skipped as unsafe (absolute or {@code ..} names, links, devices) or unreadable. */
    public int skippedEntries() {
        return skipped;
    }

    /** Number of files indexed. */
    public int fileCount() {
        return entries.size();
    }

    @Override
    public SourceKind kind() {
        return SourceKind.IOS_SYSDIAGNOSE;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) throws IOException {
        List<ArtifactRef> found = new ArrayList<>();
        if (pattern.domain() == null || pattern.domain().chars().allMatch(c -> c == '*')) {
            int star = pattern.relativePath().indexOf('*');
            if (star < 0) {
                Entry e = entries.get(pattern.relativePath());
                if (e != null) {
                    found.add(ref(e));
                }
            } else {
                String prefix = pattern.relativePath().substring(0, star);
                for (Entry e : entries.tailMap(prefix, true).values()) {
                    if (!e.path().startsWith(prefix)) {
                        break;
                    }
                    if (ArtifactPattern.globMatches(pattern.relativePath(), e.path())) {
                        found.add(ref(e));
                    }
                }
            }
        }
        if (found.isEmpty() && truncation != null) {
            throw new IOException(input + " is truncated (" + truncation + "): " + pattern.relativePath()
                    + " may be in the missing part");
        }
        return found;
    }

    private static ArtifactRef ref(Entry e) {
        return new ArtifactRef(e.path(), "", e.path(), e.meta());
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        Entry e = id == null ? null : entries.get(id);
        return e == null ? Optional.empty() : Optional.of(ref(e));
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        entries.values().forEach(e -> consumer.accept(ref(e)));
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return entries.containsKey(ref.id());
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        return Files.newInputStream(localFile(ref));
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        Entry e = entries.get(ref.id());
        if (e == null) {
            throw new NoSuchFileException(ref.displayName() + " is not in the sysdiagnose " + input);
        }
        return archive ? extract(e) : inFolder(e);
    }

    private Path inFolder(Entry e) throws IOException {
        Path p = root.resolve(e.path()).normalize();
        Path real = p.toRealPath();
        if (!p.startsWith(root) || !real.startsWith(root.toRealPath())) {
            throw new IOException(e.path() + ": refusing " + p + " (resolves outside the sysdiagnose folder)");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(p + " is not a regular file");
        }
        return real;
    }

    /** Extracts one entry (once) into the private workspace, bounded. */
    private synchronized Path extract(Entry e) throws IOException {
        Path done = extracted.get(e.ordinal());
        if (done != null) {
            return done;
        }
        long size = e.meta().size();
        if (size > limits.maxEntryBytes()) {
            throw new IOException(input + ": " + e.path() + " is " + size + " bytes, over the "
                    + limits.maxEntryBytes() + "-byte limit for one entry; not extracted");
        }
        if (workspace.bytesWritten() + size > limits.maxTotalBytes()) {
            throw new IOException(input + ": extracting " + e.path() + " would exceed the "
                    + limits.maxTotalBytes() + "-byte limit on extracted data; not extracted");
        }
        try (TarScanner tar = new TarScanner(gzip(input))) {
            long ordinal = -1;
            TarScanner.Item h;
            while ((h = tar.next()) != null) {
                ordinal++;
                if (ordinal == e.ordinal()) {
                    Path target = workspace.extract(tar.content(), e.path(), Math.min(size, limits.maxEntryBytes()),
                            input.toString());
                    extracted.put(e.ordinal(), target);
                    LOG.debug("extracted {} to {}", e.path(), target);
                    return target;
                }
            }
        } catch (IOException ex) {
            throw new IOException(input + ": cannot extract " + e.path() + " (" + ex.getMessage() + ")", ex);
        }
        throw new IOException(input + ": " + e.path() + " is no longer in the archive (changed while open?)");
    }

    /** The entry's base name reduced to safe characters (the folder is Vigil's own). */
    static String safeName(String path) {
        return EntryNames.safeFileName(path);
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        Entry e = entries.get(relativePath);
        if (e == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(archive ? extract(e) : inFolder(e));
        } catch (IOException ex) {
            LOG.warn("{}", ex.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public synchronized DeviceInfo deviceInfo() {
        if (deviceInfo == null) {
            // the archive name gives only the build: the model and version are inside
            Map<String, String> props = new LinkedHashMap<>(nameInfo.properties());
            SysdiagnoseDeviceInfo.read(this).deviceProperties().forEach(props::putIfAbsent);
            deviceInfo = new DeviceInfo(props);
        }
        return deviceInfo;
    }

    @Override
    public List<Path> inputFiles() throws IOException {
        if (archive) {
            return List.of(input);
        }
        List<Path> files = new ArrayList<>();
        for (Entry e : entries.values()) {
            files.add(root.resolve(e.path()));
        }
        files.sort(null);
        return files;
    }

    @Override
    public synchronized void close() throws IOException {
        extracted.clear();
        workspace.close();
    }

    /** The private workspace, or null before the first extraction (tests). */
    synchronized Path workspace() {
        return workspace.folder();
    }
}
