package org.vigil.source.android;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
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
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;

/**
 * An androidqf acquisition, a folder or a {@code .zip}, read in place.
 *
 * <p><b>File names</b> are MVT's, so that MVT's patterns ({@code *}{@code /packages.json}, where
 * {@code *} also matches {@code /}) find the same files: for a folder, paths relative to the
 * folder's <em>parent</em> ({@code androidqf/packages.json}), in sorted order; for a zip, the entry
 * names in the archive's order ({@code androidqfzip/getprop.txt}; a file at the root of a zip,
 * {@code getprop.txt}, does not match {@code *}{@code /getprop.txt}, as in MVT). Each
 * {@link ArtifactRef} has the name as id and relative path and an empty domain.
 *
 * <p><b>Hostile input</b>: a zip is read with {@link ZipFile} in place; entries whose name is
 * absolute, has a drive letter, a backslash, a NUL or a {@code ..} segment are left out of the file
 * list (logged), so they can never be read or extracted. Reading an entry is capped
 * ({@value #DEFAULT_MAX_ENTRY_BYTES} bytes by default, whatever size the entry claims); the few
 * entries that must be plain files ({@link #localFile}) are extracted under generated names into a
 * private temporary folder, within a total cap, and deleted by {@link #close()}. In a folder,
 * symbolic links are not followed nor listed, and a file is read only when its real path is inside
 * the acquisition folder. Nothing is ever written under the input path.
 *
 * <p><b>Context</b>: the device time zone from {@code persist.sys.timezone} in the first
 * {@code getprop.txt}; the acquisition context ({@link AcquisitionContext}) from the first
 * {@code acquisition.json} ({@code started}, {@code adb_host_public_key}), else from
 * {@code adb_host_key.pub}. Both go to {@link #deviceInfo()} (thus to info.json).
 */
