package org.vigil.source.android;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.CappedInputStream;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.BackupCredentials;
import org.vigil.source.DeviceInfo;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;
import org.vigil.source.UnrecognisedSourceException;

/**
 * An Android {@code adb backup}: an {@code .ab} file (plain, compressed and/or AES-256 encrypted,
 * see {@link AndroidBackup}) or a folder already unpacked (holding {@code apps/...}).
 *
 * <p>Artifacts are the regular files under {@value #TELEPHONY_DF} (the SMS/MMS backups of the
 * telephony provider), with their tar path as {@code relativePath} and {@code id}, domain "". From
 * an {@code .ab} file the tar is streamed (decrypted and inflated as read, never written whole);
 * only those members are written, each capped at {@value #MAX_ENTRY_BYTES} bytes and
 * {@value #MAX_EXTRACTED_BYTES} in all, into a private temporary folder deleted by
 * {@link #close()}. Members whose name is absolute, contains {@code ..}, a backslash or a
 * sub-folder below {@code d_f/}, and non-regular members (links, devices), are skipped with a
 * warning. In a folder, files are read in place; symbolic links and files resolving outside the
 * folder are ignored.
 */
public final class AndroidBackupSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(AndroidBackupSource.class);

    /** The folder of the telephony provider's SMS/MMS backups inside the tar. */
    public static final String TELEPHONY_DF = "apps/com.android.providers.telephony/d_f/";
    /** Cap of one extracted member. */
    public static final long MAX_ENTRY_BYTES = 512L * 1024 * 1024;
    /** Cap of all extracted members. */
    public static final long MAX_EXTRACTED_BYTES = 2L * 1024 * 1024 * 1024;
    /** Cap of the whole tar stream read from an .ab file (decompression bomb). */
    public static final long MAX_TAR_BYTES = 64L * 1024 * 1024 * 1024;

    /** Limits, overridable in tests. */
    record Limits(long entry, long extracted, long tar) {
        static final Limits DEFAULT = new Limits(MAX_ENTRY_BYTES, MAX_EXTRACTED_BYTES, MAX_TAR_BYTES);
    }

    private final Path root;
    private final boolean file;
    private final Path workspace;
    private final AndroidBackup.Header header;
    /** Artifact -> local plain file, in tar/listing order sorted by path. */
    private final Map<String, Entry> entries;

    private record Entry(ArtifactRef ref, Path local) {}

    private AndroidBackupSource(Path root, boolean file, Path workspace, AndroidBackup.Header header,
            Map<String, Entry> entries) {
        this.root = root;
        this.file = file;
        this.workspace = workspace;
        this.header = header;
        this.entries = entries;
    }

    /**
     * Opens an {@code .ab} file or an unpacked backup folder.
     *
     * @param credentials password (or 32-byte user key) of an encrypted .ab, else null
     * @throws CorruptArtifactException for a file that is not an .ab file ("Invalid backup
     *     format, file should be in .ab format"), a truncated zlib stream or tar, or too much data
     * @throws org.vigil.core.WrongPasswordException for a wrong password ("Invalid backup password")
     * @throws org.vigil.core.EncryptedSourceException for an encrypted file without credentials
     * @throws UnrecognisedSourceException for a folder without {@code apps/}
     */
    public static AndroidBackupSource open(Path path, BackupCredentials credentials) throws VigilException,
            IOException {
        return open(path, credentials, Limits.DEFAULT, org.vigil.core.Progress.none());
    }

    /**
     * As {@link #open(Path, BackupCredentials)}, reporting the reading of an {@code .ab} file to
     * {@code progress} (its bytes read, against its size).
     */
    public static AndroidBackupSource open(Path path, BackupCredentials credentials, org.vigil.core.Progress progress)
            throws VigilException, IOException {
        return open(path, credentials, Limits.DEFAULT, progress);
    }

    static AndroidBackupSource open(Path path, BackupCredentials credentials, Limits limits) throws VigilException,
            IOException {
        return open(path, credentials, limits, org.vigil.core.Progress.none());
    }

    static AndroidBackupSource open(Path path, BackupCredentials credentials, Limits limits,
            org.vigil.core.Progress progress) throws VigilException, IOException {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            return openFolder(p);
        }
        if (!Files.isRegularFile(p)) {
            throw new org.vigil.core.ArtifactNotFoundException(p + ": no such file or folder");
        }
        AndroidBackup.Header header = AndroidBackup.readHeader(p);
        Path ws = Files.createTempDirectory("vigil-android-backup-");
        try (org.vigil.core.Progress.Step step = progress.start("Reading " + p.getFileName(), Files.size(p),
                org.vigil.core.Progress.Unit.BYTES)) {
            Map<String, Entry> entries = extract(p, credentials, limits, ws, step);
            LOG.info("Opened Android backup {} (version {}, {}compressed, encryption {}): {} telephony files", p,
                    header.version(), Boolean.TRUE.equals(header.compression()) ? "" : "not ",
                    header.encryption(), entries.size());
            return new AndroidBackupSource(p, true, ws, header, entries);
        } catch (VigilException | IOException | RuntimeException e) {
            deleteTree(ws);
            throw e;
        }
    }

    /** The tar stream of {@code ab} read through {@code raw}; closes {@code raw} when that fails. */
    private static InputStream openTar(InputStream raw, Path ab, BackupCredentials credentials, Limits limits)
            throws VigilException, IOException {
        try {
            return AndroidBackup.openTar(raw, ab.toString(), credentials, limits.tar());
        } catch (VigilException | IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private static Map<String, Entry> extract(Path ab, BackupCredentials credentials, Limits limits, Path ws,
            org.vigil.core.Progress.Step step) throws VigilException, IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        long extracted = 0;
        InputStream raw = new org.vigil.io.ProgressInputStream(Files.newInputStream(ab), step);
        try (InputStream tar = openTar(raw, ab, credentials, limits);
                BoundedTar reader = new BoundedTar(tar)) {
            TarArchiveEntry e;
            while ((e = reader.next()) != null) {
                String name = e.getName();
                if (!name.startsWith(TELEPHONY_DF)) {
                    continue;
                }
                String base = name.substring(TELEPHONY_DF.length());
                if (e.isDirectory() && (base.isEmpty() || base.equals("/"))) {
                    continue;
                }
                if (!BoundedTar.isRegularFile(e)) {
                    LOG.warn("{}: skipping tar member {} (not a regular file, type '{}')", ab, name,
                            (char) e.getLinkFlag());
                    continue;
                }
                if (!safeName(base)) {
                    LOG.warn("{}: skipping unsafe tar member name {}", ab, name);
                    continue;
                }
                if (entries.containsKey(name)) {
                    LOG.warn("{}: duplicate tar member {} ignored (the first is kept)", ab, name);
                    continue;
                }
                if (e.getSize() > limits.entry()) {
                    throw new CorruptArtifactException(ab + ": tar member " + name + " is " + e.getSize()
                            + " bytes, more than the " + limits.entry() + "-byte limit");
                }
                if (extracted + e.getSize() > limits.extracted()) {
                    throw new CorruptArtifactException(ab + ": the telephony files exceed " + limits.extracted()
                            + " bytes in all");
                }
                Path local = ws.resolve(String.format("%06d", entries.size()));
                try (OutputStream out = Files.newOutputStream(local, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE); InputStream data = reader.content()) {
                    long n = new CappedInputStream(data, e.getSize(), ab + ": tar member " + name
                            + " holds more than its declared size").transferTo(out);
                    if (n < e.getSize()) {
                        throw new java.io.EOFException("truncated tar member " + name);
                    }
                    extracted += n;
                }
                FileMeta meta = new FileMeta(e.getSize(), 0100000 | (e.getMode() & 07777), -1, null,
                        e.getModTime().toInstant().getEpochSecond(), null);
                entries.put(name, new Entry(new ArtifactRef(name, "", name, meta), local));
            }
            // read to the end (tar padding, zlib checksum, cipher padding) so that a truncated or
            // corrupt stream is reported even when the damage lies after the last member
            tar.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new CorruptArtifactException(ab + ": the backup data is truncated or corrupt (" + e.getMessage()
                    + ")", e);
        }
        return sorted(entries);
    }

    private static Map<String, Entry> sorted(Map<String, Entry> entries) {
        Map<String, Entry> out = new LinkedHashMap<>();
        entries.keySet().stream().sorted().forEach(k -> out.put(k, entries.get(k)));
        return out;
    }

    /** A plain file name: no separators, not "." or "..", no NUL or control characters. */
    static boolean safeName(String base) {
        if (base.isEmpty() || base.equals(".") || base.equals("..") || base.length() > 255) {
            return false;
        }
        return base.chars().noneMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7f);
    }

    private static AndroidBackupSource openFolder(Path root) throws VigilException, IOException {
        if (!Files.isDirectory(root.resolve("apps"), LinkOption.NOFOLLOW_LINKS)) {
            throw new UnrecognisedSourceException(root + " is not an Android backup folder (no apps/ folder)");
        }
        Path realRoot = root.toRealPath();
        Map<String, Entry> entries = new LinkedHashMap<>();
        Path df = root.resolve(TELEPHONY_DF);
        if (Files.isDirectory(df, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(df)) {
                ds.forEach(files::add);
            }
            files.sort(Comparator.comparing(f -> f.getFileName().toString()));
            for (Path f : files) {
                String rel = TELEPHONY_DF + f.getFileName();
                if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    LOG.debug("{}: not a regular file, ignored", f);
                    continue;
                }
                if (!f.toRealPath().startsWith(realRoot)) {
                    LOG.warn("Ignoring {}: it resolves outside the backup folder", f);
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                FileMeta meta = new FileMeta(a.size(), -1, -1, null, a.lastModifiedTime().toInstant().getEpochSecond(),
                        null);
                entries.put(rel, new Entry(new ArtifactRef(rel, "", rel, meta), f));
            }
        } else {
            LOG.warn("{}: no {} folder: no SMS backups", root, TELEPHONY_DF);
        }
        LOG.info("Opened unpacked Android backup folder {}: {} telephony files", root, entries.size());
        return new AndroidBackupSource(root, false, null, null, entries);
    }

    /** True for an .ab file, false for an unpacked folder. */
    public boolean isFile() {
        return file;
    }

    /** The .ab header (null for a folder). */
    public AndroidBackup.Header header() {
        return header;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.ANDROID_BACKUP;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) {
        List<ArtifactRef> found = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (pattern.matches(e.ref())) {
                found.add(e.ref());
            }
        }
        return found;
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.ref());
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        entries.values().forEach(e -> consumer.accept(e.ref()));
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
            throw new java.nio.file.NoSuchFileException(root + ": no member " + ref.id());
        }
        return e.local();
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        if (file) {
            return Optional.empty();
        }
        Path p = root.resolve(relativePath).normalize();
        if (!p.startsWith(root) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    @Override
    public DeviceInfo deviceInfo() {
        return DeviceInfo.empty();
    }

    @Override
    public List<Path> inputFiles() throws IOException {
        if (file) {
            return List.of(root);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    @Override
    public void close() {
        if (workspace != null) {
            deleteTree(workspace);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("{}: could not delete the temporary files: {}", dir, e.getMessage());
        }
    }
}
