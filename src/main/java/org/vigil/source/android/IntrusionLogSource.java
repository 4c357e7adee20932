package org.vigil.source.android;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
import org.vigil.source.SourceKind;

/**
 * Android intrusion logs (Android 16's "Intrusion Logging", as androidqf saves them under
 * {@code intrusion_logs/}): a folder whose {@code .txt} files (recursively) or a {@code .zip} whose
 * {@code .txt} entries hold JSON lines, one event per line, {@code {"<event_type>": {...}}}.
 *
 * <p>Everything is parsed <b>once</b>, when the source is opened, into events bucketed by
 * top-level type ({@link #events(String)}), in file order (sorted paths for a folder, archive order
 * for a zip), deduplicated by canonical JSON (keys sorted) across files: the first occurrence
 * wins. A line that is not a JSON object whose values are objects is <b>malformed</b>: it is
 * counted ({@link #malformedLines()}) and reported as a warning naming the file and the count; the
 * rest of the file is still read. Top-level types other than {@code dns_event},
 * {@code connect_event} and {@code security_event} are kept and warned about.
 *
 * <p><b>Hostile input</b>: a zip is read in place with {@link ZipFile}; entries with an absolute
 * name, a drive letter, a backslash, a NUL or a {@code ..} segment are refused (logged) and never
 * read. Each file or entry is read up to {@value #DEFAULT_MAX_FILE_BYTES} bytes whatever size it
 * claims, all of them up to {@link #DEFAULT_MAX_TOTAL_BYTES}; longer input is refused with an
 * {@link IOException} naming the file. Folders are walked without following symbolic links, at
 * most {@value #MAX_DEPTH} levels deep. Zips inside the folder or the zip are walked as MVT does,
 * as streams (never extracted), up to {@value #MAX_NESTING} levels, with the same checks and caps.
 *
 * <p><b>Time zone</b>: the device zone is UTC ({@link #DEVICE_TIMEZONE} in {@link #deviceInfo()})
 * unless {@link #withDeviceZone} sets another (check-intrusion-logs' {@code --timezone}, or
 * androidqf's {@code persist.sys.timezone} when the logs are nested in an androidqf acquisition).
 */
