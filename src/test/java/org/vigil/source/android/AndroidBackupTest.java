package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.WrongPasswordException;
import org.vigil.source.BackupCredentials;
import org.vigil.testing.SharedData;

class AndroidBackupTest {
    private static final long CAP = 1L << 30;
    private static final String DIR = "testdata/mvt-artifacts/android_backup/";

    @TempDir
    Path tmp;

    private static String tarSha256(Path ab, BackupCredentials creds) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = AndroidBackup.openTar(ab, creds, CAP)) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static List<String> members(byte[] tar) throws Exception {
        List<String> names = new ArrayList<>();
        try (BoundedTar r = new BoundedTar(new ByteArrayInputStream(tar))) {
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
            while ((e = r.next()) != null) {
                char type = e.getLinkFlag() == 0 ? '0' : (char) e.getLinkFlag();
                names.add(e.getName() + ":" + type + ":" + e.getSize());
            }
        }
        return names;
    }

    // --- real samples (MVT backup_parser tests) --------------------------------------------------

    @Test
    void noEncryptionSampleTarHash() throws Exception {
        Path ab = SharedData.require(DIR + "backup.ab");
        assertThat(AndroidBackup.readHeader(ab)).isEqualTo(new AndroidBackup.Header(true, true, 1, "none"));
        assertThat(tarSha256(ab, null)).isEqualTo("ce1ac5009fea5187a9f546b51e1446ba450243ae91d31dc779233ec0937b5d18");
    }

    @Test
    void encryptedSampleTarHash() throws Exception {
        Path ab = SharedData.require(DIR + "backup2.ab");
        assertThat(AndroidBackup.readHeader(ab)).isEqualTo(new AndroidBackup.Header(true, false, 5, "AES-256"));
        assertThat(AndroidBackup.isEncrypted(ab)).isTrue();
        assertThat(tarSha256(ab, BackupCredentials.password("123456")))
                .isEqualTo("f365ace1effbc4902c6aeba241ca61544f8a96ad456c1861808ea87b7dd03896");
    }

    @Test
    void compressedSampleTarHash() throws Exception {
        Path ab = SharedData.require(DIR + "backup3.ab");
        assertThat(AndroidBackup.readHeader(ab)).isEqualTo(new AndroidBackup.Header(true, true, 5, "none"));
        assertThat(tarSha256(ab, null)).isEqualTo("33e73df2ede9798dcb3a85c06200ee41c8f52dd2f2e50ffafcceb0407bc13e3a");
    }

    @Test
    void sampleTarMembers() throws Exception {
        Path ab = SharedData.require(DIR + "backup.ab");
        byte[] tar;
        try (InputStream in = AndroidBackup.openTar(ab, null, CAP)) {
            tar = in.readAllBytes();
        }
        assertThat(tar).hasSize(10240);
        assertThat(members(tar)).containsExactly("apps/:5:0", "apps/com.android.providers.telephony/:5:0",
                "apps/com.android.providers.telephony/d_f/:5:0",
                "apps/com.android.providers.telephony/d_f/000001_mms_backup:0:226",
                "apps/com.android.providers.telephony/d_f/000000_sms_backup:0:143");
    }

    @Test
    void wrongPasswordOnSample() {
        Path ab = SharedData.require(DIR + "backup2.ab");
        assertThatThrownBy(() -> AndroidBackup.openTar(ab, BackupCredentials.password("654321"), CAP))
                .isInstanceOf(WrongPasswordException.class)
                .hasMessage(ab + ": Invalid backup password");
    }

    @Test
    void encryptedSampleWithoutPassword() {
        Path ab = SharedData.require(DIR + "backup2.ab");
        assertThatThrownBy(() -> AndroidBackup.openTar(ab, null, CAP))
                .isInstanceOf(EncryptedSourceException.class)
                .hasMessageContaining("the Android backup is encrypted");
    }

    // --- header ------------------------------------------------------------------------------------

    @Test
    void incompleteHeaderIsNotABackup() {
        AndroidBackup.Header h = AndroidBackup.Header.parse("ANDROID BACKUP\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(h).isEqualTo(new AndroidBackup.Header(false, null, null, null));
        assertThat(h.encrypted()).isFalse();
    }

    @Test
    void completeHeaderParses() {
        assertThat(AndroidBackup.Header.parse("ANDROID BACKUP\n4\n0\nnone\nxyz".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(new AndroidBackup.Header(true, false, 4, "none"));
    }

    @Test
    void truncatedEncryptedHeader() {
        byte[] data = "ANDROID BACKUP\n5\n0\nAES-256\ntruncated".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AndroidBackup.openTar(new ByteArrayInputStream(data), "x.ab",
                BackupCredentials.password("123456"), CAP))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("x.ab: Invalid encrypted backup header (truncated)");
    }

    @Test
    void badHeaders() {
        for (String text : List.of("NOT A BACKUP\n1\n0\nnone\n", "ANDROID BACKUP\nx\n0\nnone\n",
                "ANDROID BACKUP\n6\n0\nnone\n", "ANDROID BACKUP\n1\n2\nnone\n", "ANDROID BACKUP\n1\n0\n",
                "", "PK\u0003\u0004")) {
            byte[] data = text.getBytes(StandardCharsets.ISO_8859_1);
            assertThatThrownBy(() -> AndroidBackup.openTar(new ByteArrayInputStream(data), "x.ab", null, CAP))
                    .as(text)
                    .isInstanceOf(CorruptArtifactException.class)
                    .hasMessageStartingWith("x.ab: Invalid backup format, file should be in .ab format (");
        }
    }

    @Test
    void unknownEncryptionIsUnsupported() {
        byte[] data = "ANDROID BACKUP\n5\n0\nDES\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AndroidBackup.openTar(new ByteArrayInputStream(data), "x.ab",
                BackupCredentials.password("a"), CAP))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage("x.ab: encryption \"DES\" is not supported (only AES-256)");
    }

    @Test
    void hugeRoundCountIsRefused() {
        byte[] data = ("ANDROID BACKUP\n5\n0\nAES-256\n00\n00\n2000000000\n" + "00".repeat(16) + "\n"
                + "00".repeat(16) + "\n").getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> AndroidBackup.openTar(new ByteArrayInputStream(data), "x.ab",
                BackupCredentials.password("a"), CAP))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("x.ab: Invalid encrypted backup header (round count 2000000000 out of range)");
    }

    // --- fixtures: every version, compression, encryption ---------------------------------------------

    private static byte[] sampleTar() {
        return new AbFixtures.Tar().dir("apps/").file("apps/a/f", "hello".getBytes(StandardCharsets.UTF_8))
                .bytes();
    }

    private static byte[] read(byte[] ab, BackupCredentials c) throws Exception {
        try (InputStream in = AndroidBackup.openTar(new ByteArrayInputStream(ab), "x.ab", c, CAP)) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyVersionPlainAndCompressed() throws Exception {
        byte[] tar = sampleTar();
        for (int v = 1; v <= 5; v++) {
            for (boolean z : new boolean[] {false, true}) {
                assertThat(read(AbFixtures.ab(v, z, tar), null)).as("v%d z%s", v, z).isEqualTo(tar);
            }
        }
    }

    @Test
    void encryptedVersionsOneAndFiveWithJavaChecksumQuirk() throws Exception {
        byte[] tar = sampleTar();
        for (int v : new int[] {1, 2, 5}) {
            for (boolean z : new boolean[] {false, true}) {
                byte[] ab = AbFixtures.abEncrypted(v, z, tar, "pässwörd", 1000);
                assertThat(read(ab, BackupCredentials.password("pässwörd"))).as("v%d z%s", v, z).isEqualTo(tar);
                assertThatThrownBy(() -> read(ab, BackupCredentials.password("passwörd")))
                        .isInstanceOf(WrongPasswordException.class).hasMessage("x.ab: Invalid backup password");
            }
        }
    }

    @Test
    void derivedUserKeyAlsoUnlocks() throws Exception {
        // a BackupCredentials key is taken as the PBKDF2 user key: wrong here, so refused
        byte[] ab = AbFixtures.abEncrypted(5, true, sampleTar(), "pw", 100);
        assertThatThrownBy(() -> read(ab, BackupCredentials.key(new byte[32])))
                .isInstanceOf(WrongPasswordException.class);
    }

    @Test
    void truncatedZlibStreamFailsWhileReading() throws Exception {
        byte[] ab = AbFixtures.ab(5, true, sampleTar());
        byte[] cut = Arrays.copyOf(ab, ab.length - 12);
        assertThatThrownBy(() -> read(cut, null)).isInstanceOf(java.io.EOFException.class)
                .hasMessage("Unexpected end of ZLIB input stream");
    }

    @Test
    void corruptZlibStreamFailsWhileReading() throws Exception {
        byte[] ab = AbFixtures.ab(5, true, sampleTar());
        ab[40] ^= 0x55;
        ab[41] ^= 0x55;
        assertThatThrownBy(() -> read(ab, null)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void truncatedCiphertextFailsWhileReading() throws Exception {
        byte[] ab = AbFixtures.abEncrypted(5, false, sampleTar(), "pw", 100);
        byte[] cut = Arrays.copyOf(ab, ab.length - 7);
        assertThatThrownBy(() -> read(cut, BackupCredentials.password("pw"))).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void tarStreamIsCapped() throws Exception {
        byte[] tar = new AbFixtures.Tar().file("apps/big", new byte[100_000]).bytes();
        byte[] ab = AbFixtures.ab(5, true, tar);
        assertThatThrownBy(() -> {
            try (InputStream in = AndroidBackup.openTar(new ByteArrayInputStream(ab), "x.ab", null, 50_000)) {
                in.readAllBytes();
            }
        }).isInstanceOf(java.io.IOException.class)
                .hasMessage("x.ab: the backup's tar data exceeds 50000 bytes (decompression bomb?)");
    }

    @Test
    void fileHelpers() throws Exception {
        Path plain = tmp.resolve("p.ab");
        Files.write(plain, AbFixtures.ab(3, false, sampleTar()));
        Path enc = tmp.resolve("e.ab");
        Files.write(enc, AbFixtures.abEncrypted(3, false, sampleTar(), "pw", 10));
        Path other = tmp.resolve("o.txt");
        Files.writeString(other, "hello");
        assertThat(AndroidBackup.isAndroidBackup(plain)).isTrue();
        assertThat(AndroidBackup.isEncrypted(plain)).isFalse();
        assertThat(AndroidBackup.isEncrypted(enc)).isTrue();
        assertThat(AndroidBackup.isAndroidBackup(other)).isFalse();
        assertThat(AndroidBackup.isAndroidBackup(tmp)).isFalse();
    }

    // --- crypto helpers ------------------------------------------------------------------------------

    @Test
    void pbkdf2MatchesRfc6070AndTheJdk() throws Exception {
        assertThat(HexFormat.of().formatHex(AndroidBackup.pbkdf2Sha1("password".getBytes(StandardCharsets.US_ASCII),
                "salt".getBytes(StandardCharsets.US_ASCII), 2, 20))).isEqualTo("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        assertThat(AndroidBackup.pbkdf2Sha1("123456".getBytes(StandardCharsets.UTF_8), salt, 1000, 32))
                .isEqualTo(AbFixtures.pbkdf2Chars("123456".toCharArray(), salt, 1000));
    }

    @Test
    void javaUtf8ExpansionOfHighBytes() {
        assertThat(AndroidBackup.javaUtf8(new byte[] {0x41, (byte) 0x80, (byte) 0xff, 0x7f}))
                .isEqualTo(new byte[] {0x41, (byte) 0xef, (byte) 0xbe, (byte) 0x80, (byte) 0xef, (byte) 0xbf,
                    (byte) 0xbf, 0x7f});
        char[] chars = {(char) (byte) 0x80, (char) (byte) 0xff};
        assertThat(AndroidBackup.javaUtf8(new byte[] {(byte) 0x80, (byte) 0xff}))
                .isEqualTo(new String(chars).getBytes(StandardCharsets.UTF_8));
    }
}
