package org.vigil.source.android;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
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
    private static final int MAX_MAIN_ENTRY_BYTES = 4096;
    /** Most lines read from the SYSTEM PROPERTIES block for {@link #deviceInfo()}. */
    static final int MAX_PROPERTY_LINES = 100_000;

    private final Path root;
    private final ZipOrFolder files;
    private final Map<String, ArtifactRef> entries;
    private final ArtifactRef dumpstate;
    private DeviceInfo deviceInfo;

    private BugreportSource(Path root, ZipOrFolder files) throws IOException {
        this.root = root;
        this.files = files;
        this.entries = files.refs();
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
        if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
            throw new ArtifactNotFoundException(p + ": no such file or directory");
        }
        ZipOrFolder files;
        try {
            files = ZipOrFolder.open(p, new ZipOrFolder.Options(ZipOrFolder.Names.RELATIVE_TO_ROOT,
                    ZipOrFolder.ZipTimes.DOS_WALL_CLOCK, MAX_ENTRY_BYTES, MAX_TOTAL_BYTES, MAX_ENTRIES,
                    "vigil-bugreport-"));
        } catch (ZipException e) {
            throw new CorruptArtifactException("Invalid bugreport archive: " + p + ": " + e.getMessage(), e);
        }
        try {
            return new BugreportSource(p, files);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /** True for a relative name with no {@code ..}, absolute or drive part, backslash or NUL. */
    static boolean isSafeName(String name) {
        return ZipOrFolder.isSafeEntryName(name);
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
        return files.isZip();
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
        return files.find(pattern);
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
        return files.open(ref.relativePath());
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        return files.localFile(ref.relativePath());
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

    /**
     * The device's time zone ({@value AndroidQfSource#DEVICE_TIMEZONE}, from
     * {@code persist.sys.timezone}) and model, Android version and patch level, read once from the
     * dumpstate's {@code SYSTEM PROPERTIES} block (at most {@value #MAX_PROPERTY_LINES} lines);
     * empty when the bug report has no such block.
     */
    @Override
    public synchronized DeviceInfo deviceInfo() {
        if (deviceInfo == null) {
            deviceInfo = readDeviceInfo();
        }
        return deviceInfo;
    }

    /** The next line, cut at 64 Ki characters (a hostile file may have one huge line), or null. */
    private static String boundedLine(java.io.Reader r) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        boolean any = false;
        while ((c = r.read()) >= 0) {
            any = true;
            if (c == '\n') {
                break;
            }
            if (sb.length() < 65536 && c != '\r') {
                sb.append((char) c);
            }
        }
        return any ? sb.toString() : null;
    }

    private DeviceInfo readDeviceInfo() {
        if (dumpstate == null) {
            return DeviceInfo.empty();
        }
        StringBuilder block = new StringBuilder();
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(open(dumpstate),
                StandardCharsets.UTF_8))) {
            String line;
            boolean in = false;
            int n = 0;
            while ((line = boundedLine(r)) != null) {
                if (!in) {
                    in = line.startsWith("------ SYSTEM PROPERTIES");
                    continue;
                }
                if (line.startsWith("------") || ++n > MAX_PROPERTY_LINES) {
                    break;
                }
                block.append(line).append('\n');
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot read the system properties: {}", dumpstate.displayName(), e.getMessage());
            return DeviceInfo.empty();
        }
        List<GetPropText.Property> props = GetPropText.parse(block.toString());
        Map<String, String> info = new java.util.TreeMap<>();
        String tz = GetPropText.value(props, GetPropText.TIMEZONE_PROPERTY);
        if (tz != null) {
            try {
                info.put(AndroidQfSource.DEVICE_TIMEZONE, java.time.ZoneId.of(tz.strip()).getId());
            } catch (java.time.DateTimeException e) {
                LOG.warn("{}: unknown device time zone \"{}\"", dumpstate.displayName(), tz);
            }
        }
        AndroidQfSource.DEVICE_PROPS.forEach((prop, key) -> {
            String v = GetPropText.value(props, prop);
            if (v != null) {
                info.put(key, v);
            }
        });
        return new DeviceInfo(info);
    }

    @Override
    public List<Path> inputFiles() {
        return files.inputFiles();
    }

    @Override
    public void close() throws IOException {
        files.close();
    }
}
