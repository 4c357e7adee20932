package org.vigil.source.iosbackup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.WrongPasswordException;

/**
 * Key derivation and unwrap against published vectors (RFC 6070 for PBKDF2-HMAC-SHA1, RFC 7914
 * section 11 for PBKDF2-HMAC-SHA256, RFC 3394 section 4.6 for the key wrap) and against values
 * computed independently with Python's hashlib.pbkdf2_hmac for the two-stage iOS chain.
 */
class KeyDerivationTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pbkdf2Sha1MatchesRfc6070() {
        assertThat(HEX.formatHex(Pbkdf2.sha1(ascii("password"), ascii("salt"), 1, 20)))
                .isEqualTo("0c60c80f961f0e71f3a9b524af6012062fe037a6");
        assertThat(HEX.formatHex(Pbkdf2.sha1(ascii("password"), ascii("salt"), 2, 20)))
                .isEqualTo("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
        assertThat(HEX.formatHex(Pbkdf2.sha1(ascii("password"), ascii("salt"), 4096, 20)))
                .isEqualTo("4b007901b765489abead49d926f721d065a429c1");
        assertThat(HEX.formatHex(Pbkdf2.sha1(ascii("passwordPASSWORDpassword"),
                ascii("saltSALTsaltSALTsaltSALTsaltSALTsalt"), 4096, 25)))
                .isEqualTo("3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038");
        assertThat(HEX.formatHex(Pbkdf2.sha1(ascii("pass\0word"), ascii("sa\0lt"), 4096, 16)))
                .isEqualTo("56fa6aa75548099dcc37d7f03425e0c3");
    }

