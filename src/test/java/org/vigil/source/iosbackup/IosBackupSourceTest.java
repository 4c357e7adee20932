package org.vigil.source.iosbackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;
import org.vigil.source.UnrecognisedSourceException;
import org.vigil.testing.SharedData;

class IosBackupSourceTest {
    private static final String SMS_ID = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";

    private static BackupFixture standard(Path root) {
        return BackupFixture.at(root)
                .file("HomeDomain", "Library/SMS/sms.db", "sms")
                .file("HomeDomain", "Library/Preferences/com.apple.a.plist", "a")
                .file("HomeDomain", "Library/Preferences/com.apple.a_b.plist", "ab")
                .file("HomeDomain", "Library/Preferences/com.apple.axb.plist", "axb")
                .file("HomeDomain", "Library/Preferences/100%.plist", "percent")
                .file("AppDomain-com.example.app", "Library/Caches/x.db", "x")
                .file("AppDomain-com.other.app", "Library/Caches/y.db", "y")
                .dir("CameraRollDomain", "Media/DCIM");
    }

    private static List<String> paths(List<ArtifactRef> refs) {
        return refs.stream().map(ArtifactRef::displayName).toList();
    }

    @Test
    void fileIdIsSha1OfDomainDashPath() {
        assertThat(IosBackupSource.fileId("HomeDomain", "Library/SMS/sms.db")).isEqualTo(SMS_ID);
        assertThat(IosBackupSource.fileId("HomeDomain", "Library/TCC/TCC.db"))
                .isEqualTo("64d0019cb3d46bfc8cce545a8ba54b93e7ea9347");
        assertThat(IosBackupSource.isValidFileId(SMS_ID)).isTrue();
        assertThat(IosBackupSource.isValidFileId(SMS_ID.toUpperCase())).isFalse();
        assertThat(IosBackupSource.isValidFileId("../" + SMS_ID.substring(3))).isFalse();
    }

    @Test
    void opensBackupAndDecodesEntries(@TempDir Path tmp) throws Exception {
        Path root = standard(tmp.resolve("backup")).write();
        try (IosBackupSource src = IosBackupSource.open(root)) {
            assertThat(src.kind()).isEqualTo(SourceKind.IOS_BACKUP);
            assertThat(src.root()).isEqualTo(root.toAbsolutePath().normalize());
            assertThat(src.entryCount()).isEqualTo(8);
            assertThat(src.deviceInfo().properties()).containsEntry("Build Version", "18C66")
                    .containsEntry("Product Type", "iPhone9,3").containsEntry("Product Version", "14.3")
                    .containsEntry("Device Name", "Test iPhone").containsEntry("Serial Number", "F1234567890")
                    .containsEntry("Last Backup Date", "2021-12-03 19:33:13.000000")
                    .containsEntry("Model", "iPhone 7").containsEntry("iOS latest known", "26.6.1")
                    .doesNotContainKeys("IMEI", "Phone Number");

            ArtifactRef sms = src.byId(SMS_ID).orElseThrow();
            assertThat(sms.domain()).isEqualTo("HomeDomain");
            assertThat(sms.relativePath()).isEqualTo("Library/SMS/sms.db");
            assertThat(sms.meta()).isEqualTo(new FileMeta(3, 0100644, 501, BackupFixture.BIRTH,
                    BackupFixture.MODIFIED, BackupFixture.CHANGED));
            assertThat(src.hasContent(sms)).isTrue();
            try (InputStream in = src.open(sms)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("sms");
            }
            assertThat(src.localFile(sms)).isEqualTo(root.resolve("3d").resolve(SMS_ID).toRealPath());

            List<String> all = new ArrayList<>();
            src.forEachEntry(r -> all.add(r.displayName()));
            assertThat(all).containsExactly(
                    "AppDomain-com.example.app/Library/Caches/x.db",
                    "AppDomain-com.other.app/Library/Caches/y.db",
                    "CameraRollDomain/Media/DCIM",
                    "HomeDomain/Library/Preferences/100%.plist",
                    "HomeDomain/Library/Preferences/com.apple.a.plist",
                    "HomeDomain/Library/Preferences/com.apple.a_b.plist",
                    "HomeDomain/Library/Preferences/com.apple.axb.plist",
                    "HomeDomain/Library/SMS/sms.db");

            ArtifactRef dir = src.find(ArtifactPattern.of("CameraRollDomain", "Media/DCIM")).get(0);
            assertThat(dir.meta().mode()).isEqualTo(040755);
            assertThat(src.hasContent(dir)).isFalse();
            assertThatThrownBy(() -> src.localFile(dir)).isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("CameraRollDomain/Media/DCIM");
        }
    }

