package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.WrongPasswordException;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;

class AgeAcquisitionTest {
    @TempDir
    Path tmp;

    private AgeFixtures.Key key;
    private AgeIdentities identities;

    @BeforeEach
    void keys() throws Exception {
        key = AgeFixtures.newKey();
        identities = AgeIdentities.read(AgeFixtures.identityFile(tmp.resolve("key.txt"), key));
    }

    private Path encrypted(byte[] plain, String name) throws Exception {
        return AgeFixtures.write(tmp.resolve(name), AgeFixtures.encrypt(plain, false, key));
    }

    @Test
    void inMemorySourceListsAndReadsWhatTheZipSourceDoes() throws Exception {
        byte[] zip = AgeFixtures.zip(AgeFixtures.androidqf("m1"));
        Path plain = AgeFixtures.write(tmp.resolve("acq.zip"), zip);
        Path age = encrypted(zip, "acq.zip.age");
        assertThat(AgeAcquisition.isAge(age)).isTrue();
        assertThat(AgeAcquisition.isAge(plain)).isFalse();
        try (AndroidQfSource z = AndroidQfSource.open(plain); AndroidQfSource m = AgeAcquisition.open(age, identities)) {
            assertThat(m.isInMemory()).isTrue();
            assertThat(m.isZip()).isTrue();
            assertThat(m.fileNames()).isEqualTo(z.fileNames());
            assertThat(m.deviceInfo().properties()).isEqualTo(z.deviceInfo().properties())
                    .containsEntry(AndroidQfSource.DEVICE_TIMEZONE, "Europe/Paris");
            assertThat(m.acquisitionContext()).isEqualTo(z.acquisitionContext());
            for (String name : List.of("androidqf/getprop.txt", "androidqf/backup.ab", "androidqf/settings_global.txt")) {
                ArtifactRef a = z.byId(name).orElseThrow();
                ArtifactRef b = m.byId(name).orElseThrow();
                assertThat(b.meta().size()).isEqualTo(a.meta().size());
                assertThat(m.modifiedLocal(b)).isEqualTo(z.modifiedLocal(a)).isPresent();
                try (InputStream x = z.open(a); InputStream y = m.open(b)) {
                    assertThat(y.readAllBytes()).isEqualTo(x.readAllBytes());
                }
            }
            assertThat(m.find(ArtifactPattern.anyDomain("*/settings_*.txt"))).hasSize(1);
            assertThat(m.inputFiles()).containsExactly(age.toAbsolutePath().normalize());
            ArtifactRef getprop = m.byId("androidqf/getprop.txt").orElseThrow();
            assertThatThrownBy(() -> m.localFile(getprop)).hasMessageContaining("never written to disk");
            // APKs are listed but not kept: no module reads them
            ArtifactRef apk = m.byId("androidqf/apks/com.example.big.apk").orElseThrow();
            assertThat(apk.meta().size()).isEqualTo(300_000);
            assertThatThrownBy(() -> m.open(apk)).hasMessageContaining("APK files are not read by any module");
        }
    }

    @Test
    void armoredFilesAreReadToo() throws Exception {
        byte[] zip = AgeFixtures.zip(AgeFixtures.androidqf("m2"));
        Path age = AgeFixtures.write(tmp.resolve("a.zip.age"), AgeFixtures.encrypt(zip, true, key));
        assertThat(Files.readString(age, StandardCharsets.ISO_8859_1)).startsWith(AgeAcquisition.ARMOR);
        assertThat(AgeAcquisition.isAge(age)).isTrue();
        try (AndroidQfSource m = AgeAcquisition.open(age, identities)) {
            assertThat(m.readText(m.byId("androidqf/getprop.txt").orElseThrow(), 1000)).contains("Pixel m2");
        }
    }

