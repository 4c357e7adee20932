package org.vigil.source.iosbackup;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a small iTunes backup folder in a test's temporary directory: Manifest.db (via
 * sqlite-jdbc), Info.plist and Manifest.plist (via dd-plist), and content files at
 * {@code <fileID[0:2]>/<fileID>}.
 */
public final class BackupFixture {
    /** Birth/modified/changed times used by {@link #file} (Unix seconds). */
    public static final long BIRTH = 1_610_674_000L;
    public static final long MODIFIED = 1_610_674_669L;
    public static final long CHANGED = 1_610_674_700L;

    private record Row(String fileId, String domain, String relativePath, Integer flags, byte[] blob) {}

    private final Path root;
    private final List<Row> rows = new ArrayList<>();
    private final Map<String, byte[]> contents = new LinkedHashMap<>();
    private NSDictionary info = defaultInfo();
    private NSDictionary manifestPlist;

    private BackupFixture(Path root) {
        this.root = root;
    }

    /** A fixture that will be written to {@code root} (created by {@link #write()}). */
    public static BackupFixture at(Path root) {
        return new BackupFixture(root);
    }

    /** Info.plist content used unless replaced. */
    public static NSDictionary defaultInfo() {
        NSDictionary d = new NSDictionary();
        d.put("Build Version", "18C66");
        d.put("Device Name", "Test iPhone");
        d.put("IMEI", "42");
        d.put("Phone Number", "+1 555 0100");
        d.put("Product Type", "iPhone9,3");
        d.put("Product Version", "14.3");
        d.put("Serial Number", "F1234567890");
        d.put("Last Backup Date", new NSDate(java.util.Date.from(Instant.parse("2021-12-03T19:33:13Z"))));
        d.put("Installed Applications", new NSArray(new NSString("com.example.app")));
        return d;
    }

    /** A regular file (flags 1, mode 0o100644) with content, listed in Manifest.db. */
    public BackupFixture file(String domain, String relativePath, String content) {
        String id = IosBackupSource.fileId(domain, relativePath);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        rows.add(new Row(id, domain, relativePath, 1, mbFile(relativePath, bytes.length, 0100644, 501, BIRTH,
                MODIFIED, CHANGED)));
        contents.put(id, bytes);
        return this;
    }

    /** A directory entry (flags 2, mode 0o40755), without content. */
    public BackupFixture dir(String domain, String relativePath) {
        rows.add(new Row(IosBackupSource.fileId(domain, relativePath), domain, relativePath, 2,
                mbFile(relativePath, 0, 040755, 501, MODIFIED, MODIFIED, MODIFIED)));
        return this;
    }

    /** A raw Manifest.db row. */
    public BackupFixture row(String fileId, String domain, String relativePath, Integer flags, byte[] blob) {
        rows.add(new Row(fileId, domain, relativePath, flags, blob));
        return this;
    }

    /** Raw content at {@code <fileID[0:2]>/<fileID>}. */
    public BackupFixture content(String fileId, String content) {
        contents.put(fileId, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Replaces Info.plist; null writes none. */
    public BackupFixture info(NSDictionary info) {
        this.info = info;
        return this;
    }

    /** Writes a Manifest.plist. */
    public BackupFixture manifestPlist(boolean isEncrypted, boolean withKeyBag) {
        NSDictionary d = new NSDictionary();
        d.put("IsEncrypted", isEncrypted);
        d.put("Version", "10.0");
        if (withKeyBag) {
            d.put("BackupKeyBag", new NSData(new byte[] {'V', 'E', 'R', 'S', 0, 0, 0, 4, 0, 0, 0, 5}));
        }
        this.manifestPlist = d;
        return this;
    }

    /** The NSKeyedArchiver MBFile blob of a Manifest.db row. */
    public static byte[] mbFile(String relativePath, long size, int mode, long uid, long birth, long modified,
            long changed) {
        NSDictionary file = new NSDictionary();
        file.put("LastModified", modified);
        file.put("Flags", 0);
        file.put("GroupID", uid);
        file.put("$class", new UID("c", BigInteger.valueOf(3)));
        file.put("LastStatusChange", changed);
        file.put("RelativePath", new UID("p", BigInteger.valueOf(2)));
        file.put("Birth", birth);
        file.put("Size", size);
        file.put("InodeNumber", 184673);
        file.put("Mode", mode);
        file.put("UserID", uid);
        file.put("ProtectionClass", 0);
        NSDictionary cls = new NSDictionary();
        cls.put("$classname", "MBFile");
        cls.put("$classes", new NSArray(new NSString("MBFile"), new NSString("NSObject")));
        NSDictionary top = new NSDictionary();
        top.put("root", new UID("r", BigInteger.ONE));
        NSDictionary archive = new NSDictionary();
        archive.put("$version", 100000);
        archive.put("$archiver", "NSKeyedArchiver");
        archive.put("$top", top);
        archive.put("$objects", new NSArray(new NSString("$null"), file, new NSString(relativePath), cls));
        return bytes(archive);
    }

    /** A binary plist of {@code o}. */
    public static byte[] bytes(NSObject o) {
        try {
            return BinaryPropertyListWriter.writeToArray(o);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the backup and returns its folder. */
    public Path write() throws Exception {
        Files.createDirectories(root);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + root.resolve("Manifest.db"))) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, "
                        + "flags INTEGER, file BLOB)");
                st.execute("CREATE INDEX FilesDomainIdx ON Files(domain)");
                st.execute("CREATE INDEX FilesRelativePathIdx ON Files(relativePath)");
                st.execute("CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB)");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO Files VALUES (?, ?, ?, ?, ?)")) {
                for (Row r : rows) {
                    ps.setString(1, r.fileId());
                    ps.setString(2, r.domain());
                    ps.setString(3, r.relativePath());
                    if (r.flags() == null) {
                        ps.setNull(4, java.sql.Types.INTEGER);
                    } else {
                        ps.setInt(4, r.flags());
                    }
                    ps.setBytes(5, r.blob());
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            Path p = root.resolve(e.getKey().substring(0, 2)).resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        if (info != null) {
            Files.write(root.resolve("Info.plist"), bytes(info));
        }
        if (manifestPlist != null) {
            Files.write(root.resolve("Manifest.plist"), bytes(manifestPlist));
        }
        return root;
    }
}