    @Test
    void findTranslatesWildcardsAndEscapesLikeCharacters(@TempDir Path tmp) throws Exception {
        try (IosBackupSource src = IosBackupSource.open(standard(tmp.resolve("b")).write())) {
            assertThat(paths(src.find(ArtifactPattern.of("HomeDomain", "Library/SMS/sms.db"))))
                    .containsExactly("HomeDomain/Library/SMS/sms.db");
            assertThat(paths(src.find(ArtifactPattern.anyDomain("Library/Caches/*"))))
                    .containsExactly("AppDomain-com.example.app/Library/Caches/x.db",
                            "AppDomain-com.other.app/Library/Caches/y.db");
            assertThat(paths(src.find(ArtifactPattern.of("AppDomain-*", "*.db"))))
                    .containsExactly("AppDomain-com.example.app/Library/Caches/x.db",
                            "AppDomain-com.other.app/Library/Caches/y.db");
            assertThat(paths(src.find(ArtifactPattern.of("CameraRollDomain", "*"))))
                    .containsExactly("CameraRollDomain/Media/DCIM");
            // '_' and '%' are literal, not SQL wildcards
            assertThat(paths(src.find(ArtifactPattern.of("HomeDomain", "Library/Preferences/com.apple.a_*"))))
                    .containsExactly("HomeDomain/Library/Preferences/com.apple.a_b.plist");
            assertThat(paths(src.find(ArtifactPattern.anyDomain("*/100%*"))))
                    .containsExactly("HomeDomain/Library/Preferences/100%.plist");
            // SQL LIKE ignores case; the pattern does not
            assertThat(src.find(ArtifactPattern.anyDomain("library/sms/*"))).isEmpty();
            assertThat(src.find(ArtifactPattern.anyDomain("Library/Nothing/*"))).isEmpty();
        }
    }

    @Test
    void hostileFileIdsAreNeverFollowed(@TempDir Path tmp) throws Exception {
        Path outside = tmp.resolve("outside.txt");
        Files.writeString(outside, "outside");
        String escapeId = IosBackupSource.fileId("HomeDomain", "escape");
        Path root = BackupFixture.at(tmp.resolve("b"))
                .row("../../outside.txt", "HomeDomain", "traversal", 1, null)
                .row(escapeId, "HomeDomain", "escape", 1, null)
                .write();
        Files.createDirectories(root.resolve(escapeId.substring(0, 2)));
        Files.createSymbolicLink(root.resolve(escapeId.substring(0, 2)).resolve(escapeId), outside);

        try (IosBackupSource src = IosBackupSource.open(root)) {
            ArtifactRef traversal = src.find(ArtifactPattern.anyDomain("traversal")).get(0);
            assertThat(traversal.id()).isEqualTo("../../outside.txt");
            assertThat(traversal.meta()).isEqualTo(FileMeta.UNKNOWN);
            assertThat(src.hasContent(traversal)).isFalse();
            assertThatThrownBy(() -> src.localFile(traversal)).isInstanceOf(IOException.class)
                    .hasMessage("HomeDomain/traversal: refusing fileID \"../../outside.txt\" "
                            + "(not 40 lower-case hex characters)");
            assertThat(src.byId("../../outside.txt")).isEmpty();

            ArtifactRef escape = src.byId(escapeId).orElseThrow();
            assertThat(src.hasContent(escape)).isFalse();
            assertThatThrownBy(() -> src.open(escape)).isInstanceOf(IOException.class)
                    .hasMessageContaining("resolves outside the backup");

            assertThat(src.rootFile("../outside.txt")).isEmpty();
            Files.createSymbolicLink(root.resolve("Status.plist"), outside);
            assertThat(src.rootFile("Status.plist")).isEmpty();
            assertThat(src.rootFile("Info.plist")).contains(root.resolve("Info.plist"));
        }
    }