public final class AndroidQfSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(AndroidQfSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Default cap on the bytes read from one file or zip entry: 512 MiB. */
    public static final long DEFAULT_MAX_ENTRY_BYTES = 512L << 20;
    /** Default cap on the bytes extracted from a zip into the temporary folder: 2 GiB. */
    public static final long DEFAULT_MAX_EXTRACTED_BYTES = 2L << 30;
    /** Cap on the small context files (getprop.txt, acquisition.json, adb_host_key.pub): 16 MiB. */
    static final long MAX_CONTEXT_BYTES = 16L << 20;
    /** Deepest folder level listed. */
    static final int MAX_DEPTH = 64;

    /** {@link DeviceInfo} key: the device's IANA time zone ({@code persist.sys.timezone}). */
    public static final String DEVICE_TIMEZONE = "Device Timezone";
    /** {@link DeviceInfo} key: when androidqf started the acquisition ({@code acquisition.json}). */
    public static final String ACQUISITION_STARTED = "Acquisition Started";

    /** getprop properties copied to {@link DeviceInfo} (no serial number, no SIM data). */
    private static final Map<String, String> DEVICE_PROPS = Map.of(
            "ro.product.manufacturer", "Manufacturer",
            "ro.product.model", "Model",
            "ro.build.version.release", "Android Version",
            "ro.build.version.sdk", "SDK Version",
            "ro.build.version.security_patch", "Security Patch",
            "ro.build.fingerprint", "Build Fingerprint");

    /**
     * The acquisition context MVT passes to nested modules (e.g. the bug report's ADB state
     * check).
     *
     * @param started {@code started} of acquisition.json, or null
     * @param adbHostPublicKey {@code adb_host_public_key} of acquisition.json, or the content of
     *     adb_host_key.pub as it is (trailing newline kept), or null
     */
    public record AcquisitionContext(String started, String adbHostPublicKey) {}

    private final Path root;
    private final Path realRoot;
    private final ZipFile zip;
    /** The zip's content held in memory (an age-encrypted acquisition), else null. */
    private final MemoryZip memory;
    private final Map<String, ArtifactRef> refs;
    private final Map<String, ZipEntry> entries;
    private final long maxEntryBytes;
    private final long maxExtractedBytes;
    private final Map<String, Path> extracted = new LinkedHashMap<>();
    private Path workspace;
    private long extractedBytes;
    private DeviceInfo deviceInfo = DeviceInfo.empty();
    private ZoneId deviceZone;
    private AcquisitionContext context;

    private AndroidQfSource(Path root, Path realRoot, ZipFile zip, Map<String, ArtifactRef> refs,
            Map<String, ZipEntry> entries, long maxEntryBytes, long maxExtractedBytes) {
        this(root, realRoot, zip, null, refs, entries, maxEntryBytes, maxExtractedBytes);
    }

    private AndroidQfSource(Path root, Path realRoot, ZipFile zip, MemoryZip memory, Map<String, ArtifactRef> refs,
            Map<String, ZipEntry> entries, long maxEntryBytes, long maxExtractedBytes) {
        this.root = root;
        this.realRoot = realRoot;
        this.zip = zip;
        this.memory = memory;
        this.refs = refs;
        this.entries = entries;
        this.maxEntryBytes = maxEntryBytes;
        this.maxExtractedBytes = maxExtractedBytes;
    }

    /**
     * Opens the androidqf acquisition folder or zip at {@code path}.
     *
     * @throws ArtifactNotFoundException when the path does not exist
     * @throws CorruptArtifactException when a file is not a readable zip archive
     */
    public static AndroidQfSource open(Path path) throws VigilException, IOException {
        return open(path, DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_EXTRACTED_BYTES);
    }

    /** Opens with explicit caps (per file read, total extracted). */
    public static AndroidQfSource open(Path path, long maxEntryBytes, long maxExtractedBytes)
            throws VigilException, IOException {
        Path p = path.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        AndroidQfSource s = Files.isDirectory(p) ? openFolder(p, maxEntryBytes, maxExtractedBytes)
                : openZip(p, maxEntryBytes, maxExtractedBytes);
        try {
            s.readContext();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.info("Opened androidqf acquisition {} ({} files{})", p, s.refs.size(),
                s.zip != null ? ", zip" : "");
        return s;
    }

    /**
     * An androidqf zip whose content is held in memory ({@link AgeAcquisition}): the same file
     * names, order, times and context as the zip read in place; nothing is ever extracted to disk
     * ({@link #localFile} refuses).
     *
     * @param path the acquisition file (for messages and info.json)
     */
    public static AndroidQfSource openInMemory(Path path, MemoryZip content) throws IOException {
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        for (MemoryZip.Entry me : content.entries()) {
            ZipEntry e = me.entry();
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
            refs.put(name, new ArtifactRef(name, "", name, new FileMeta(me.size(), -1, -1, null,
                    extendedModifiedTime(e.getExtra()), null)));
        }
        AndroidQfSource s = new AndroidQfSource(path, path, null, content, refs, entries, DEFAULT_MAX_ENTRY_BYTES, 0);
        s.readContext();
        return s;
    }

    private static AndroidQfSource openFolder(Path p, long maxEntry, long maxExtracted) throws IOException {
        Path real = p.toRealPath();
        String top = p.getFileName() == null ? "" : p.getFileName().toString();
        List<String> names = new ArrayList<>();
        Map<String, FileMeta> metas = new LinkedHashMap<>();
        Files.walkFileTree(real, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isSymbolicLink()) {
                    LOG.warn("{}: symbolic link not followed", file);
                    return FileVisitResult.CONTINUE;
                }
                if (!attrs.isRegularFile()) {
                    return FileVisitResult.CONTINUE;
                }
                StringBuilder rel = new StringBuilder(top);
                for (Path part : real.relativize(file)) {
                    if (!rel.isEmpty()) {
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
        return new AndroidQfSource(p, real, null, refs, Map.of(), maxEntry, maxExtracted);
    }

    private static AndroidQfSource openZip(Path p, long maxEntry, long maxExtracted) throws VigilException,
            IOException {
        ZipFile zf;
        try {
            zf = new ZipFile(p.toFile());
        } catch (ZipException e) {
            throw new CorruptArtifactException(p + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
        try {
            Map<String, ArtifactRef> refs = new LinkedHashMap<>();
            Map<String, ZipEntry> entries = new LinkedHashMap<>();
            var en = zf.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                if (e.isDirectory()) {
                    continue;
                }
                if (!isSafeEntryName(name)) {
                    LOG.warn("{}: skipping unsafe zip entry name \"{}\"", p, name);
                    continue;
                }
                if (entries.containsKey(name)) {
                    LOG.warn("{}: duplicate zip entry \"{}\", the first one is used", p, name);
                    continue;
                }
                Long mtime = extendedModifiedTime(e.getExtra());
                entries.put(name, e);
                refs.put(name, new ArtifactRef(name, "", name, new FileMeta(e.getSize(), -1, -1, null, mtime, null)));
            }
            return new AndroidQfSource(p, p, zf, refs, entries, maxEntry, maxExtracted);
        } catch (RuntimeException e) {
            zf.close();
            throw new CorruptArtifactException(p + ": unreadable zip archive (" + e.getMessage() + ")", e);
        }
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

    private void readContext() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        Optional<ArtifactRef> getprop = first("*/getprop.txt");
        if (getprop.isPresent()) {
            List<GetPropText.Property> properties = GetPropText.parse(readText(getprop.get(), MAX_CONTEXT_BYTES));
            String tz = GetPropText.value(properties, GetPropText.TIMEZONE_PROPERTY);
            if (tz != null) {
                try {
                    deviceZone = ZoneId.of(tz.strip());
                    props.put(DEVICE_TIMEZONE, deviceZone.getId());
                    LOG.debug("Identified local phone timezone: {}", tz);
                } catch (DateTimeException e) {
                    LOG.warn("{}: unknown device time zone \"{}\": device-local times use UTC", getprop.get().id(), tz);
                }
            }
            for (Map.Entry<String, String> e : DEVICE_PROPS.entrySet()) {
                String v = GetPropText.value(properties, e.getKey());
                if (v != null) {
                    props.put(e.getValue(), v);
                }
            }
        }
        if (deviceZone == null) {
            LOG.warn("Could not find or determine local device timezone: device-local times are in UTC");
        }
        Optional<ArtifactRef> acq = firstNamed("acquisition.json");
        if (acq.isPresent()) {
            String text = readText(acq.get(), MAX_CONTEXT_BYTES);
            try {
                JsonNode n = JSON.readTree(text);
                context = new AcquisitionContext(textOrNull(n, "started"), textOrNull(n, "adb_host_public_key"));
            } catch (IOException e) {
                LOG.warn("{}: not valid JSON ({}): no acquisition context", acq.get().id(), e.getMessage());
            }
        } else {
            Optional<ArtifactRef> pub = firstNamed("adb_host_key.pub");
            if (pub.isPresent()) {
                context = new AcquisitionContext(null, readText(pub.get(), MAX_CONTEXT_BYTES));
            }
        }
        if (context != null && context.started() != null) {
            props.put(ACQUISITION_STARTED, context.started());
        }
        deviceInfo = new DeviceInfo(props);
    }

    private static String textOrNull(JsonNode n, String key) {
        JsonNode v = n == null ? null : n.get(key);
        return v == null || v.isNull() ? null : v.isTextual() ? v.asText() : v.toString();
    }

    private Optional<ArtifactRef> first(String pattern) {
        for (ArtifactRef r : refs.values()) {
            if (ArtifactPattern.globMatches(pattern, r.relativePath())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private Optional<ArtifactRef> firstNamed(String baseName) {
        for (ArtifactRef r : refs.values()) {
            String n = r.relativePath();
            if (n.equals(baseName) || n.endsWith("/" + baseName)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** Reads a whole file as UTF-8 (malformed bytes replaced), refusing more than {@code cap} bytes. */
    public String readText(ArtifactRef ref, long cap) throws IOException {
        return new String(readBytes(ref, cap), StandardCharsets.UTF_8);
    }

    /** Reads a whole file, refusing more than {@code cap} bytes (and more than the source's cap). */
    public byte[] readBytes(ArtifactRef ref, long cap) throws IOException {
        long limit = Math.min(cap, maxEntryBytes);
        try (InputStream in = open(ref, limit)) {
            return in.readAllBytes();
        }
    }

    /** The device's time zone, from {@code persist.sys.timezone}, if known and valid. */
    public Optional<ZoneId> deviceZone() {
        return Optional.ofNullable(deviceZone);
    }

    /** The acquisition context (acquisition.json, else adb_host_key.pub), if any. */
    public Optional<AcquisitionContext> acquisitionContext() {
        return Optional.ofNullable(context);
    }

    /** True when the acquisition is a zip archive. */
    public boolean isZip() {
        return zip != null || memory != null;
    }

    /** True when the zip's content is held in memory (an age-encrypted acquisition): no local files. */
    public boolean isInMemory() {
        return memory != null;
    }

    /** Every file name, in the source's order (folder: sorted; zip: archive order). */
    public List<String> fileNames() {
        return List.copyOf(refs.keySet());
    }

    /**
     * The modification time of a file as a device-local wall-clock time: for a folder, the file's
     * mtime in the device's zone (UTC when unknown); for a zip entry, its extended (UTC) timestamp in
     * the device's zone when recorded, else the entry's DOS date-time as it is (DOS times carry no
     * zone: they are the wall clock of the machine that wrote the zip).
     */
    public Optional<LocalDateTime> modifiedLocal(ArtifactRef ref) {
        ZoneId zone = deviceZone == null ? ZoneOffset.UTC : deviceZone;
        if (zip != null || memory != null) {
            ZipEntry e = entries.get(ref.id());
            if (e == null) {
                return Optional.empty();
            }
            Long ext = extendedModifiedTime(e.getExtra());
            if (ext != null) {
                return Optional.of(LocalDateTime.ofInstant(Instant.ofEpochSecond(ext), zone));
            }
            return e.getTime() == -1 ? Optional.empty() : Optional.ofNullable(e.getTimeLocal());
        }
        Long m = ref.meta().modified();
        return m == null ? Optional.empty() : Optional.of(LocalDateTime.ofInstant(Instant.ofEpochSecond(m), zone));
    }

    @Override
    public SourceKind kind() {
        return SourceKind.ANDROID_QF;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) {
        List<ArtifactRef> out = new ArrayList<>();
        for (ArtifactRef r : refs.values()) {
            if (pattern.matches(r)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        return Optional.ofNullable(refs.get(id));
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        refs.values().forEach(consumer);
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return refs.containsKey(ref.id());
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        return open(ref, maxEntryBytes);
    }

    private InputStream open(ArtifactRef ref, long limit) throws IOException {
        String name = ref.id();
        if (!refs.containsKey(name)) {
            throw new java.nio.file.NoSuchFileException(root + ": no file " + name);
        }
        if (memory != null) {
            return capped(memory.open(name), limit, root + "!" + name);
        }
        if (zip != null) {
            ZipEntry e = entries.get(name);
            if (e.getSize() > limit) {
                throw new IOException(root + "!" + name + ": entry of " + e.getSize() + " bytes exceeds the cap of "
                        + limit + " bytes");
            }
            return capped(zip.getInputStream(e), limit, root + "!" + name);
        }
        Path file = folderFile(name);
        return capped(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), limit, file.toString());
    }

    private static InputStream capped(InputStream in, long limit, String name) {
        return new CappedInputStream(in, limit, name + ": more than " + limit + " bytes; refused (size cap)");
    }

    /** The file of a folder acquisition, checked to be inside it (no symlink escape). */
    private Path folderFile(String name) throws IOException {
        int slash = name.indexOf('/');
        String rel = root.getFileName() == null ? name : slash < 0 ? "" : name.substring(slash + 1);
        Path file = realRoot.resolve(rel).normalize();
        Path real = file.toRealPath();
        if (!real.startsWith(realRoot) || Files.isSymbolicLink(file)) {
            throw new IOException(file + ": resolves outside the acquisition folder; refused");
        }
        return real;
    }

    @Override
    public synchronized Path localFile(ArtifactRef ref) throws IOException {
        if (memory != null) {
            throw new IOException(root + "!" + ref.id() + ": the acquisition is age-encrypted and read in memory;"
                    + " its files are never written to disk");
        }
        if (zip == null) {
            if (!refs.containsKey(ref.id())) {
                throw new java.nio.file.NoSuchFileException(root + ": no file " + ref.id());
            }
            return folderFile(ref.id());
        }
        Path done = extracted.get(ref.id());
        if (done != null) {
            return done;
        }
        if (workspace == null) {
            workspace = Files.createTempDirectory("vigil-androidqf-");
        }
        String base = ref.id().substring(ref.id().lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        Path target = workspace.resolve(extracted.size() + "-" + (base.isEmpty() ? "entry" : base));
        long room = Math.min(maxEntryBytes, maxExtractedBytes - extractedBytes);
        if (room <= 0) {
            throw new IOException(root + ": extraction cap of " + maxExtractedBytes + " bytes reached; "
                    + ref.id() + " not extracted");
        }
        long n;
        try (InputStream in = open(ref, room);
                OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            n = in.transferTo(out);
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        extractedBytes += n;
        extracted.put(ref.id(), target);
        return target;
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        if (zip != null || memory != null) {
            return Optional.empty();
        }
        Path f = realRoot.resolve(relativePath).normalize();
        return f.startsWith(realRoot) && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Optional.of(f)
                : Optional.empty();
    }

    @Override
    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    @Override
    public List<Path> inputFiles() throws IOException {
        if (zip != null || memory != null) {
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

    /** The temporary folder of extracted entries, or null before any extraction (tests). */
    Path workspace() {
        return workspace;
    }
}
