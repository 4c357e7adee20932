package org.vigil.source.iosbackup.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Key derivation with the counts of real iOS 10.2+ backups (DPIC 10,000,000 SHA-256 iterations,
 * ITER 10,000 SHA-1 iterations). Checks the key against a value computed with Python's
 * hashlib.pbkdf2_hmac and prints the time taken (a figure for the notes, never asserted).
 */
@Tag("slow")
class RealIterationCountsTest {
    @Test
    void derivesTheKeyWithRealIterationCounts() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        BackupEncryptor.tlv(b, "VERS", ByteBuffer.allocate(4).putInt(4).array());
        BackupEncryptor.tlv(b, "TYPE", ByteBuffer.allocate(4).putInt(1).array());
        BackupEncryptor.tlv(b, "UUID", new byte[16]);
        BackupEncryptor.tlv(b, "SALT", range(0x21));
        BackupEncryptor.tlv(b, "ITER", ByteBuffer.allocate(4).putInt(10_000).array());
        BackupEncryptor.tlv(b, "DPIC", ByteBuffer.allocate(4).putInt(10_000_000).array());
        BackupEncryptor.tlv(b, "DPSL", range(1));
        Keybag bag = Keybag.parse(b.toByteArray(), "real-counts keybag");
        long start = System.nanoTime();
        byte[] key = bag.deriveKey("correct horse é".getBytes(StandardCharsets.UTF_8));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("Key derivation with real counts (PBKDF2-SHA256 x 10,000,000 + PBKDF2-SHA1 x 10,000):"
                + " %d ms on %d processors%n", millis, Runtime.getRuntime().availableProcessors());
        assertThat(HexFormat.of().formatHex(key))
                .isEqualTo("ee018a7bc2fa4fcffe8ded04caa0c75daca724caae1509d519af3b96573be53d");
    }

    private static byte[] range(int from) {
        byte[] r = new byte[20];
        for (int i = 0; i < r.length; i++) {
            r[i] = (byte) (from + i);
        }
        return r;
    }
}