    @Test
    void pbkdf2Sha256MatchesRfc7914() {
        assertThat(HEX.formatHex(Pbkdf2.sha256(ascii("passwd"), ascii("salt"), 1, 64))).isEqualTo(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        assertThat(HEX.formatHex(Pbkdf2.sha256(ascii("Password"), ascii("NaCl"), 80000, 64))).isEqualTo(
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    }

    @Test
    void pbkdf2AgreesWithTheJdkKeyFactoryOnTextPasswords() throws Exception {
        PBEKeySpec spec = new PBEKeySpec("ünïcødé pässwörd".toCharArray(), ascii("some salt"), 1234, 256);
        byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        assertThat(Pbkdf2.sha256(ascii("ünïcødé pässwörd"), ascii("some salt"), 1234, 32)).isEqualTo(jdk);
    }

    private static byte[] keybag(boolean twoStage, byte[] passcodeKey, byte[] classKey) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        BackupEncryptor.tlv(b, "VERS", new byte[] {0, 0, 0, 4});
        BackupEncryptor.tlv(b, "TYPE", new byte[] {0, 0, 0, 1});
        BackupEncryptor.tlv(b, "UUID", new byte[16]);
        BackupEncryptor.tlv(b, "WRAP", new byte[] {0, 0, 0, 0});
        BackupEncryptor.tlv(b, "SALT", range(0x21, 20));
        BackupEncryptor.tlv(b, "ITER", new byte[] {0, 0, 0, 100});
        if (twoStage) {
            BackupEncryptor.tlv(b, "DPIC", new byte[] {0, 0, 0x03, (byte) 0xE8});
            BackupEncryptor.tlv(b, "DPSL", range(1, 20));
        }
        BackupEncryptor.tlv(b, "UUID", new byte[16]);
        BackupEncryptor.tlv(b, "CLAS", new byte[] {0, 0, 0, 3});
        BackupEncryptor.tlv(b, "WRAP", new byte[] {0, 0, 0, 2});
        BackupEncryptor.tlv(b, "KTYP", new byte[] {0, 0, 0, 0});
        BackupEncryptor.tlv(b, "WPKY", AesKeyWrap.wrap(passcodeKey, classKey));
        BackupEncryptor.tlv(b, "UUID", new byte[16]);
        BackupEncryptor.tlv(b, "CLAS", new byte[] {0, 0, 0, 6});
        BackupEncryptor.tlv(b, "WRAP", new byte[] {0, 0, 0, 3}); // device-wrapped: not for a backup password
        BackupEncryptor.tlv(b, "WPKY", new byte[40]);
        return b.toByteArray();
    }

    private static byte[] range(int from, int n) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) (from + i);
        }
        return r;
    }

    @Test
    void twoStageDerivationMatchesAnIndependentComputation() throws Exception {
        Keybag bag = Keybag.parse(keybag(true, new byte[32], new byte[32]), "test");
        assertThat(bag.twoStageDerivation()).isTrue();
        // python3: k1 = pbkdf2_hmac('sha256', pw, bytes(range(1,21)), 1000, 32);
        //          pbkdf2_hmac('sha1', k1, bytes(range(0x21,0x35)), 100, 32)
        assertThat(HEX.formatHex(bag.deriveKey("correct horse é".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("855df3c9dd60782cf963972d965c26c3143ff2250b3ce088669b80ad3ff9e852");
    }

    @Test
    void singleStageBeforeIos102() throws Exception {
        Keybag bag = Keybag.parse(keybag(false, new byte[32], new byte[32]), "test");
        assertThat(bag.twoStageDerivation()).isFalse();
        assertThat(HEX.formatHex(bag.deriveKey("correct horse é".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("cd349af98dc12f55d24013c557a783e9e02bc1fe04137a2f0350b20c79e66f28");
    }

    @Test
    void keyWrapMatchesRfc3394Section46() {
        byte[] kek = HEX.parseHex("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        byte[] key = HEX.parseHex("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
        byte[] wrapped = HEX.parseHex("28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21");
        assertThat(AesKeyWrap.wrap(kek, key)).isEqualTo(wrapped);
        assertThat(AesKeyWrap.unwrap(kek, wrapped)).contains(key);
        kek[0] ^= 1;
        assertThat(AesKeyWrap.unwrap(kek, wrapped)).isEmpty();
    }

    @Test
    void keybagRecordsAttributesAndClassKeys() throws Exception {
        Keybag bag = Keybag.parse(keybag(true, new byte[32], new byte[32]), "test");
        assertThat(bag.attribute("ITER")).isEqualTo(100);
        assertThat(bag.attribute("DPIC")).isEqualTo(1000);
        assertThat(bag.attribute("TYPE")).isEqualTo(1);
        assertThat(bag.attribute("WRAP")).isZero();
        assertThat(bag.classKeys()).extracting(Keybag.ClassKey::protectionClass).containsExactly(3, 6);
        assertThat(bag.classKeys()).extracting(Keybag.ClassKey::wrap).containsExactly(2, 3);
        assertThat(bag.classKeys().get(0).wrappedKey()).hasSize(40);
    }

    @Test
    void unlockUnwrapsPasscodeWrappedClassKeysAndDetectsAWrongKey() throws Exception {
        byte[] passcodeKey = range(7, 32);
        byte[] classKey = range(100, 32);
        Keybag bag = Keybag.parse(keybag(true, passcodeKey, classKey), "test");
        Map<Integer, byte[]> keys = bag.unlock(passcodeKey, "backup");
        assertThat(keys).containsOnlyKeys(3);
        assertThat(keys.get(3)).isEqualTo(classKey);
        byte[] wrong = passcodeKey.clone();
        wrong[31] ^= 0x55;
        assertThatThrownBy(() -> bag.unlock(wrong, "backup")).isInstanceOf(WrongPasswordException.class)
                .hasMessage("backup: wrong backup password or key (the keybag's class keys do not unwrap with it)");
    }

    @Test
    void damagedKeybagsAreCorrupt() {
        byte[] good = keybag(true, new byte[32], new byte[32]);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> Keybag.parse(truncated, "kb")).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("kb: keybag entry WPKY of 40 bytes runs past the end");
        ByteArrayOutputStream noSalt = new ByteArrayOutputStream();
        BackupEncryptor.tlv(noSalt, "VERS", new byte[] {0, 0, 0, 4});
        assertThatThrownBy(() -> Keybag.parse(noSalt.toByteArray(), "kb"))
                .isInstanceOf(CorruptArtifactException.class).hasMessage("kb: keybag has no SALT");
    }

    @Test
    void keyDerivationReportsEveryIterationOfBothStagesAsOneStep() throws Exception {
        Keybag bag = Keybag.parse(keybag(true, new byte[32], new byte[32]), "test");
        org.vigil.testing.RecordingProgress progress = new org.vigil.testing.RecordingProgress();
        assertThat(HEX.formatHex(bag.deriveKey("correct horse é".getBytes(StandardCharsets.UTF_8), progress)))
                .isEqualTo("855df3c9dd60782cf963972d965c26c3143ff2250b3ce088669b80ad3ff9e852");
        assertThat(progress.steps()).hasSize(1);
        org.vigil.testing.RecordingProgress.Recorded step = progress.steps().get(0);
        assertThat(step.label).isEqualTo("Deriving the backup key");
        assertThat(step.unit).isEqualTo(org.vigil.core.Progress.Unit.ITERATIONS);
        // 1000 SHA-256 iterations (one 32-byte block), then 100 SHA-1 iterations for each of two 20-byte blocks
        assertThat(step.total()).isEqualTo(1000 + 2 * 100);
        assertThat(step.done()).isEqualTo(1200);
        assertThat(step.closed()).isTrue();
    }

    @Test
    void pbkdf2ReportsItsRoundsInBatchesAndExactlyInTotal() {
        long[][] cases = {{1, 20}, {65_536, 20}, {65_537, 20}, {3, 40}};
        for (long[] c : cases) {
            long iterations = c[0];
            int length = (int) c[1];
            org.vigil.testing.RecordingProgress progress = new org.vigil.testing.RecordingProgress();
            try (org.vigil.core.Progress.Step step = progress.start("k", Pbkdf2.sha1Rounds(iterations, length),
                    org.vigil.core.Progress.Unit.ITERATIONS)) {
                byte[] withProgress = Pbkdf2.sha1(ascii("pw"), ascii("salt"), iterations, length, step);
                assertThat(withProgress).isEqualTo(Pbkdf2.sha1(ascii("pw"), ascii("salt"), iterations, length));
            }
            org.vigil.testing.RecordingProgress.Recorded step = progress.steps().get(0);
            assertThat(step.done()).as("%d iterations", iterations).isEqualTo(step.total())
                    .isEqualTo(iterations * ((length + 19) / 20));
            assertThat(step.advances()).isLessThanOrEqualTo(iterations / 65_536 + 2);
        }
    }
}