    @Test
    void inputFilesListsEveryFileSorted(@TempDir Path tmp) throws Exception {
        Path root = BackupFixture.at(tmp.resolve("b")).file("HomeDomain", "Library/SMS/sms.db", "s")
                .file("HomeDomain", "Library/TCC/TCC.db", "t").write();
        try (IosBackupSource src = IosBackupSource.open(root)) {
            assertThat(src.inputFiles()).containsExactly(
                    root.resolve("3d").resolve(SMS_ID),
                    root.resolve("64").resolve("64d0019cb3d46bfc8cce545a8ba54b93e7ea9347"),
                    root.resolve("Info.plist"),
                    root.resolve("Manifest.db"));
        }
    }

    @Test
    void folderOneLevelUpIsResolved(@TempDir Path tmp) throws Exception {
        Path backup = standard(tmp.resolve("MobileSync/Backup/device-id")).write();
        Files.createDirectories(tmp.resolve("MobileSync/Backup/not-a-backup"));
        try (IosBackupSource src = IosBackupSource.open(tmp.resolve("MobileSync/Backup"))) {
            assertThat(src.root()).isEqualTo(backup.toAbsolutePath().normalize());
            assertThat(src.entryCount()).isEqualTo(8);
        }
    }

    @Test
    void severalBackupsOneLevelUpAreAmbiguous(@TempDir Path tmp) throws Exception {
        standard(tmp.resolve("Backup/one")).write();
        standard(tmp.resolve("Backup/two")).write();
        Path parent = tmp.resolve("Backup").toAbsolutePath();
        assertThatThrownBy(() -> IosBackupSource.open(parent))
                .isInstanceOf(UnrecognisedSourceException.class)
                .hasMessage("Found multiple iTunes backups in " + parent
                        + " (2 backup folders). Please give one backup folder.");
    }

