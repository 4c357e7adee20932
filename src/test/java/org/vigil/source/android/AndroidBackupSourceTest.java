package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.WrongPasswordException;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.BackupCredentials;
import org.vigil.source.SourceKind;
import org.vigil.source.UnrecognisedSourceException;
import org.vigil.testing.SharedData;

class AndroidBackupSourceTest {
    private static final String DIR = "testdata/mvt-artifacts/android_backup";
    private static final String DF = AndroidBackupSource.TELEPHONY_DF;
    private static final ArtifactPattern ALL = ArtifactPattern.anyDomain(DF + "*");

    @TempDir
    Path tmp;

    private static List<String> ids(AndroidBackupSource s) {
        return s.find(ALL).stream().map(ArtifactRef::id).toList();
    }

    private Path write(String name, byte[] data) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, data);
        return p;
    }

    @Test
    void sampleFileExtractsTheTelephonyMembers() throws Exception {
        Path dir = SharedData.require(DIR);
        Path ws;
        try (AndroidBackupSource s = AndroidBackupSource.open(dir.resolve("backup.ab"), null)) {
            assertThat(s.kind()).isEqualTo(SourceKind.ANDROID_BACKUP);
            assertThat(s.isFile()).isTrue();
            assertThat(s.header()).isEqualTo(new AndroidBackup.Header(true, true, 1, "none"));
            assertThat(ids(s)).containsExactly(DF + "000000_sms_backup", DF + "000001_mms_backup");
            ArtifactRef sms = s.byId(DF + "000000_sms_backup").orElseThrow();
            assertThat(sms.meta().size()).isEqualTo(143);
            Path local = s.localFile(sms);
            ws = local.getParent();
            assertThat(local.startsWith(dir)).isFalse();
            assertThat(Files.readAllBytes(local)).isEqualTo(Files.readAllBytes(dir.resolve(DF + "000000_sms_backup")));
            try (var in = s.open(s.byId(DF + "000001_mms_backup").orElseThrow())) {
                assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(dir.resolve(DF + "000001_mms_backup")));
            }
            assertThat(s.inputFiles()).containsExactly(dir.resolve("backup.ab"));
            assertThat(s.rootFile("backup.ab")).isEmpty();
            assertThat(s.deviceInfo().properties()).isEmpty();
        }
        assertThat(ws).doesNotExist();
    }

    @Test
    void sampleEncryptedFile() throws Exception {
        Path ab = SharedData.require(DIR + "/backup2.ab");
        try (AndroidBackupSource s = AndroidBackupSource.open(ab, BackupCredentials.password("123456"))) {
            assertThat(ids(s)).containsExactly(DF + "000000_sms_backup");
        }
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, BackupCredentials.password("12345")))
                .isInstanceOf(WrongPasswordException.class).hasMessage(ab + ": Invalid backup password");
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null)).isInstanceOf(EncryptedSourceException.class);
    }

    @Test
    void sampleFolderIsReadInPlace() throws Exception {
        Path dir = SharedData.require(DIR);
        try (AndroidBackupSource s = AndroidBackupSource.open(dir, null)) {
            assertThat(s.isFile()).isFalse();
            assertThat(s.header()).isNull();
            assertThat(ids(s)).containsExactly(DF + "000000_sms_backup", DF + "000001_mms_backup");
            ArtifactRef mms = s.find(ArtifactPattern.anyDomain(DF + "*_mms_backup")).get(0);
            assertThat(s.localFile(mms)).isEqualTo(dir.resolve(DF + "000001_mms_backup"));
            assertThat(s.inputFiles()).contains(dir.resolve("backup.ab"), dir.resolve(DF + "000000_sms_backup"))
                    .hasSize(5);
            assertThat(s.rootFile("backup3.ab")).contains(dir.resolve("backup3.ab"));
            assertThat(s.rootFile("../android_data")).isEmpty();
        }
    }

    @Test
    void unsafeAndOddMembersAreSkipped() throws Exception {
        byte[] ok = "data".getBytes(StandardCharsets.UTF_8);
        String longName = DF + "x".repeat(120) + "_sms_backup";
        byte[] tar = new AbFixtures.Tar()
                .file(DF + "../../../../evil", ok)
                .file(DF + "sub/dir_sms_backup", ok)
                .symlink(DF + "link_sms_backup", "/etc/passwd")
                .file("/etc/cron.d/x", ok)
                .file("apps/other/f/1_sms_backup", ok)
                .file(DF + "000000_sms_backup", ok)
                .file(DF + "000000_sms_backup", "second".getBytes(StandardCharsets.UTF_8))
                .paxFile(longName, ok)
                .bytes();
        Path ab = write("odd.ab", AbFixtures.ab(5, true, tar));
        try (AndroidBackupSource s = AndroidBackupSource.open(ab, null)) {
            assertThat(ids(s)).containsExactly(DF + "000000_sms_backup", longName);
            assertThat(Files.readString(s.localFile(s.byId(DF + "000000_sms_backup").orElseThrow()))).isEqualTo("data");
            for (ArtifactRef r : s.find(ALL)) {
                assertThat(s.localFile(r).getParent().getFileName().toString()).startsWith("vigil-android-backup-");
            }
        }
        assertThat(tmp.getParent().resolve("evil")).doesNotExist();
    }

    @Test
    void entryAndTotalCaps() throws Exception {
        byte[] tar = new AbFixtures.Tar().file(DF + "1_sms_backup", new byte[100]).file(DF + "2_sms_backup",
                new byte[100]).bytes();
        Path ab = write("big.ab", AbFixtures.ab(5, false, tar));
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null, new AndroidBackupSource.Limits(99, 1000, 1 << 20)))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(ab.toAbsolutePath() + ": tar member " + DF + "1_sms_backup is 100 bytes, more than the"
                        + " 99-byte limit");
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null, new AndroidBackupSource.Limits(100, 150, 1 << 20)))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(ab.toAbsolutePath() + ": the telephony files exceed 150 bytes in all");
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null, new AndroidBackupSource.Limits(100, 1000, 1000)))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("the backup's tar data exceeds 1000 bytes");
    }

    @Test
    void linkTypesAreNeverExtracted() throws Exception {
        byte[] ok = "data".getBytes(StandardCharsets.UTF_8);
        byte[] tar = new AbFixtures.Tar()
                .file(DF + "000000_sms_backup", ok)
                .entry(DF + "hard_sms_backup", '1', new byte[0], DF + "000000_sms_backup")
                .entry(DF + "sym_sms_backup", '2', new byte[0], "../../../../etc/passwd")
                .entry(DF + "fifo_sms_backup", '6', new byte[0], "")
                .entry(DF + "chr_sms_backup", '3', new byte[0], "")
                .entry(DF + "contig_sms_backup", '7', ok, "")
                .bytes();
        Path ab = write("links.ab", AbFixtures.ab(5, false, tar));
        try (AndroidBackupSource s = AndroidBackupSource.open(ab, null)) {
            assertThat(ids(s)).containsExactly(DF + "000000_sms_backup", DF + "contig_sms_backup");
        }
    }

    @Test
    void oversizedExtendedHeaderIsRefused() throws Exception {
        String rec = " comment=" + "x".repeat(2 * BoundedTar.MAX_META) + "\n";
        int total = rec.length() + String.valueOf(rec.length()).length();
        byte[] pax = (total + rec).getBytes(StandardCharsets.UTF_8);
        byte[] tar = new AbFixtures.Tar().entry("PaxHeader/x", 'x', pax, "")
                .file(DF + "000000_sms_backup", new byte[1]).bytes();
        Path ab = write("bigpax.ab", AbFixtures.ab(5, false, tar));
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(ab + ": the backup data is truncated or corrupt (tar extended header larger than "
                        + BoundedTar.MAX_META + " bytes)");
    }

    @Test
    void truncatedMemberIsCorrupt() throws Exception {
        byte[] tar = new AbFixtures.Tar().file(DF + "000000_sms_backup", new byte[4000]).bytes();
        Path ab = write("cutmember.ab", AbFixtures.ab(5, false, Arrays.copyOf(tar, 1024)));
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(ab + ": the backup data is truncated or corrupt (");
    }

    @Test
    void truncatedZlibIsCorrupt() throws Exception {
        byte[] tar = new AbFixtures.Tar().file(DF + "1_sms_backup", AbFixtures.zjson("[]")).bytes();
        byte[] ab = AbFixtures.ab(5, true, tar);
        Path cut = write("cut.ab", Arrays.copyOf(ab, ab.length - 10));
        assertThatThrownBy(() -> AndroidBackupSource.open(cut, null))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(cut + ": the backup data is truncated or corrupt (Unexpected end of ZLIB input stream)");
        assertThat(Files.list(tmp).toList()).containsExactly(cut);
    }

    @Test
    void notATarIsCorrupt() throws Exception {
        byte[] junk = new byte[1024];
        Arrays.fill(junk, (byte) 'A');
        Path ab = write("junk.ab", AbFixtures.ab(5, false, junk));
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(ab + ": the backup data is truncated or corrupt (bad tar header (not a tar stream, or"
                        + " corrupt))");
    }

    @Test
    void badHeaderFile() throws Exception {
        Path ab = write("bad.ab", "ANDROID BACKUP\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> AndroidBackupSource.open(ab, null))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(ab + ": Invalid backup format, file should be in .ab format (incomplete header)");
    }

    @Test
    void folderWithoutAppsIsNotABackup() throws Exception {
        assertThatThrownBy(() -> AndroidBackupSource.open(tmp, null))
                .isInstanceOf(UnrecognisedSourceException.class)
                .hasMessage(tmp + " is not an Android backup folder (no apps/ folder)");
    }

    @Test
    void folderSymlinksAreIgnored() throws Exception {
        Path df = Files.createDirectories(tmp.resolve("b").resolve(DF));
        Files.writeString(df.resolve("000000_sms_backup"), "x");
        Path outside = Files.writeString(tmp.resolve("secret"), "s");
        Files.createSymbolicLink(df.resolve("000001_sms_backup"), outside);
        try (AndroidBackupSource s = AndroidBackupSource.open(tmp.resolve("b"), null)) {
            assertThat(ids(s)).containsExactly(DF + "000000_sms_backup");
        }
    }

    @Test
    void probeDetectsFilesAndFolders() throws Exception {
        AndroidBackupProbe probe = new AndroidBackupProbe();
        Path plain = write("plain", AbFixtures.ab(5, true, new AbFixtures.Tar().bytes()));
        Path enc = write("enc.ab", AbFixtures.abEncrypted(5, true, new AbFixtures.Tar().bytes(), "pw", 10));
        Path damaged = write("damaged.ab", "garbage".getBytes(StandardCharsets.US_ASCII));
        Path other = write("other.txt", "garbage".getBytes(StandardCharsets.US_ASCII));
        Files.createDirectories(tmp.resolve("folder/apps"));
        assertThat(probe.detect(plain)).contains(SourceKind.ANDROID_BACKUP);
        assertThat(probe.detect(enc)).contains(SourceKind.ANDROID_BACKUP);
        assertThat(probe.detect(damaged)).contains(SourceKind.ANDROID_BACKUP);
        assertThat(probe.detect(other)).isEmpty();
        assertThat(probe.detect(tmp.resolve("folder"))).contains(SourceKind.ANDROID_BACKUP);
        assertThat(probe.detect(tmp)).isEqualTo(Optional.empty());
        assertThat(AndroidBackupProbe.needsPassword(enc)).isTrue();
        assertThat(AndroidBackupProbe.needsPassword(plain)).isFalse();
        assertThat(AndroidBackupProbe.needsPassword(tmp.resolve("folder"))).isFalse();
        try (var s = probe.open(enc, SourceKind.ANDROID_BACKUP, BackupCredentials.password("pw"))) {
            assertThat(s.kind()).isEqualTo(SourceKind.ANDROID_BACKUP);
        }
        assertThatThrownBy(() -> probe.open(enc, SourceKind.ANDROID_BACKUP)).isInstanceOf(EncryptedSourceException.class);
    }

    private static List<String> workspaces() throws Exception {
        try (var list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vigil-android-backup-"))
                    .sorted().toList();
        }
    }

    @Test
    void failedOpenLeavesNoWorkspace() throws Exception {
        List<String> before = workspaces();
        byte[] tar = new AbFixtures.Tar().file(DF + "1_sms_backup", new byte[5000]).bytes();
        byte[] ab = AbFixtures.ab(5, true, tar);
        Path cut = write("cut2.ab", Arrays.copyOf(ab, ab.length - 4));
        assertThatThrownBy(() -> AndroidBackupSource.open(cut, null)).isInstanceOf(CorruptArtifactException.class);
        Path enc = write("enc2.ab", AbFixtures.abEncrypted(5, true, tar, "pw", 10));
        assertThatThrownBy(() -> AndroidBackupSource.open(enc, BackupCredentials.password("no")))
                .isInstanceOf(WrongPasswordException.class);
        assertThat(workspaces()).isEqualTo(before);
    }

    @Test
    void evidenceIsUntouched() throws Exception {
        byte[] tar = new AbFixtures.Tar().file(DF + "1_sms_backup", AbFixtures.zjson("[]")).bytes();
        byte[] data = AbFixtures.abEncrypted(5, true, tar, "pw", 10);
        Path ab = write("e3.ab", data);
        var mtime = Files.getLastModifiedTime(ab);
        try (AndroidBackupSource s = AndroidBackupSource.open(ab, BackupCredentials.password("pw"))) {
            assertThat(ids(s)).containsExactly(DF + "1_sms_backup");
        }
        assertThat(Files.readAllBytes(ab)).isEqualTo(data);
        assertThat(Files.getLastModifiedTime(ab)).isEqualTo(mtime);
        assertThat(Files.list(tmp).toList()).containsExactly(ab);
    }
}
