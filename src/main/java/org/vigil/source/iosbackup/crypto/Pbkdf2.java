package org.vigil.source.iosbackup.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.vigil.core.Progress;

/**
 * PBKDF2 (RFC 8018 section 5.2) over the JDK's HMAC ({@link Mac}). The JDK's own
 * {@code PBKDF2WithHmac*} key factories take the password as characters, but iOS's second stage
 * uses the 32 raw bytes of the first stage as the password, so the construction is written here
 * on top of {@code Mac}; the MAC instance is keyed once and reused for every iteration.
 */
final class Pbkdf2 {
    /** Iterations between two progress reports (a power of two minus one, as a mask). */
    private static final long REPORT_MASK = (1 << 16) - 1;

    private Pbkdf2() {}

    /** HMAC rounds of a PBKDF2-HMAC-SHA1 derivation: each 20-byte output block runs every iteration. */
    static long sha1Rounds(long iterations, int length) {
        return iterations * ((length + 19) / 20);
    }

    /** HMAC rounds of a PBKDF2-HMAC-SHA256 derivation: each 32-byte output block runs every iteration. */
    static long sha256Rounds(long iterations, int length) {
        return iterations * ((length + 31) / 32);
    }

    /** PBKDF2-HMAC-SHA1. */
    static byte[] sha1(byte[] password, byte[] salt, long iterations, int length) {
        return derive("HmacSHA1", password, salt, iterations, length, Progress.Step.NONE);
    }

    /** PBKDF2-HMAC-SHA1, advancing {@code progress} by the iterations done. */
    static byte[] sha1(byte[] password, byte[] salt, long iterations, int length, Progress.Step progress) {
        return derive("HmacSHA1", password, salt, iterations, length, progress);
    }

    /** PBKDF2-HMAC-SHA256. */
    static byte[] sha256(byte[] password, byte[] salt, long iterations, int length) {
        return derive("HmacSHA256", password, salt, iterations, length, Progress.Step.NONE);
    }

    /** PBKDF2-HMAC-SHA256, advancing {@code progress} by the iterations done. */
    static byte[] sha256(byte[] password, byte[] salt, long iterations, int length, Progress.Step progress) {
        return derive("HmacSHA256", password, salt, iterations, length, progress);
    }

    /**
     * The derivation; {@code progress} advances by the HMAC rounds done (iterations of every output
     * block, see {@link #sha1Rounds}),
     * every 65,536 iterations, so that reporting costs nothing measurable.
     */
    static byte[] derive(String algorithm, byte[] password, byte[] salt, long iterations, int length,
            Progress.Step progress) {
        if (iterations < 1 || length < 1) {
            throw new IllegalArgumentException("PBKDF2 needs at least one iteration and one byte of output");
        }
        try {
            Mac mac = Mac.getInstance(algorithm);
            // HMAC accepts any key length, including empty: SecretKeySpec refuses an empty array
            mac.init(password.length == 0 ? new EmptyKey(algorithm) : new SecretKeySpec(password, algorithm));
            int h = mac.getMacLength();
            byte[] out = new byte[length];
            byte[] u = new byte[h];
            byte[] t = new byte[h];
            int blocks = (length + h - 1) / h;
            for (int block = 1; block <= blocks; block++) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8),
                    (byte) block});
                mac.doFinal(u, 0);
                System.arraycopy(u, 0, t, 0, h);
                for (long i = 1; i < iterations; i++) {
                    if ((i & REPORT_MASK) == 0) {
                        progress.advance(REPORT_MASK + 1);
                    }
                    mac.update(u);
                    mac.doFinal(u, 0);
                    for (int j = 0; j < h; j++) {
                        t[j] ^= u[j];
                    }
                }
                progress.advance(iterations - (iterations - 1) / (REPORT_MASK + 1) * (REPORT_MASK + 1));
                int off = (block - 1) * h;
                System.arraycopy(t, 0, out, off, Math.min(h, length - off));
            }
            return out;
        } catch (NoSuchAlgorithmException | InvalidKeyException | ShortBufferException e) {
            throw new IllegalStateException("PBKDF2 with " + algorithm + " is not available in this JDK", e);
        }
    }

    /** A zero-length HMAC key. */
    private record EmptyKey(String getAlgorithm) implements javax.crypto.SecretKey {
        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return new byte[0];
        }
    }
}
