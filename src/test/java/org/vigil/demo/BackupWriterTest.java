package org.vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import com.dd.plist.UID;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.io.SqliteReader;

class BackupWriterTest {
    @TempDir
    Path tmp;

    private static final long T1 = 1_690_000_000L;
    private static final long T2 = 1_694_000_000L;

    private static BackupDeviceInfo device() {
        return new BackupDeviceInfo("Test Phone", "iPhone 13 Pro", "iPhone14,2", "16.6", "20G75", "SERIAL00001",
                "00008110-000A000B000C000D", "0123456789ABCDEF0123456789ABCDEF", "350000000000002", null,
                "8901000000000000002", "+1 (202) 555-0199", "12.12.9.3", Instant.parse("2023-09-14T09:30:00Z"),
                null, Map.of("com.example.one", new byte[] {1, 2, 3}));
    }

    private Path writeSmall(Path root) throws IOException {
        new BackupWriter(root).info(device())
                .addFile("HomeDomain", "Library/SMS/sms.db", "not really sqlite".getBytes(StandardCharsets.UTF_8),
                        new FileTimes(T1, T2, T2 + 5))
                .addFile("AppDomain-com.example.one", "Documents/a.txt", new byte[0], FileTimes.of(T1))
                .addDirectory("HomeDomain", "Library/Caches", FileTimes.of(T1))
                .write();
        return root;
    }

    record Row(String fileId, String domain, String relativePath, int flags, byte[] file) {}