    @Test
    void anyOfSeveralRecipientsAndIdentitiesWorks() throws Exception {
        AgeFixtures.Key other = AgeFixtures.newKey();
        byte[] zip = AgeFixtures.zip(AgeFixtures.androidqf("m3"));
        Path age = AgeFixtures.write(tmp.resolve("b.zip.age"), AgeFixtures.encrypt(zip, false, other, key));
        Path ids = Files.writeString(tmp.resolve("ids.txt"), "# two\n\n" + AgeFixtures.newKey().identity() + "\n"
                + key.identity().toLowerCase(java.util.Locale.ROOT) + "\r\n");
        AgeIdentities two = AgeIdentities.read(ids);
        assertThat(two.size()).isEqualTo(2);
        try (AndroidQfSource m = AgeAcquisition.open(age, two)) {
            assertThat(m.fileNames()).contains("androidqf/backup.ab");
        }
    }

    @Test
    void wrongIdentityIsAWrongPassword() throws Exception {
        Path age = encrypted(AgeFixtures.zip(AgeFixtures.androidqf("m4")), "c.zip.age");
        AgeIdentities wrong = AgeIdentities.read(AgeFixtures.identityFile(tmp.resolve("w.txt"), AgeFixtures.newKey()));
        assertThatThrownBy(() -> AgeAcquisition.open(age, wrong)).isInstanceOf(WrongPasswordException.class)
                .hasMessageContaining("wrong identity").hasMessageContaining("w.txt");
    }