    @Test
    void missingPathAndNonBackupFolderAreRejected(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> IosBackupSource.open(missing))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(missing + ": no such file or directory");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> IosBackupSource.open(empty))
                .isInstanceOf(UnrecognisedSourceException.class)
                .hasMessage(empty + " does not appear to be an iTunes backup folder. Expected Manifest.db and "
                        + "Info.plist.");

        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertThatThrownBy(() -> IosBackupSource.open(file))
                .isInstanceOf(UnrecognisedSourceException.class)
                .hasMessage(file + " does not appear to be an iTunes backup folder (it is a file, not a folder). "
                        + "Expected Manifest.db and Info.plist.");
    }

    @Test
    void encryptedBackupsAskForThePassword(@TempDir Path tmp) throws Exception {
        Path flagged = standard(tmp.resolve("flagged")).manifestPlist(true, true).write();
        assertThatThrownBy(() -> IosBackupSource.open(flagged))
                .isInstanceOf(EncryptedSourceException.class)
                .hasMessage(flagged + " is an encrypted iTunes backup (Manifest.plist: IsEncrypted is true): "
                        + "give the backup password (--password) to decrypt it");

        Path keybag = standard(tmp.resolve("keybag")).manifestPlist(false, true).write();
        Files.write(keybag.resolve("Manifest.db"), new byte[] {(byte) 0x8f, 0x12, 0x33, 0x01, 0x02, 0x03});
        assertThatThrownBy(() -> IosBackupSource.open(keybag))
                .isInstanceOf(EncryptedSourceException.class)
                .hasMessageContaining("Manifest.db is not an SQLite database and Manifest.plist holds a "
                        + "BackupKeyBag")
                .hasMessageContaining("password");

        Path plain = standard(tmp.resolve("plain")).manifestPlist(false, true).write();
        try (IosBackupSource src = IosBackupSource.open(plain)) {
            assertThat(src.entryCount()).isEqualTo(8);
        }
    }

    @Test
    void nonSqliteManifestIsCorrupt(@TempDir Path tmp) throws Exception {
        Path root = standard(tmp.resolve("b")).write();
        Path db = root.resolve("Manifest.db");
        Files.writeString(db, "this is not a database at all");
        assertThatThrownBy(() -> IosBackupSource.open(root))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(db + ": not an SQLite database");

        Files.write(db, new byte[0]);
        assertThatThrownBy(() -> IosBackupSource.open(root))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(db + ": empty file (0 bytes), not an SQLite database");
    }

    @Test
    void truncatedManifestIsCorrupt(@TempDir Path tmp) throws Exception {
        BackupFixture f = BackupFixture.at(tmp.resolve("b"));
        for (int i = 0; i < 3000; i++) {
            f.dir("HomeDomain", "Library/Folder" + i);
        }
        Path root = f.write();
        Path db = root.resolve("Manifest.db");
        byte[] full = Files.readAllBytes(db);
        assertThat(full.length).isGreaterThan(100_000);
        Files.write(db, java.util.Arrays.copyOf(full, 8192));

        assertThatThrownBy(() -> IosBackupSource.open(root))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(db + ": ")
                .hasMessageContaining("malformed");
    }

    @Test
    void manifestWithoutFilesTableIsUnsupported(@TempDir Path tmp) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("b"));
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + root.resolve("Manifest.db"));
                var st = c.createStatement()) {
            st.execute("CREATE TABLE Other (x TEXT)");
        }
        assertThatThrownBy(() -> IosBackupSource.open(root))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(root.resolve("Manifest.db") + ": no Files table with columns fileID, domain, "
                        + "relativePath, flags, file");
    }

    @Test
    void corruptInfoPlistIsCorruptAndNamed(@TempDir Path tmp) throws Exception {
        Path root = standard(tmp.resolve("b")).write();
        Files.writeString(root.resolve("Info.plist"), "<?xml version=\"1.0\"?><plist><dict><key>x</key>");
        assertThatThrownBy(() -> IosBackupSource.open(root))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(root.resolve("Info.plist") + ": not a valid XML property list");
    }

    @Test
    void missingInfoPlistGivesEmptyDeviceInfo(@TempDir Path tmp) throws Exception {
        Path root = standard(tmp.resolve("b")).info(null).write();
        try (IosBackupSource src = IosBackupSource.open(root)) {
            assertThat(src.deviceInfo().properties()).isEmpty();
        }
    }

    @Test
    void realSampleBackup() throws Exception {
        Path sample = SharedData.iosBackup();
        try (IosBackupSource src = IosBackupSource.open(sample)) {
            assertThat(src.entryCount()).isEqualTo(3721);
            assertThat(src.deviceInfo().get("Build Version")).isEqualTo("18C66");
            assertThat(src.deviceInfo().get("Product Type")).isEqualTo("iPhone9,3");
            assertThat(src.deviceInfo().get("IMEI")).isNull();

            ArtifactRef sms = src.find(ArtifactPattern.of("HomeDomain", "Library/SMS/sms.db")).get(0);
            assertThat(sms.id()).isEqualTo(SMS_ID);
            assertThat(src.hasContent(sms)).isTrue();
            assertThat(sms.meta()).isEqualTo(new FileMeta(278528, 0100644, 501, 1566918489L, 1638501497L, 1638559914L));

            ArtifactRef history = src.find(ArtifactPattern.anyDomain("Library/Safari/History.db")).get(0);
            assertThat(history.id()).startsWith("1a0e7afc");
            assertThat(src.hasContent(history)).isFalse();

            assertThat(src.find(ArtifactPattern.of("CameraRollDomain", "*"))).hasSize(290);
            int[] count = {0};
            src.forEachEntry(r -> count[0]++);
            assertThat(count[0]).isEqualTo(3721);
            assertThat(src.inputFiles()).hasSize(13);
        }
    }
}
