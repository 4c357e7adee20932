package org.vigil.source.android;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
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
    /** Most files listed. */
    static final int MAX_FILES = 2_000_000;

    /** {@link DeviceInfo} key: the device's IANA time zone ({@code persist.sys.timezone}). */
    public static final String DEVICE_TIMEZONE = "Device Timezone";
    /** {@link DeviceInfo} key: when androidqf started the acquisition ({@code acquisition.json}). */
    public static final String ACQUISITION_STARTED = "Acquisition Started";

    /** getprop properties copied to {@link DeviceInfo} (no serial number, no SIM data). */
    static final Map<String, String> DEVICE_PROPS = Map.of(
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
    private final ZipOrFolder files;
    private DeviceInfo deviceInfo = DeviceInfo.empty();
    private ZoneId deviceZone;
    private AcquisitionContext context;

    private AndroidQfSource(Path root, ZipOrFolder files) {
        this.root = root;
        this.files = files;
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
        ZipOrFolder files;
        try {
            files = ZipOrFolder.open(p, new ZipOrFolder.Options(ZipOrFolder.Names.RELATIVE_TO_PARENT,
                    ZipOrFolder.ZipTimes.EXTENDED_UTC, maxEntryBytes, maxExtractedBytes, MAX_FILES,
                    "vigil-androidqf-"));
        } catch (ZipException e) {
            throw new CorruptArtifactException(p + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
        AndroidQfSource s = new AndroidQfSource(p, files);
        try {
            s.readContext();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.info("Opened androidqf acquisition {} ({} files{})", p, files.refs().size(),
                files.isZip() ? ", zip" : "");
        return s;
    }

    /** True for a relative entry name without {@code ..}, drive letter, backslash or NUL. */
    static boolean isSafeEntryName(String name) {
        return ZipOrFolder.isSafeEntryName(name);
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
        for (ArtifactRef r : files.refs().values()) {
            if (ArtifactPattern.globMatches(pattern, r.relativePath())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private Optional<ArtifactRef> firstNamed(String baseName) {
        for (ArtifactRef r : files.refs().values()) {
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
        try (InputStream in = files.open(ref.id(), cap)) {
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
        return files.isZip();
    }

    /** Every file name, in the source's order (folder: sorted; zip: archive order). */
    public List<String> fileNames() {
        return List.copyOf(files.refs().keySet());
    }

    /**
     * The modification time of a file as a device-local wall-clock time: for a folder, the file's
     * mtime in the device's zone (UTC when unknown); for a zip entry, its extended (UTC) timestamp in
     * the device's zone when recorded, else the entry's DOS date-time as it is (DOS times carry no
     * zone: they are the wall clock of the machine that wrote the zip).
     */
    public Optional<LocalDateTime> modifiedLocal(ArtifactRef ref) {
        ZoneId zone = deviceZone == null ? ZoneOffset.UTC : deviceZone;
        if (files.isZip()) {
            ZipEntry e = files.zipEntry(ref.id());
            if (e == null) {
                return Optional.empty();
            }
            Long ext = ZipOrFolder.extendedModifiedTime(e.getExtra());
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
        return files.find(pattern);
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        return Optional.ofNullable(files.refs().get(id));
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        files.refs().values().forEach(consumer);
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return files.refs().containsKey(ref.id());
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        return files.open(ref.id());
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        return files.localFile(ref.id());
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        return Optional.ofNullable(files.folderRootFile(relativePath));
    }

    @Override
    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    @Override
    public List<Path> inputFiles() {
        return files.inputFiles();
    }

    @Override
    public void close() throws IOException {
        files.close();
    }

    /** The temporary folder of extracted entries, or null before any extraction (tests). */
    Path workspace() {
        return files.workspace();
    }
}