public final class IntrusionLogSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(IntrusionLogSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** The event types MVT's modules read. */
    public static final Set<String> KNOWN_TYPES = Set.of("dns_event", "connect_event", "security_event");
    /** Default cap on one file or zip entry: 512 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20;
    /** Default cap on all files together: 2 GiB. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 2L << 30;
    /** Deepest folder level walked. */
    static final int MAX_DEPTH = 32;
    /** Deepest nesting of zips inside the logs. */
    static final int MAX_NESTING = 3;
    /** Longest line parsed (longer lines are malformed). */
    static final int MAX_LINE_CHARS = 16 << 20;
    /** {@link DeviceInfo} key: the device time zone used for timestamps. */
    public static final String DEVICE_TIMEZONE = AndroidQfSource.DEVICE_TIMEZONE;

    private final Path root;
    private final SourceKind kind = SourceKind.ANDROID_INTRUSION_LOGS;
    private final List<ArtifactRef> files;
    private final Map<String, List<ObjectNode>> buckets;
    private final Map<String, Integer> malformed;
    private final Set<String> unknownTypes;
    private final List<Path> inputFiles;
    private java.time.ZoneId zone = java.time.ZoneOffset.UTC;

    private IntrusionLogSource(Path root, List<ArtifactRef> files, Map<String, List<ObjectNode>> buckets,
            Map<String, Integer> malformed, Set<String> unknownTypes, List<Path> inputFiles) {
        this.root = root;
        this.files = List.copyOf(files);
        this.buckets = buckets;
        this.malformed = Collections.unmodifiableMap(malformed);
        this.unknownTypes = Collections.unmodifiableSet(unknownTypes);
        this.inputFiles = List.copyOf(inputFiles);
    }

    /** Opens and parses the folder or zip at {@code path} with the default caps. */
    public static IntrusionLogSource open(Path path) throws VigilException, IOException {
        return open(path, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES);
    }

    /**
     * Opens and parses the folder or zip at {@code path}.
     *
     * @throws ArtifactNotFoundException when the path does not exist
     * @throws CorruptArtifactException when a regular file is not a readable zip archive
     */
    public static IntrusionLogSource open(Path path, long maxFileBytes, long maxTotalBytes)
            throws VigilException, IOException {
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        Loader loader = new Loader(maxFileBytes, maxTotalBytes);
        List<ArtifactRef> refs = new ArrayList<>();
        List<Path> inputs = new ArrayList<>();
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            for (Path f : txtFiles(p)) {
                String name = p.relativize(f).toString().replace('\\', '/');
                inputs.add(f);
                try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                    if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
                        loader.loadNestedZip(name, in, 1, refs);
                    } else {
                        refs.add(new ArtifactRef(name, "", name, null));
                        loader.load(name, in);
                    }
                }
            }
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            inputs.add(p);
            try (ZipFile zf = new ZipFile(p.toFile())) {
                Enumeration<? extends ZipEntry> en = zf.entries();
                while (en.hasMoreElements()) {
                    ZipEntry e = en.nextElement();
                    String name = e.getName();
                    if (e.isDirectory()) {
                        continue;
                    }
                    if (!AndroidQfSource.isSafeEntryName(name)) {
                        LOG.warn("{}: skipping unsafe intrusion log archive entry \"{}\"", p, name);
                        continue;
                    }
                    if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
                        try (InputStream in = zf.getInputStream(e)) {
                            loader.loadNestedZip(name, in, 1, refs);
                        }
                        continue;
                    }
                    if (!name.toLowerCase(Locale.ROOT).endsWith(".txt")) {
                        continue;
                    }
                    refs.add(new ArtifactRef(name, "", name, null));
                    try (InputStream in = zf.getInputStream(e)) {
                        loader.load(name, in);
                    }
                }
            } catch (ZipException e) {
                throw new CorruptArtifactException(p + ": not a folder nor a readable zip archive ("
                        + e.getMessage() + ")", e);
            }
        } else {
            throw new ArtifactNotFoundException(p + ": not a folder nor a regular file");
        }
        IntrusionLogSource s = new IntrusionLogSource(p, refs, loader.buckets, loader.malformed,
                loader.unknownTypes(), inputs);
        s.logSummary();
        return s;
    }

    /**
     * Parses intrusion logs held inside another acquisition (androidqf's {@code intrusion_logs/}),
     * read in place through {@code parent} (never extracted): {@code .txt} files are loaded,
     * {@code .zip} files walked as streams, other files ignored; names are the parent's. The
     * default caps apply; the source's root is the parent's.
     */
    public static IntrusionLogSource open(AcquisitionSource parent, List<ArtifactRef> logFiles) throws IOException {
        Loader loader = new Loader(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOTAL_BYTES);
        List<ArtifactRef> refs = new ArrayList<>();
        List<ArtifactRef> sorted = new ArrayList<>(logFiles);
        sorted.sort(java.util.Comparator.comparing(ArtifactRef::relativePath));
        for (ArtifactRef f : sorted) {
            String name = f.relativePath();
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.endsWith(".txt") && !lower.endsWith(".zip")) {
                continue;
            }
            if (!AndroidQfSource.isSafeEntryName(name)) {
                LOG.warn("Skipping unsafe intrusion log archive entry \"{}\"", name);
                continue;
            }
            try (InputStream in = parent.open(f)) {
                if (lower.endsWith(".zip")) {
                    loader.loadNestedZip(name, in, 1, refs);
                } else {
                    refs.add(f);
                    loader.load(name, in);
                }
            }
        }
        IntrusionLogSource s = new IntrusionLogSource(parent.root(), refs, loader.buckets, loader.malformed,
                loader.unknownTypes(), List.of());
        s.logSummary();
        return s;
    }

    private static List<Path> txtFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
                if (attrs.isRegularFile() && (n.endsWith(".txt") || n.endsWith(".zip"))) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                LOG.warn("{}: not readable ({})", file, exc.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(out);
        return out;
    }

    private void logSummary() {
        int total = buckets.values().stream().mapToInt(List::size).sum();
        LOG.info("Loaded {} unique intrusion logging event(s) from {} file(s) in {}", total, files.size(), root);
        malformed.forEach((file, n) -> LOG.warn("{}: {} malformed intrusion log line(s) skipped", file, n));
        if (!unknownTypes.isEmpty()) {
            LOG.warn("Found unknown intrusion logging event type(s): {}. Please open an issue on GitHub so "
                    + "support can be added for them.", String.join(", ", unknownTypes));
        }
    }

    /** Line-by-line parser with caps, buckets and the dedupe set. */
    private static final class Loader {
        final long maxFile;
        final long maxTotal;
        long total;
        final Map<String, List<ObjectNode>> buckets = new LinkedHashMap<>();
        final Map<String, Integer> malformed = new LinkedHashMap<>();
        final Set<String> seen = new HashSet<>();

        Loader(long maxFile, long maxTotal) {
            this.maxFile = maxFile;
            this.maxTotal = maxTotal;
        }

        Set<String> unknownTypes() {
            Set<String> u = new TreeSet<>(buckets.keySet());
            u.removeAll(KNOWN_TYPES);
            return u;
        }

        void load(String name, InputStream raw) throws IOException {
            load(name, raw, false);
        }

        /** Parses (or, with {@code skip}, only reads and counts) one file. */
        void load(String name, InputStream raw, boolean skip) throws IOException {
            CountingStream in = new CountingStream(raw, name, maxFile, maxTotal - total);
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            int bad = 0;
            if (skip) {
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } finally {
                    total += in.count;
                }
                return;
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, decoder))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    if (!accept(line)) {
                        bad++;
                    }
                }
            } finally {
                total += in.count;
            }
            if (bad > 0) {
                malformed.merge(name, bad, Integer::sum);
            }
        }

        /**
         * A zip inside the logs (MVT walks them), read as a stream, never extracted: its safe
         * {@code .txt} entries are loaded as {@code outer!/entry}, its zips up to
         * {@value #MAX_NESTING} levels; the caps count the decompressed bytes.
         */
        void loadNestedZip(String name, InputStream raw, int level, List<ArtifactRef> refs) throws IOException {
            if (level > MAX_NESTING) {
                LOG.warn("{}: archive nested deeper than {} levels not read", name, MAX_NESTING);
                return;
            }
            CountingStream capped = new CountingStream(raw, name, maxFile, maxTotal - total);
            try {
                ZipInputStream z = new ZipInputStream(capped);
                ZipEntry e;
                while ((e = z.getNextEntry()) != null) {
                    String inner = e.getName();
                    String full = name + "!/" + inner;
                    String lower = inner.toLowerCase(Locale.ROOT);
                    InputStream entry = new java.io.FilterInputStream(z) {
                        @Override
                        public void close() {
                            // the entry ends at the next getNextEntry()
                        }
                    };
                    boolean wanted = !e.isDirectory() && (lower.endsWith(".txt") || lower.endsWith(".zip"));
                    if (wanted && !AndroidQfSource.isSafeEntryName(inner)) {
                        LOG.warn("{}: skipping unsafe intrusion log archive entry \"{}\"", name, inner);
                        wanted = false;
                    }
                    if (!wanted) {
                        // Skipped entries are still inflated to reach the next one: count them.
                        load(full, entry, true);
                    } else if (lower.endsWith(".zip")) {
                        loadNestedZip(full, entry, level + 1, refs);
                    } else {
                        refs.add(new ArtifactRef(full, "", full, null));
                        load(full, entry);
                    }
                }
            } catch (ZipException e) {
                LOG.warn("{}: not a readable zip archive ({}); skipped", name, e.getMessage());
            }
        }

        private boolean accept(String line) {
            if (line.length() > MAX_LINE_CHARS) {
                return false;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                return false;
            }
            if (n == null || !n.isObject() || n.isEmpty()) {
                return false;
            }
            for (var it = n.fields(); it.hasNext();) {
                if (!it.next().getValue().isObject()) {
                    return false;
                }
            }
            for (var it = n.fields(); it.hasNext();) {
                var f = it.next();
                ObjectNode ev = (ObjectNode) f.getValue();
                if (seen.add(f.getKey() + "\u0000" + canonical(ev))) {
                    buckets.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(ev);
                }
            }
            return true;
        }
    }

    /** JSON with object keys sorted at every level. */
    static String canonical(JsonNode n) {
        try {
            return CANONICAL.writeValueAsString(JSON.treeToValue(n, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts bytes and refuses input beyond the caps. */
    private static final class CountingStream extends java.io.FilterInputStream {
        final String name;
        final long cap;
        final long remainingTotal;
        long count;

        CountingStream(InputStream in, String name, long cap, long remainingTotal) {
            super(in);
            this.name = name;
            this.cap = cap;
            this.remainingTotal = remainingTotal;
        }

        private void add(long n) throws IOException {
            count += n;
            if (count > cap) {
                throw new IOException(name + ": larger than " + cap + " bytes; refused");
            }
            if (count > remainingTotal) {
                throw new IOException(name + ": intrusion logs larger than the total cap; refused");
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
        }
    }

    /**
     * The unique events of this top-level type (e.g. {@code dns_event}), in load order, as parsed:
     * modules copy them, they must not change them.
     */
    public List<ObjectNode> events(String type) {
        List<ObjectNode> l = buckets.get(type);
        return l == null ? List.of() : Collections.unmodifiableList(l);
    }

    /** The top-level types found, in first-seen order. */
    public Set<String> eventTypes() {
        return Collections.unmodifiableSet(buckets.keySet());
    }

    /** Top-level types not read by any module, sorted. */
    public Set<String> unknownTypes() {
        return unknownTypes;
    }

    /** Malformed (skipped) lines per file name, in load order. */
    public Map<String, Integer> malformedLines() {
        return malformed;
    }

    /** The total of malformed lines. */
    public int malformedLineCount() {
        return malformed.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The device time zone the modules give timestamps in: UTC unless {@link #withDeviceZone} set it. */
    public java.time.ZoneId deviceZone() {
        return zone;
    }

    /**
     * Sets the device time zone (e.g. androidqf's {@code persist.sys.timezone}, or a future
     * {@code --timezone}); timestamps become device local time, as MVT's. Returns this source.
     */
    public IntrusionLogSource withDeviceZone(java.time.ZoneId deviceZone) {
        this.zone = java.util.Objects.requireNonNull(deviceZone, "deviceZone");
        return this;
    }

    @Override
    public SourceKind kind() {
        return kind;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) {
        return files.stream().filter(pattern::matches).toList();
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        return files.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        files.forEach(consumer);
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return false;
    }

    /** Not supported: the logs are parsed when opened; modules use {@link #events(String)}. */
    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        throw new IOException(ref.displayName() + ": intrusion log files are read through events(type)");
    }

    /** Not supported: see {@link #open(ArtifactRef)}. */
    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        throw new IOException(ref.displayName() + ": intrusion log files are read through events(type)");
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        return Optional.empty();
    }

    @Override
    public DeviceInfo deviceInfo() {
        return new DeviceInfo(Map.of(DEVICE_TIMEZONE, zone.getId().equals("Z") ? "UTC" : zone.getId()));
    }

    @Override
    public List<Path> inputFiles() {
        return inputFiles;
    }

    @Override
    public void close() {
        // Nothing held open: everything was read when opened.
    }
}
