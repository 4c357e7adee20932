package org.vigil.source.iosbackup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.VigilException;
import org.vigil.io.Hashing;
import org.vigil.io.PlistReader;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.BackupCredentials;
import org.vigil.source.iosbackup.crypto.EncryptedBackup;
import org.vigil.source.ArtifactPattern;
import org.vigil.ios.IosReleases;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;

/**
 * An unencrypted iTunes/Finder backup folder, read through its {@code Manifest.db}.
 *
 * <p>Layout: {@code Manifest.db} table {@code Files(fileID, domain, relativePath, flags, file)};
 * each file's content at {@code <root>/<fileID[0:2]>/<fileID>}, where fileID is the SHA-1 of
 * {@code "<domain>-<relativePath>"} ({@link #fileId}); {@code Info.plist} describes the device.
 *
 * <p>Evidence is never written: {@code Manifest.db} is opened read-only and immutable by
 * {@link SqliteReader}. A fileID must be 40 lower-case hex characters and its file must resolve
 * inside the backup folder (no traversal, no symlink escape), else its content is refused.
 *
 * <p>Encrypted backups ({@link #openEncrypted}) are read in place: the decrypted Manifest.db and
 * each file asked for are written to a private temporary folder deleted on {@link #close()};
 * modules see the same plain files as from an unencrypted backup.
 *
 * <p>Concurrent reads ({@link #concurrentReads()}) are safe: the device information, root and
 * entry count are fixed when the source opens; each Manifest.db query borrows a connection of its
 * own (a small pool of read-only connections to the same file, one per concurrent query, so no
 * JDBC connection, statement or result set is shared between threads); content paths are
 * resolved without shared state; an encrypted backup's files are decrypted once each, under a
 * per-file lock ({@link DecryptingContent}), with ciphers created per call.
 */