    private static List<Row> rows(Path root) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (SqliteReader r = SqliteReader.open(root.resolve("Manifest.db"), "Manifest.db");
                Statement st = r.connection().createStatement();
                ResultSet rs = st.executeQuery("SELECT fileID, domain, relativePath, flags, file FROM Files")) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getBytes(5)));
            }
        }
        return rows;
    }

    private static String sha1(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void fileIdIsSha1OfDomainDashPath() {
        assertThat(BackupWriter.fileId("HomeDomain", "Library/SMS/sms.db"))
                .isEqualTo("3d0d7e5fb2ce288813306e4d4636395e047a3d28");
        assertThat(BackupWriter.fileId("WirelessDomain", "Library/Databases/DataUsage.sqlite"))
                .isEqualTo("0d609c54856a9bb2d56729df1d68f2958a88426b");
    }

    @Test
    void manifestRowsAreSortedWithParentsAndHashedIds() throws Exception {
        Path root = writeSmall(tmp.resolve("b"));
        List<Row> rows = rows(root);
        assertThat(rows).extracting(r -> r.domain() + "|" + r.relativePath() + "|" + r.flags()).containsExactly(
                "AppDomain-com.example.one||2",
                "AppDomain-com.example.one|Documents|2",
                "AppDomain-com.example.one|Documents/a.txt|1",
                "HomeDomain||2",
                "HomeDomain|Library|2",
                "HomeDomain|Library/Caches|2",
                "HomeDomain|Library/SMS|2",
                "HomeDomain|Library/SMS/sms.db|1");
        for (Row r : rows) {
            assertThat(r.fileId()).isEqualTo(sha1(r.domain() + "-" + r.relativePath()));
            Path content = root.resolve(r.fileId().substring(0, 2)).resolve(r.fileId());
            if (r.flags() == BackupWriter.FLAG_FILE) {
                assertThat(content).isRegularFile();
            } else {
                assertThat(content).doesNotExist();
            }
        }
        assertThat(Files.readString(root.resolve("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28")))
                .isEqualTo("not really sqlite");
        try (SqliteReader r = SqliteReader.open(root.resolve("Manifest.db"), "Manifest.db")) {
            assertThat(r.columns("Properties")).containsExactly("key", "value");
        }
    }

    @Test
    void fileBlobIsAKeyedArchiveOfAnMbFile() throws Exception {
        Path root = writeSmall(tmp.resolve("b"));
        Row sms = rows(root).stream().filter(r -> r.relativePath().equals("Library/SMS/sms.db")).findFirst().orElseThrow();
        NSDictionary archive = (NSDictionary) PropertyListParser.parse(sms.file());
        assertThat(new String(sms.file(), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("bplist00");
        assertThat(archive.get("$archiver").toJavaObject()).isEqualTo("NSKeyedArchiver");
        assertThat(archive.get("$version").toJavaObject()).isEqualTo(100000);
        NSArray objects = (NSArray) archive.get("$objects");
        assertThat(objects.objectAtIndex(0)).isEqualTo(new NSString("$null"));
        UID root0 = (UID) ((NSDictionary) archive.get("$top")).get("root");
        NSDictionary file = (NSDictionary) objects.objectAtIndex(index(root0));
        assertThat(index(root0)).isEqualTo(1);
        assertThat(num(file.get("Size"))).isEqualTo(17);
        assertThat(num(file.get("Birth"))).isEqualTo(T1);
        assertThat(num(file.get("LastModified"))).isEqualTo(T2);
        assertThat(num(file.get("LastStatusChange"))).isEqualTo(T2 + 5);
        assertThat(num(file.get("Mode"))).isEqualTo(0100644);
        assertThat(num(file.get("UserID"))).isEqualTo(501);
        assertThat(num(file.get("ProtectionClass"))).isEqualTo(3);
        NSObject path = objects.objectAtIndex(index((UID) file.get("RelativePath")));
        assertThat(path.toJavaObject()).isEqualTo("Library/SMS/sms.db");
        NSDictionary cls = (NSDictionary) objects.objectAtIndex(index((UID) file.get("$class")));
        assertThat(cls.get("$classname").toJavaObject()).isEqualTo("MBFile");
        assertThat(cls.get("$classes").toJavaObject()).isEqualTo(new Object[] {"MBFile", "NSObject"});

        Row dir = rows(root).stream().filter(r -> r.relativePath().equals("Library/Caches")).findFirst().orElseThrow();
        NSDictionary dirFile = (NSDictionary) ((NSArray) ((NSDictionary) PropertyListParser.parse(dir.file()))
                .get("$objects")).objectAtIndex(1);
        assertThat(num(dirFile.get("Mode"))).isEqualTo(040755);
        assertThat(num(dirFile.get("Size"))).isEqualTo(0);
    }

    private static long num(NSObject o) {
        return ((com.dd.plist.NSNumber) o).longValue();
    }

    private static int index(UID uid) {
        return new BigInteger(1, uid.getBytes()).intValue();
    }

    @Test
    void everyFileBlobSizeEqualsItsContentLength() throws Exception {
        Path root = writeSmall(tmp.resolve("b"));
        for (Row r : rows(root)) {
            if (r.flags() != BackupWriter.FLAG_FILE) {
                continue;
            }
            NSDictionary file = (NSDictionary) ((NSArray) ((NSDictionary) PropertyListParser.parse(r.file()))
                    .get("$objects")).objectAtIndex(1);
            long size = Files.size(root.resolve(r.fileId().substring(0, 2)).resolve(r.fileId()));
            assertThat(num(file.get("Size"))).isEqualTo(size);
        }
    }

    @Test
    void plistsDescribeTheDevice() throws Exception {
        Path root = writeSmall(tmp.resolve("b"));
        NSDictionary info = (NSDictionary) PropertyListParser.parse(root.resolve("Info.plist").toFile());
        assertThat(info.allKeys()).contains("Build Version", "Device Name", "Display Name", "GUID", "ICCID", "IMEI",
                "Installed Applications", "Last Backup Date", "Phone Number", "Product Name", "Product Type",
                "Product Version", "Serial Number", "Target Identifier", "Target Type", "Unique Identifier",
                "iTunes Version", "Applications");
        assertThat(info.containsKey("MEID")).as("null values are left out").isFalse();
        assertThat(info.get("Unique Identifier").toJavaObject()).isEqualTo("00008110-000A000B000C000D");
        assertThat(info.get("Last Backup Date").toJavaObject())
                .isEqualTo(java.util.Date.from(Instant.parse("2023-09-14T09:30:00Z")));
        assertThat(((NSDictionary) ((NSDictionary) info.get("Applications")).get("com.example.one"))
                .get("iTunesMetadata").toJavaObject()).isEqualTo(new byte[] {1, 2, 3});
        String xml = Files.readString(root.resolve("Info.plist"));
        assertThat(xml).startsWith("<?xml").doesNotContain("\r");

        NSDictionary manifest = (NSDictionary) PropertyListParser.parse(root.resolve("Manifest.plist").toFile());
        assertThat(manifest.get("IsEncrypted").toJavaObject()).isEqualTo(false);
        assertThat(manifest.get("Version").toJavaObject()).isEqualTo("10.0");
        NSDictionary lockdown = (NSDictionary) manifest.get("Lockdown");
        assertThat(lockdown.get("ProductVersion").toJavaObject()).isEqualTo("16.6");
        assertThat(lockdown.get("BuildVersion").toJavaObject()).isEqualTo("20G75");
        assertThat(lockdown.get("UniqueDeviceID").toJavaObject()).isEqualTo("00008110-000A000B000C000D");

        NSDictionary status = (NSDictionary) PropertyListParser.parse(root.resolve("Status.plist").toFile());
        assertThat(status.get("SnapshotState").toJavaObject()).isEqualTo("finished");
        assertThat(status.get("IsFullBackup").toJavaObject()).isEqualTo(false);
    }

    @Test
    void twoWritesAreByteIdentical() throws Exception {
        Path a = writeSmall(tmp.resolve("a"));
        // same content added in another order
        Path b = tmp.resolve("b");
        new BackupWriter(b).info(device())
                .addDirectory("HomeDomain", "Library/Caches", FileTimes.of(T1))
                .addFile("AppDomain-com.example.one", "Documents/a.txt", new byte[0], FileTimes.of(T1))
                .addFile("HomeDomain", "Library/SMS/sms.db", "not really sqlite".getBytes(StandardCharsets.UTF_8),
                        new FileTimes(T1, T2, T2 + 5))
                .write();
        assertThat(TreeHash.of(a)).hasSize(6).isEqualTo(TreeHash.of(b));
    }

    @Test
    void refusesNonEmptyFolderAndBadEntries() throws Exception {
        Path root = tmp.resolve("busy");
        Files.createDirectories(root);
        Files.writeString(root.resolve("evidence.txt"), "keep me");
        assertThatThrownBy(() -> new BackupWriter(root).info(device()).write())
                .isInstanceOf(IOException.class).hasMessageContaining("not empty");
        assertThat(Files.readString(root.resolve("evidence.txt"))).isEqualTo("keep me");

        BackupWriter w = new BackupWriter(tmp.resolve("x")).info(device());
        w.addFile("HomeDomain", "a.txt", new byte[1], FileTimes.of(T1));
        assertThatThrownBy(() -> w.addFile("HomeDomain", "a.txt", new byte[1], FileTimes.of(T1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> w.addFile("HomeDomain", "../etc/passwd", new byte[1], FileTimes.of(T1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.addFile("HomeDomain", "/abs", new byte[1], FileTimes.of(T1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.addFile("", "a", new byte[1], FileTimes.of(T1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackupWriter(tmp.resolve("y")).write())
                .isInstanceOf(IllegalStateException.class);
    }
}
