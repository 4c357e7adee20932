package org.vigil.source.android;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.io.CappedInputStream;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;

/**
 * An Android bug report, as the {@code .zip} made by {@code adb bugreport} or the folder it
 * unpacks to. The zip is read in place: its entries are listed once, and only the entries a
 * module asks a local file for are extracted, into a private temporary folder deleted on
 * {@link #close()}, with a cap per entry ({@value #MAX_ENTRY_BYTES} bytes) and in total.
 *
 * <p>Entry names are paths relative to the bug report's root with {@code /} separators. Unsafe zip
 * entry names ({@code ..} components, absolute names, backslashes, NUL) are skipped with a
 * warning; in a folder, symbolic links are not followed.
 *
 * <p>The dumpstate text (the file holding every {@code dumpsys} section) is resolved as MVT does:
 * the file named by the root {@code main_entry.txt} (when it stays inside the report and exists),
 * else the first {@code dumpState_*.log}, else the first {@code *}{@code /dumpsys.txt}. It is
 * available as {@link #byId(String) byId}({@value #DUMPSTATE_ID}).
 */
public final class BugreportSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(BugreportSource.class);

    /** The id under which {@link #byId(String)} gives the dumpstate text file. */
    public static final String DUMPSTATE_ID = "dumpstate";
    /** Largest entry read or extracted. */
    public static final long MAX_ENTRY_BYTES = 512L * 1024 * 1024;
    /** Largest total extracted from one zip. */
    public static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024 * 1024;
    /** Most entries listed. */
    static final int MAX_ENTRIES = 1_000_000;
    private static final int MAX_DEPTH = 64;
    private static final int MAX_MAIN_ENTRY_BYTES = 4096;

    private final Path root;
    private final ZipFile zip;
    /** The zip read as a stream from memory (nested in an age-encrypted acquisition), else null. */
    private final StreamedZip streamed;
    private final Map<String, ArtifactRef> entries;
    private final Map<String, ZipEntry> zipEntries;
    private final ArtifactRef dumpstate;
    private final Map<String, Path> extracted = new HashMap<>();
    private Path workspace;
    private long extractedBytes;

    private BugreportSource(Path root, ZipFile zip, Map<String, ArtifactRef> entries,
            Map<String, ZipEntry> zipEntries) throws IOException {
        this(root, zip, null, entries, zipEntries);
    }

    private BugreportSource(Path root, ZipFile zip, StreamedZip streamed, Map<String, ArtifactRef> entries,
            Map<String, ZipEntry> zipEntries) throws IOException {
        this.root = root;
        this.zip = zip;
        this.streamed = streamed;
        this.entries = entries;
        this.zipEntries = zipEntries;
        this.dumpstate = resolveDumpstate();
    }

    /**
     * Opens a bug report zip or folder.
     *
     * @throws ArtifactNotFoundException when the path does not exist
     * @throws CorruptArtifactException when the file is not a readable zip ("Invalid bugreport
     *     archive: ...")
     */
    public static BugreportSource open(Path path) throws IOException, ArtifactNotFoundException,
            CorruptArtifactException {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            return new BugreportSource(p, null, listFolder(p), Map.of());
        }
        if (!Files.isRegularFile(p)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(p.toFile(), StandardCharsets.UTF_8);
        } catch (ZipException e) {
            throw new CorruptArtifactException("Invalid bugreport archive: " + p + ": " + e.getMessage(), e);
        }
        try {
            Map<String, ZipEntry> zipEntries = new LinkedHashMap<>();
            Map<String, ArtifactRef> refs = listZip(p, zip, zipEntries);
            return new BugreportSource(p, zip, refs, zipEntries);
        } catch (IOException | RuntimeException e) {
            zip.close();
            if (e instanceof IllegalArgumentException || e instanceof ZipException) {
                throw new CorruptArtifactException("Invalid bugreport archive: " + p + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * A bug report zip read as a stream, never written to disk: the {@code bugreport.zip} of an
     * age-encrypted androidqf acquisition (see {@link StreamedZip}). Same entries, names and
     * dumpstate resolution as {@link #open(Path)} on the zip; {@link #localFile} refuses.
     *
     * @param name the zip's name for messages (e.g. {@code x.zip.age!androidqf/bugreport.zip})
     */
    public static BugreportSource openStreamed(Path name, StreamedZip zip) throws IOException {
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        for (StreamedZip.Entry se : zip.entries()) {
            ZipEntry e = se.entry();
            if (e.isDirectory()) {
                continue;
            }
            if (!isSafeName(e.getName())) {
                LOG.warn("{}: skipping unsafe bugreport archive entry {}", name, e.getName());
                continue;
            }
            Long modified = e.getTimeLocal() == null ? null : e.getTimeLocal().toEpochSecond(ZoneOffset.UTC);
            refs.putIfAbsent(e.getName(), new ArtifactRef(e.getName(), "", e.getName(),
                    new FileMeta(se.size(), -1, -1, null, modified, null)));
        }
        return new BugreportSource(name, null, zip, refs, Map.of());
    }

    private static Map<String, ArtifactRef> listZip(Path p, ZipFile zip, Map<String, ZipEntry> out)
            throws CorruptArtifactException {
        List<ZipEntry> list = new ArrayList<>();
        var en = zip.entries();
        while (en.hasMoreElements()) {
            ZipEntry e = en.nextElement();
            if (list.size() >= MAX_ENTRIES) {
                throw new CorruptArtifactException("Invalid bugreport archive: " + p + ": more than "
                        + MAX_ENTRIES + " entries");
            }
            list.add(e);
        }
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        for (ZipEntry e : list) {
            if (e.isDirectory()) {
                continue;
            }
            String name = e.getName();
            if (!isSafeName(name)) {
                LOG.warn("{}: skipping unsafe bugreport archive entry {}", p, name);
                continue;
            }
            Long modified = e.getTimeLocal() == null ? null : e.getTimeLocal().toEpochSecond(ZoneOffset.UTC);
            FileMeta meta = new FileMeta(e.getSize(), -1, -1, null, modified, null);
            refs.putIfAbsent(name, new ArtifactRef(name, "", name, meta));
            out.putIfAbsent(name, e);
        }
        return refs;
    }

    /** True for a relative name with no {@code ..}, absolute or drive part, backslash or NUL. */
    static boolean isSafeName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':')) {
            return false;
        }
        for (String part : name.split("/", -1)) {
            if (part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, ArtifactRef> listFolder(Path dir) throws IOException {
        List<ArtifactRef> refs = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    if (refs.size() >= MAX_ENTRIES) {
                        throw new IOException(dir + ": more than " + MAX_ENTRIES + " files");
                    }
                    String rel = relative(dir, file);
                    FileMeta meta = new FileMeta(attrs.size(), -1, -1, null,
                            attrs.lastModifiedTime().toInstant().getEpochSecond(), null);
                    refs.add(new ArtifactRef(rel, "", rel, meta));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                LOG.warn("{}: cannot read {}: {}", dir, file, exc.toString());
                return FileVisitResult.CONTINUE;
            }
        });
        refs.sort(Comparator.comparing(ArtifactRef::relativePath));
        Map<String, ArtifactRef> map = new LinkedHashMap<>();
        refs.forEach(r -> map.put(r.relativePath(), r));
        return map;
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private ArtifactRef resolveDumpstate() throws IOException {
        ArtifactRef main = entries.get("main_entry.txt");
        if (main != null) {
            String named;
            try (InputStream in = open(main)) {
                named = new String(in.readNBytes(MAX_MAIN_ENTRY_BYTES), StandardCharsets.UTF_8).strip();
            }
            String normal = normalise(named);
            if (normal == null) {
                LOG.warn("{}: main_entry.txt names a file outside the bug report ({}); ignored", root, named);
            } else if (entries.containsKey(normal)) {
                return entries.get(normal);
            } else {
                LOG.warn("{}: main_entry.txt names {}, which is not in the bug report", root, named);
            }
        }
        for (ArtifactRef r : entries.values()) {
            if (ArtifactPattern.globMatches("dumpState_*.log", r.relativePath())) {
                return r;
            }
        }
        for (ArtifactRef r : entries.values()) {
            if (ArtifactPattern.globMatches("*/dumpsys.txt", r.relativePath())) {
                return r;
            }
        }
        return null;
    }

    /** The name normalised ({@code ./} and {@code a/../} removed), or null when it leaves the root. */
    static String normalise(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':')) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    /** The dumpstate text file, if the bug report has one. */
    public Optional<ArtifactRef> dumpstate() {
        return Optional.ofNullable(dumpstate);
    }

    /** True when the bug report is read from a zip. */
    public boolean isZip() {
        return zip != null || streamed != null;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.ANDROID_BUGREPORT;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) {
        List<ArtifactRef> out = new ArrayList<>();
        for (ArtifactRef r : entries.values()) {
            if (pattern.matches(r)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        if (DUMPSTATE_ID.equals(id)) {
            return dumpstate();
        }
        return Optional.ofNullable(entries.get(id));
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        entries.values().forEach(consumer);
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return entries.containsKey(ref.relativePath());
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        String name = known(ref);
        if (streamed != null) {
            return bounded(streamed.open(name), MAX_ENTRY_BYTES, root + "!" + name);
        }
        if (zip != null) {
            return bounded(zip.getInputStream(zipEntries.get(name)), MAX_ENTRY_BYTES, root + "!" + name);
        }
        return bounded(Files.newInputStream(inFolder(name), LinkOption.NOFOLLOW_LINKS), MAX_ENTRY_BYTES,
                root.resolve(name).toString());
    }

    /** An entry's stream, capped at {@code max} bytes. */
    static InputStream bounded(InputStream in, long max, String name) {
        return new CappedInputStream(in, max, name + ": entry larger than " + max + " bytes; not read further");
    }

    private String known(ArtifactRef ref) throws IOException {
        String name = ref.relativePath();
        if (!entries.containsKey(name)) {
            throw new java.nio.file.NoSuchFileException(root + ": no entry " + name);
        }
        return name;
    }

    /** The folder file for an entry, refusing any path that resolves (through links) outside. */
    private Path inFolder(String name) throws IOException {
        Path file = root.resolve(name).normalize();
        Path real = file.toRealPath();
        if (!file.startsWith(root) || !real.startsWith(root.toRealPath())) {
            throw new IOException(root + ": " + name + " resolves outside the bug report");
        }
        return real;
    }

    @Override
    public synchronized Path localFile(ArtifactRef ref) throws IOException {
        String name = known(ref);
        if (streamed != null) {
            throw new IOException(root + "!" + name + ": read from memory (encrypted acquisition); never written to"
                    + " disk");
        }
        if (zip == null) {
            return inFolder(name);
        }
        Path done = extracted.get(name);
        if (done != null) {
            return done;
        }
        if (workspace == null) {
            workspace = Files.createTempDirectory("vigil-bugreport-");
        }
        Path target = workspace.resolve("e" + extracted.size() + "-" + baseName(name));
        long size;
        try (InputStream in = open(ref)) {
            size = Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        extractedBytes += size;
        if (extractedBytes > MAX_TOTAL_BYTES) {
            Files.deleteIfExists(target);
            throw new IOException(root + ": more than " + MAX_TOTAL_BYTES + " bytes extracted; refusing " + name);
        }
        extracted.put(name, target);
        return target;
    }

    private static String baseName(String name) {
        String base = name.substring(name.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return base.length() > 100 ? base.substring(0, 100) : base;
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        ArtifactRef r = entries.get(relativePath);
        if (r == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(localFile(r));
        } catch (IOException e) {
            LOG.warn("{}: cannot read {}: {}", root, relativePath, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public DeviceInfo deviceInfo() {
        return DeviceInfo.empty();
    }

    @Override
    public List<Path> inputFiles() {
        if (zip != null || streamed != null) {
            return List.of(root);
        }
        List<Path> files = new ArrayList<>();
        for (String name : entries.keySet()) {
            files.add(root.resolve(name));
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            if (zip != null) {
                zip.close();
            }
        } finally {
            if (workspace != null) {
                try (Stream<Path> walk = Files.walk(workspace)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                workspace = null;
                extracted.clear();
            }
        }
    }
}