    @Test
    void passphraseFilesAreNotSupported() throws Exception {
        // an scrypt stanza (what age -p writes) and no X25519 one
        Path age = Files.write(tmp.resolve("p.age"), ("age-encryption.org/v1\n-> scrypt c2FsdHNhbHRzYWx0c2FsdA 18\n"
                + "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWY\n--- bWFjbWFjbWFjbWFjbWFjbWFjbWFjbWFjbWFjbWE\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(AgeAcquisition.stanzaTypes(age)).containsExactly("scrypt");
        assertThatThrownBy(() -> AgeAcquisition.open(age, identities))
                .isInstanceOfAny(UnsupportedSchemaException.class, CorruptArtifactException.class)
                .hasMessageContaining(age.getFileName().toString());
    }

    @Test
    void truncatedFilesFailAsAWholeNeverAsAPartialCheck() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>(AgeFixtures.androidqf("m5"));
        byte[] big = new byte[300_000];
        new java.util.Random(1).nextBytes(big);
        entries.put("androidqf/logs/random.bin", big);
        byte[] enc = AgeFixtures.encrypt(AgeFixtures.zip(entries), false, key);
        int header = new String(enc, StandardCharsets.ISO_8859_1).indexOf("\n---") + 1;
        for (int cut : new int[] {30, header + 10, header + 70, enc.length / 2, enc.length - 1}) {
            Path age = AgeFixtures.write(tmp.resolve("t" + cut + ".age"), Arrays.copyOf(enc, cut));
            assertThatThrownBy(() -> AgeAcquisition.open(age, identities)).as("cut at %d", cut)
                    .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("truncated or corrupt");
        }
        byte[] tampered = enc.clone();
        tampered[enc.length - 100] ^= 1;
        Path t = AgeFixtures.write(tmp.resolve("tampered.age"), tampered);
        assertThatThrownBy(() -> AgeAcquisition.open(t, identities)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("payload is truncated or corrupt");
    }

    @Test
    void anUnfinishedZipInsideACompleteAgeFileIsRefused() throws Exception {
        byte[] zip = AgeFixtures.zip(AgeFixtures.androidqf("m6"));
        // cut the zip where the central directory starts: every entry is whole, the archive is not
        int cd = -1;
        for (int i = zip.length - 4; i >= 0; i--) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
                cd = i;
            }
        }
        Path age = encrypted(Arrays.copyOf(zip, cd), "u.zip.age");
        assertThatThrownBy(() -> AgeAcquisition.open(age, identities)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("incomplete");
        Path notZip = encrypted("hello, not a zip".getBytes(StandardCharsets.US_ASCII), "n.age");
        assertThatThrownBy(() -> AgeAcquisition.open(notZip, identities)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("not a zip archive");
    }

    @Test
    void theMemoryCapDropsTheLargestEntriesAndSaysSo() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>(AgeFixtures.androidqf("m7"));
        entries.put("androidqf/logs/big1.txt", new byte[100_000]);
        entries.put("androidqf/files.json", "[]".getBytes(StandardCharsets.US_ASCII));
        entries.put("androidqf/logs/big2.txt", new byte[90_000]);
        entries.put("androidqf/logs/big3.txt", new byte[130_000]);
        entries.put("androidqf/ps.txt", "USER PID\n".getBytes(StandardCharsets.US_ASCII));
        Path age = encrypted(AgeFixtures.zip(entries), "cap.zip.age");
        try (AndroidQfSource m = AgeAcquisition.open(age, identities, 120_000)) {
            // big1 was kept, then dropped for big2 (smaller); big3 alone passes the cap; the small ones all fit
            for (String small : List.of("androidqf/getprop.txt", "androidqf/backup.ab", "androidqf/files.json",
                    "androidqf/ps.txt", "androidqf/logs/big2.txt")) {
                try (InputStream in = m.open(m.byId(small).orElseThrow())) {
                    assertThat(in.readAllBytes()).isEqualTo(entries.get(small));
                }
            }
            for (String big : List.of("androidqf/logs/big1.txt", "androidqf/logs/big3.txt")) {
                ArtifactRef r = m.byId(big).orElseThrow();
                assertThatThrownBy(() -> m.open(r)).hasMessageContaining("in-memory cap").hasMessageContaining(big);
            }
        }
        MemoryZip z = AgeAcquisition.decrypt(age, identities, 120_000);
        assertThat(z.keptBytes()).isLessThanOrEqualTo(120_000);
        assertThat(z.unavailable()).containsOnlyKeys("androidqf/apks/com.example.big.apk", "androidqf/logs/big1.txt",
                "androidqf/logs/big3.txt");
    }

    @Test
    void unsafeNamesAreLeftOut() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>(AgeFixtures.androidqf("m8"));
        entries.put("../evil/getprop.txt", "x".getBytes(StandardCharsets.US_ASCII));
        entries.put("/abs/ps.txt", "x".getBytes(StandardCharsets.US_ASCII));
        Path age = encrypted(AgeFixtures.zip(entries), "s.zip.age");
        try (AndroidQfSource m = AgeAcquisition.open(age, identities)) {
            assertThat(m.fileNames()).noneMatch(n -> n.contains("evil") || n.startsWith("/"));
        }
    }

    @Test
    void nestedBackupIsReadFromMemory() throws Exception {
        Path age = encrypted(AgeFixtures.zip(AgeFixtures.androidqf("m9")), "nb.zip.age");
        try (AndroidQfSource m = AgeAcquisition.open(age, identities);
                MemoryBackupSource b = MemoryBackupSource.open(m.open(m.byId("androidqf/backup.ab").orElseThrow()),
                        Path.of(age + "!androidqf/backup.ab"), null)) {
            ArtifactRef sms = b.byId(AndroidBackupSource.TELEPHONY_DF + "000000_sms_backup").orElseThrow();
            try (InputStream in = new java.util.zip.InflaterInputStream(b.open(sms))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("https://example.net/m9");
            }
            assertThatThrownBy(() -> b.localFile(sms)).hasMessageContaining("never written to disk");
            assertThat(b.header().version()).isEqualTo(5);
        }
        byte[] cut = Arrays.copyOf(AgeFixtures.androidqf("x").get("androidqf/backup.ab"), 40);
        assertThatThrownBy(() -> MemoryBackupSource.open(new java.io.ByteArrayInputStream(cut), Path.of("cut.ab"), null))
                .isInstanceOf(CorruptArtifactException.class);
    }
}