public final class IosBackupSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(IosBackupSource.class);

    /** The file list. */
    public static final String MANIFEST_DB = "Manifest.db";
    /** Backup properties (encryption, keybag). */
    public static final String MANIFEST_PLIST = "Manifest.plist";
    /** Device properties. */
    public static final String INFO_PLIST = "Info.plist";

    private static final Pattern FILE_ID = Pattern.compile("[0-9a-f]{40}");
    private static final String COLUMNS = "SELECT fileID, domain, relativePath, file FROM Files";
    private static final String ORDER = " ORDER BY domain, relativePath";
    /** Info.plist keys copied to {@link DeviceInfo} (no IMEI, MEID, ICCID or phone number). */
    private static final List<String> DEVICE_KEYS = List.of("Build Version", "Device Name", "Display Name",
            "Last Backup Date", "Product Name", "Product Type", "Product Version", "Serial Number",
            "Target Type", "Unique Identifier", "iTunes Version");

    /** DeviceInfo key: the model name of Product Type, when known (e.g. "iPhone 7"). */
    public static final String MODEL = "Model";
    /** DeviceInfo key: the latest iOS version Vigil knows of (compare with Product Version). */
    public static final String IOS_LATEST_KNOWN = "iOS latest known";

    private final Path root;
    private final Path realRoot;
    private final SqliteReader manifest;
    private final DeviceInfo deviceInfo;
    private final long entryCount;
    /** How stored files become plain files: null for a plain backup. */
    private final Content content;
    /** The plain Manifest.db when it is not the backup's own (decrypted copy), else null. */
    private final Path plainManifest;
    /** Manifest.db connections not in use (the reader's own first); guarded by itself. */
    private final java.util.Deque<java.sql.Connection> idle = new java.util.ArrayDeque<>();
    /** Connections opened for concurrent queries, closed with the source; guarded by {@link #idle}. */
    private final List<java.sql.Connection> extra = new ArrayList<>();

    /**
     * Turns a stored backup file into its plain content (decryption), and owns the private files
     * that takes. Package-private: modules never see it.
     */
    interface Content extends AutoCloseable {
        /**
         * A local plain file for {@code ref}, whose stored (evidence) file is {@code stored} and
         * whose Manifest.db metadata blob is {@code blob} (may be null).
         */
        Path plainFile(ArtifactRef ref, Path stored, byte[] blob) throws IOException;

        /** Writes the plain content of {@code ref} to {@code target} (created); returns its size. */
        long writePlain(ArtifactRef ref, Path stored, byte[] blob, Path target) throws IOException;

        @Override
        void close() throws IOException;
    }

    private IosBackupSource(Path root, Path realRoot, SqliteReader manifest, DeviceInfo deviceInfo, long entryCount,
            Content content, Path plainManifest) {
        this.root = root;
        this.realRoot = realRoot;
        this.manifest = manifest;
        this.deviceInfo = deviceInfo;
        this.entryCount = entryCount;
        this.content = content;
        this.plainManifest = plainManifest;
        this.idle.push(manifest.connection());
    }

    /**
     * Opens the backup at {@code path}, or in its only backup sub-folder.
     *
     * @param path the backup folder (the UDID folder), or the folder holding it
     * @return the open source; close it
     * @throws org.vigil.core.ArtifactNotFoundException when {@code path} does not exist
     * @throws org.vigil.source.UnrecognisedSourceException when it is not a backup folder
     *     ("does not appear to be an iTunes backup folder") or holds several ("Found multiple
     *     iTunes backups")
     * @throws EncryptedSourceException when the backup is encrypted
     * @throws CorruptArtifactException when Manifest.db is missing, not SQLite, truncated or
     *     malformed, or Info.plist is not a valid plist
     * @throws UnsupportedSchemaException when Manifest.db has no usable Files table
     */
    public static IosBackupSource open(Path path) throws VigilException, IOException {
        Path root = IosBackupFolder.resolve(path);
        Optional<String> encrypted = IosBackupFolder.encryptionReason(root);
        if (encrypted.isPresent()) {
            throw new EncryptedSourceException(root + " is an encrypted iTunes backup (" + encrypted.get()
                    + "): give the backup password (--password) to decrypt it");
        }
        Path realRoot = root.toRealPath();
        Path db = manifestDb(root, realRoot);
        return build(root, realRoot, db, db.toString(), null, null);
    }

    /**
     * Opens the encrypted backup at {@code path} (or in its only backup sub-folder) with its
     * password or derived key. Only the Manifest.db is decrypted at once, into a private temporary
     * folder; each file is decrypted there when first asked for, and the folder is deleted by
     * {@link #close()}. The source's kind is {@link SourceKind#IOS_BACKUP_ENCRYPTED}; otherwise it
     * behaves as a plain backup ({@link #rootFile rootFile("Manifest.db")} is the decrypted copy).
     *
     * @throws org.vigil.core.WrongPasswordException when the password or key is wrong
     * @throws CorruptArtifactException when the keybag, ManifestKey or Manifest.db is unreadable
     */
    public static IosBackupSource openEncrypted(Path path, BackupCredentials credentials) throws VigilException,
            IOException {
        return openEncrypted(path, credentials, org.vigil.core.Progress.none());
    }

    /** As {@link #openEncrypted(Path, BackupCredentials)}, reporting the key derivation to {@code progress}. */
    public static IosBackupSource openEncrypted(Path path, BackupCredentials credentials,
            org.vigil.core.Progress progress) throws VigilException, IOException {
        Path root = IosBackupFolder.resolve(path);
        Path realRoot = root.toRealPath();
        Path db = manifestDb(root, realRoot);
        EncryptedBackup backup = EncryptedBackup.unlock(root, credentials, progress);
        DecryptingContent content = DecryptingContent.create(backup);
        try {
            Path plain = db;
            if (backup.manifestEncrypted()) {
                plain = content.workspace().resolve(MANIFEST_DB);
                backup.decryptManifest(db, plain);
            }
            return build(root, realRoot, plain, db + " (decrypted)", content, backup.manifestEncrypted() ? plain : null);
        } catch (VigilException | IOException | RuntimeException e) {
            content.close();
            throw e;
        }
    }

    private static Path manifestDb(Path root, Path realRoot) throws CorruptArtifactException {
        return fileUnder(root, realRoot, MANIFEST_DB).orElseThrow(() -> new CorruptArtifactException(
                root.resolve(MANIFEST_DB) + ": missing; the backup has no file list (incomplete copy?)"));
    }

    private static IosBackupSource build(Path root, Path realRoot, Path db, String dbName, Content content,
            Path plainManifest) throws VigilException, IOException {
        SqliteReader reader = SqliteReader.open(db, dbName);
        try {
            long count = checkManifest(reader, db);
            DeviceInfo info = readDeviceInfo(root, fileUnder(root, realRoot, INFO_PLIST));
            LOG.info("Opened {}iTunes backup {} ({} Manifest entries)", content == null ? "" : "encrypted ", root,
                    count);
            return new IosBackupSource(root, realRoot, reader, info, count, content, plainManifest);
        } catch (VigilException | IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private static long checkManifest(SqliteReader reader, Path db) throws VigilException {
        try {
            Set<String> cols = reader.columns("Files");
            if (!cols.containsAll(List.of("fileid", "domain", "relativepath", "flags", "file"))) {
                throw new UnsupportedSchemaException(db + ": no Files table with columns fileID, domain, "
                        + "relativePath, flags, file" + (cols.isEmpty() ? "" : " (found " + cols + ")"));
            }
            try (Statement st = reader.connection().createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM Files")) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new CorruptArtifactException(db + ": database is malformed (" + oneLine(e.getMessage()) + ")", e);
        }
    }

    private static DeviceInfo readDeviceInfo(Path root, Optional<Path> info) throws CorruptArtifactException,
            IOException {
        if (info.isEmpty()) {
            LOG.warn("{} has no Info.plist: no device information", root);
            return DeviceInfo.empty();
        }
        Map<String, Object> plist = PlistReader.readDict(info.get(), info.get().toString());
        Map<String, String> props = new LinkedHashMap<>();
        for (String key : DEVICE_KEYS) {
            Object v = plist.get(key);
            if (v instanceof String s) {
                props.put(key, s);
            } else if (v instanceof Instant i) {
                props.put(key, Times.format(i));
            } else if (v instanceof Number || v instanceof Boolean) {
                props.put(key, v.toString());
            }
        }
        IosReleases releases = IosReleases.bundled();
        String type = props.get("Product Type");
        releases.modelDescription(type).ifPresent(model -> props.put(MODEL, model));
        props.put(IOS_LATEST_KNOWN, releases.latest().version());
        return new DeviceInfo(props);
    }

    /** The fileID of a backup file: SHA-1 hex of {@code "<domain>-<relativePath>"}. */
    public static String fileId(String domain, String relativePath) {
        return Hashing.sha1Hex(domain + "-" + relativePath);
    }

    /** True when {@code id} is a well-formed fileID (40 lower-case hex characters). */
    public static boolean isValidFileId(String id) {
        return id != null && FILE_ID.matcher(id).matches();
    }

    /** Number of rows in Manifest.db's Files table. */
    public long entryCount() {
        return entryCount;
    }

    @Override
    public SourceKind kind() {
        return content == null ? SourceKind.IOS_BACKUP : SourceKind.IOS_BACKUP_ENCRYPTED;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) throws IOException {
        StringBuilder sql = new StringBuilder(COLUMNS);
        List<String> params = new ArrayList<>();
        List<String> where = new ArrayList<>();
        condition("domain", pattern.domain(), where, params);
        condition("relativePath", pattern.relativePath(), where, params);
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(ORDER);
        List<ArtifactRef> found = new ArrayList<>();
        query(sql.toString(), params, ref -> {
            if (pattern.matches(ref)) {
                found.add(ref);
            }
        });
        return found;
    }

    /** Adds an SQL condition for a glob: none for "*", equality without '*', else LIKE (escaped). */
    private static void condition(String column, String glob, List<String> where, List<String> params) {
        if (glob == null || glob.chars().allMatch(c -> c == '*')) {
            return;
        }
        if (glob.indexOf('*') < 0) {
            where.add(column + " = ?");
            params.add(glob);
            return;
        }
        StringBuilder like = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> like.append('%');
                case '%', '_', '\\' -> like.append('\\').append(c);
                default -> like.append(c);
            }
        }
        where.add(column + " LIKE ? ESCAPE '\\'");
        params.add(like.toString());
    }

    @Override
    public Optional<ArtifactRef> byId(String id) throws IOException {
        if (!isValidFileId(id)) {
            return Optional.empty();
        }
        List<ArtifactRef> found = new ArrayList<>(1);
        query(COLUMNS + " WHERE fileID = ?", List.of(id), found::add);
        return found.stream().findFirst();
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) throws IOException {
        query(COLUMNS + ORDER, List.of(), consumer);
    }

    private void query(String sql, List<String> params, Consumer<ArtifactRef> consumer) throws IOException {
        queryRows(sql, params, (ref, blob) -> consumer.accept(ref));
    }

    /** Calls {@code consumer} with every Manifest row and its metadata blob (may be null), in a stable order. */
    void forEachRow(java.util.function.BiConsumer<ArtifactRef, byte[]> consumer) throws IOException {
        queryRows(COLUMNS + ORDER, List.of(), consumer);
    }

    private void queryRows(String sql, List<String> params, java.util.function.BiConsumer<ArtifactRef, byte[]> consumer)
            throws IOException {
        int undecodable = 0;
        java.sql.Connection connection = borrow();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    byte[] blob = rs.getBytes(4);
                    FileMeta meta = FileMeta.UNKNOWN;
                    if (blob != null && blob.length > 0) {
                        try {
                            meta = MbFile.decode(blob, "Manifest.db file metadata of " + id);
                        } catch (CorruptArtifactException e) {
                            undecodable++;
                            LOG.debug("{}", e.getMessage());
                        }
                    }
                    consumer.accept(new ArtifactRef(id == null ? "" : id, rs.getString(2), rs.getString(3), meta),
                            blob);
                }
            }
        } catch (SQLException e) {
            throw new IOException(root.resolve(MANIFEST_DB) + ": query failed (" + oneLine(e.getMessage()) + ")", e);
        } finally {
            synchronized (idle) {
                idle.push(connection);
            }
        }
        if (undecodable > 0) {
            LOG.warn("{}: {} entries have unreadable file metadata", root.resolve(MANIFEST_DB), undecodable);
        }
    }

    /** A Manifest.db connection no other thread uses until it is pushed back on {@link #idle}. */
    private java.sql.Connection borrow() throws IOException {
        synchronized (idle) {
            java.sql.Connection c = idle.poll();
            if (c != null) {
                return c;
            }
        }
        try {
            java.sql.Connection c = manifest.newConnection();
            synchronized (idle) {
                extra.add(c);
            }
            return c;
        } catch (SQLException e) {
            throw new IOException(root.resolve(MANIFEST_DB) + ": cannot open another connection ("
                    + oneLine(e.getMessage()) + ")", e);
        }
    }

    /**
     * True: modules may read this backup at the same time (see the class comment for why it is
     * safe).
     */
    @Override
    public boolean concurrentReads() {
        return true;
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        try {
            return contentPath(ref).isPresent();
        } catch (IOException e) {
            LOG.debug("{}", e.getMessage());
            return false;
        }
    }

    /** The content file of a reference when it exists inside the backup; IOException when refused. */
    Optional<Path> contentPath(ArtifactRef ref) throws IOException {
        String id = ref.id();
        if (!isValidFileId(id)) {
            throw new IOException(ref.displayName() + ": refusing fileID \"" + id
                    + "\" (not 40 lower-case hex characters)");
        }
        Path p = root.resolve(id.substring(0, 2)).resolve(id);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Path real = p.toRealPath();
        if (!real.startsWith(realRoot)) {
            throw new IOException(ref.displayName() + ": refusing " + p + " (resolves outside the backup to "
                    + real + ")");
        }
        return Files.isRegularFile(real) ? Optional.of(real) : Optional.empty();
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        return Files.newInputStream(localFile(ref));
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        Path stored = contentPath(ref).orElseThrow(() -> new NoSuchFileException(
                ref.displayName() + " (fileID " + ref.id() + ") has no content in the backup " + root));
        return content == null ? stored : content.plainFile(ref, stored, fileBlob(ref.id()));
    }

    /** Writes the plain content of {@code ref} (decrypted if need be) to {@code target}; returns its size. */
    long writePlain(ArtifactRef ref, Path stored, byte[] blob, Path target) throws IOException {
        if (content == null) {
            Files.copy(stored, target);
            return Files.size(target);
        }
        return content.writePlain(ref, stored, blob, target);
    }

    /** The Manifest.db metadata blob of a fileID, or null. */
    private byte[] fileBlob(String id) throws IOException {
        byte[][] found = new byte[1][];
        queryRows(COLUMNS + " WHERE fileID = ?", List.of(id),
                (ref, blob) -> found[0] = blob);
        return found[0];
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        if (plainManifest != null && MANIFEST_DB.equals(relativePath)) {
            return Optional.of(plainManifest);
        }
        return fileUnder(root, realRoot, relativePath);
    }

    /** A regular file at {@code relativePath} under {@code root} that also resolves inside it (no symlink escape). */
    private static Optional<Path> fileUnder(Path root, Path realRoot, String relativePath) {
        Path p = root.resolve(relativePath).normalize();
        if (!p.startsWith(root) || !Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            if (p.toRealPath().startsWith(realRoot)) {
                return Optional.of(p);
            }
            LOG.warn("Ignoring {}: it resolves outside the backup folder", p);
        } catch (IOException e) {
            LOG.debug("{}: {}", p, e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    @Override
    public List<Path> inputFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    @Override
    public void close() {
        try {
            synchronized (idle) {
                for (java.sql.Connection c : extra) {
                    try {
                        c.close();
                    } catch (SQLException e) {
                        LOG.debug("closing a Manifest.db connection: {}", e.getMessage());
                    }
                }
                extra.clear();
                idle.clear();
            }
            manifest.close();
        } finally {
            if (content != null) {
                try {
                    content.close();
                } catch (IOException e) {
                    LOG.warn("{}: could not delete the decrypted temporary files: {}", root, e.getMessage());
                }
            }
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
