package org.vigil.demo;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an unencrypted iTunes/Finder iOS backup folder in the real on-disk format:
 * {@code Info.plist} (XML), {@code Manifest.plist} and {@code Status.plist} (binary),
 * {@code Manifest.db} (tables {@code Files} and {@code Properties}), and each file's content at
 * {@code <root>/<fileID[0:2]>/<fileID>} where fileID is the SHA-1 hex of
 * {@code "<domain>-<relativePath>"}. Each {@code Files.file} blob is a binary NSKeyedArchiver plist
 * of an {@code MBFile}. Missing parent directories (up to the domain root, relativePath "") are
 * added automatically with the times of the first file (in sorted order) below them.
 *
 * <p>Deterministic: no clock is read; rows are written sorted by domain and relative path, and
 * inode numbers are assigned in that order, so the same calls give byte-identical folders.
 *
 * <pre>{@code
 * new BackupWriter(dir).info(device)
 *         .addFile("HomeDomain", "Library/SMS/sms.db", bytes, FileTimes.of(t))
 *         .write();
 * }</pre>
 */
public final class BackupWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWriter.class);
    /** {@code Files.flags} of a regular file. */
    public static final int FLAG_FILE = 1;
    /** {@code Files.flags} of a directory. */
    public static final int FLAG_DIRECTORY = 2;
    private static final int MODE_FILE = 0100644;
    private static final int MODE_DIRECTORY = 040755;
    private static final int MOBILE_UID = 501;
    private static final long FIRST_INODE = 120_000L;

    private final Path root;
    private final Map<Key, Entry> entries = new TreeMap<>();
    private BackupDeviceInfo info;
    private int rowCount;

    private record Key(String domain, String relativePath) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = domain.compareTo(o.domain);
            return c != 0 ? c : relativePath.compareTo(o.relativePath);
        }
    }

    private record Entry(Key key, byte[] content, Path source, FileTimes times, int protectionClass) {
        boolean directory() {
            return content == null && source == null;
        }

        long size() throws IOException {
            return content != null ? content.length : Files.size(source);
        }
    }

    /** A writer for a new backup folder at {@code root} (absent or empty). */
    public BackupWriter(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The device described by Info.plist, Manifest.plist and Status.plist (required). */
    public BackupWriter info(BackupDeviceInfo device) {
        this.info = Objects.requireNonNull(device, "device");
        return this;
    }

    /** Adds a regular file (protection class 3, as most files on iOS). */
    public BackupWriter addFile(String domain, String relativePath, byte[] content, FileTimes times) {
        return addFile(domain, relativePath, content, times, 3);
    }

    /** Adds a regular file with an explicit data protection class. */
    public BackupWriter addFile(
            String domain, String relativePath, byte[] content, FileTimes times, int protectionClass) {
        Objects.requireNonNull(content, "content");
        put(new Entry(key(domain, relativePath), content.clone(), null, Objects.requireNonNull(times), protectionClass));
        return this;
    }

    /**
     * Adds a regular file whose content is copied from {@code source} when the backup is written
     * (for large generated databases that should not be held in memory).
     */
    public BackupWriter addFile(String domain, String relativePath, Path source, FileTimes times) {
        Objects.requireNonNull(source, "source");
        put(new Entry(key(domain, relativePath), null, source, Objects.requireNonNull(times), 3));
        return this;
    }

    /** Adds a directory (a {@code Files} row with flags 2 and no content). */
    public BackupWriter addDirectory(String domain, String relativePath, FileTimes times) {
        put(new Entry(key(domain, relativePath), null, null, Objects.requireNonNull(times), 0));
        return this;
    }

    /** Number of {@code Files} rows (files and directories) written by the last {@link #write()}. */
    public int rowCount() {
        return rowCount;
    }

    /** The backup file id: SHA-1 hex of {@code "<domain>-<relativePath>"}. */
    public static String fileId(String domain, String relativePath) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] d = sha1.digest((domain + "-" + relativePath).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }

    /** Writes the folder. Fails if {@code root} exists and is not an empty directory. */
    public void write() throws IOException {
        if (info == null) {
            throw new IllegalStateException("info(...) was not given");
        }
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw new IOException(root + " exists and is not a directory");
            }
            try (var list = Files.list(root)) {
                if (list.findAny().isPresent()) {
                    throw new IOException(root + " is not empty; refusing to write a backup into it");
                }
            }
        }
        Files.createDirectories(root);
        List<Entry> rows = withParents();
        rowCount = rows.size();
        writeString(root.resolve("Info.plist"), infoPlist().toXMLPropertyList().replace("\r\n", "\n"));
        Files.write(root.resolve("Manifest.plist"), BinaryPropertyListWriter.writeToArray(manifestPlist()));
        Files.write(root.resolve("Status.plist"), BinaryPropertyListWriter.writeToArray(statusPlist()));
        writeManifestDb(rows);
        for (Entry e : rows) {
            if (!e.directory()) {
                String id = fileId(e.key.domain, e.key.relativePath);
                Path dir = root.resolve(id.substring(0, 2));
                Files.createDirectories(dir);
                if (e.content != null) {
                    Files.write(dir.resolve(id), e.content);
                } else {
                    Files.copy(e.source, dir.resolve(id));
                }
            }
        }
        LOG.debug("wrote backup with {} Manifest rows to {}", rows.size(), root);
    }

    private static Key key(String domain, String relativePath) {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(relativePath, "relativePath");
        if (domain.isBlank() || domain.contains("/")) {
            throw new IllegalArgumentException("bad backup domain: '" + domain + "'");
        }
        if (relativePath.startsWith("/") || relativePath.endsWith("/")
                || List.of(relativePath.split("/", -1)).stream().anyMatch(s -> s.equals("..") || s.equals("."))
                || (!relativePath.isEmpty() && relativePath.contains("//"))) {
            throw new IllegalArgumentException("bad relative path: '" + relativePath + "'");
        }
        return new Key(domain, relativePath);
    }

    private void put(Entry e) {
        if (entries.putIfAbsent(e.key, e) != null) {
            throw new IllegalArgumentException("duplicate backup entry " + e.key.domain + "-" + e.key.relativePath);
        }
    }

    private List<Entry> withParents() {
        Map<Key, Entry> all = new TreeMap<>(entries);
        for (Entry e : entries.values()) {
            String path = e.key.relativePath;
            while (!path.isEmpty()) {
                int slash = path.lastIndexOf('/');
                path = slash < 0 ? "" : path.substring(0, slash);
                Key parent = new Key(e.key.domain, path);
                all.putIfAbsent(parent, new Entry(parent, null, null, e.times, 0));
                if (!all.get(parent).directory()) {
                    throw new IllegalArgumentException("a file is used as a directory: " + parent);
                }
            }
        }
        return new ArrayList<>(all.values());
    }

    private void writeManifestDb(List<Entry> rows) throws IOException {
        Path db = root.resolve("Manifest.db");
        SqliteFiles.write(db, "Manifest.db", c -> {
            SqliteFiles.exec(c,
                    "PRAGMA user_version = 2",
                    "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, file BLOB)",
                    "CREATE INDEX FilesDomainIdx ON Files(domain)",
                    "CREATE INDEX FilesRelativePathIdx ON Files(relativePath)",
                    "CREATE INDEX FilesFlagsIdx ON Files(flags)",
                    "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?, ?, ?, ?, ?)")) {
                long inode = FIRST_INODE;
                for (Entry e : rows) {
                    ps.setString(1, fileId(e.key.domain, e.key.relativePath));
                    ps.setString(2, e.key.domain);
                    ps.setString(3, e.key.relativePath);
                    ps.setInt(4, e.directory() ? FLAG_DIRECTORY : FLAG_FILE);
                    try {
                        ps.setBytes(5, mbFile(e, inode++));
                    } catch (IOException ex) {
                        throw new java.sql.SQLException("cannot encode MBFile for " + e.key, ex);
                    }
                    ps.executeUpdate();
                }
            }
        });
    }

    /** The NSKeyedArchiver binary plist of an MBFile, as stored in {@code Files.file}. */
    static byte[] mbFile(Entry e, long inode) throws IOException {
        NSDictionary file = new NSDictionary();
        file.put("Birth", e.times.birth());
        file.put("Flags", 0);
        file.put("GroupID", MOBILE_UID);
        file.put("InodeNumber", inode);
        file.put("LastModified", e.times.modified());
        file.put("LastStatusChange", e.times.statusChanged());
        file.put("Mode", e.directory() ? MODE_DIRECTORY : MODE_FILE);
        file.put("ProtectionClass", e.protectionClass);
        file.put("RelativePath", uid(2));
        file.put("Size", e.directory() ? 0L : e.size());
        file.put("UserID", MOBILE_UID);
        file.put("$class", uid(3));
        NSDictionary cls = new NSDictionary();
        cls.put("$classes", new NSArray(new NSString("MBFile"), new NSString("NSObject")));
        cls.put("$classname", "MBFile");
        NSDictionary top = new NSDictionary();
        top.put("root", uid(1));
        NSDictionary archive = new NSDictionary();
        archive.put("$version", 100000);
        archive.put("$archiver", "NSKeyedArchiver");
        archive.put("$top", top);
        archive.put("$objects", new NSArray(new NSString("$null"), file, new NSString(e.key.relativePath), cls));
        return BinaryPropertyListWriter.writeToArray(archive);
    }

    private static UID uid(int n) {
        return new UID(null, BigInteger.valueOf(n));
    }

    private NSDictionary infoPlist() {
        NSDictionary apps = new NSDictionary();
        for (Map.Entry<String, byte[]> app : new TreeMap<>(info.apps()).entrySet()) {
            NSDictionary a = new NSDictionary();
            a.put("iTunesMetadata", new NSData(app.getValue()));
            apps.put(app.getKey(), a);
        }
        NSArray installed = new NSArray(info.bundleIds().stream().map(NSString::new).toArray(NSObject[]::new));
        // keys in sorted order, as Apple writes them
        NSDictionary d = new NSDictionary();
        d.put("Applications", apps);
        d.put("Build Version", info.buildVersion());
        d.put("Device Name", info.deviceName());
        d.put("Display Name", info.deviceName());
        d.put("GUID", info.guid());
        d.put("ICCID", info.iccid());
        d.put("IMEI", info.imei());
        d.put("Installed Applications", installed);
        d.put("Last Backup Date", new NSDate(Date.from(info.lastBackupDate())));
        d.put("MEID", info.meid());
        d.put("Phone Number", info.phoneNumber());
        d.put("Product Name", info.productName());
        d.put("Product Type", info.productType());
        d.put("Product Version", info.productVersion());
        d.put("Serial Number", info.serialNumber());
        d.put("Target Identifier", info.udid());
        d.put("Target Type", "Device");
        d.put("Unique Identifier", info.udid().toUpperCase(Locale.ROOT));
        d.put("iTunes Version", info.iTunesVersion());
        removeNullStrings(d);
        return d;
    }

    private static void removeNullStrings(NSDictionary d) {
        d.entrySet().removeIf(e -> e.getValue() == null);
    }

    private NSDictionary manifestPlist() {
        NSDictionary apps = new NSDictionary();
        for (String id : info.bundleIds()) {
            NSDictionary a = new NSDictionary();
            a.put("CFBundleIdentifier", id);
            a.put("CFBundleVersion", "1");
            a.put("ContainerContentClass", "Data/Application");
            a.put("Path", "/private/var/containers/Bundle/Application/" + uuidFor(id) + "/" + id + ".app");
            apps.put(id, a);
        }
        NSDictionary lockdown = new NSDictionary();
        lockdown.put("BuildVersion", info.buildVersion());
        lockdown.put("DeviceName", info.deviceName());
        lockdown.put("ProductType", info.productType());
        lockdown.put("ProductVersion", info.productVersion());
        lockdown.put("SerialNumber", info.serialNumber());
        lockdown.put("UniqueDeviceID", info.udid());
        removeNullStrings(lockdown);
        NSDictionary d = new NSDictionary();
        d.put("Applications", apps);
        d.put("Date", new NSDate(Date.from(info.lastBackupDate())));
        d.put("IsEncrypted", false);
        d.put("Lockdown", lockdown);
        d.put("SystemDomainsVersion", "24.0");
        d.put("Version", "10.0");
        d.put("WasPasscodeSet", true);
        return d;
    }

    private NSDictionary statusPlist() {
        NSDictionary d = new NSDictionary();
        d.put("BackupState", "new");
        d.put("Date", new NSDate(Date.from(info.lastBackupDate())));
        d.put("IsFullBackup", false);
        d.put("SnapshotState", "finished");
        d.put("UUID", info.snapshotUuid() == null ? uuidFor(info.udid()) : info.snapshotUuid());
        d.put("Version", "3.3");
        return d;
    }

    private static String uuidFor(String name) {
        return java.util.UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().toUpperCase(Locale.ROOT);
    }

    private static void writeString(Path p, String s) throws IOException {
        Files.writeString(p, s, StandardCharsets.UTF_8);
    }
}
