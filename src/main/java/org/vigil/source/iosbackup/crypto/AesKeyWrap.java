package org.vigil.source.iosbackup.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 3394 AES key wrap, with the JDK's {@code AESWrap} cipher (default integrity value
 * {@code A6A6A6A6A6A6A6A6}, no padding).
 */
final class AesKeyWrap {
    private AesKeyWrap() {}

    /**
     * Unwraps {@code wrapped} with {@code kek}; empty when the integrity check fails (wrong key
     * encryption key) or the wrapped data has a length RFC 3394 cannot have.
     */
    static Optional<byte[]> unwrap(byte[] kek, byte[] wrapped) {
        if (wrapped.length < 24 || wrapped.length % 8 != 0) {
            return Optional.empty();
        }
        try {
            Cipher c = Cipher.getInstance("AESWrap");
            c.init(Cipher.UNWRAP_MODE, new SecretKeySpec(kek, "AES"));
            Key k = c.unwrap(wrapped, "AES", Cipher.SECRET_KEY);
            return Optional.of(k.getEncoded());
        } catch (InvalidKeyException | IllegalStateException e) {
            return Optional.empty(); // integrity check failed
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("AESWrap is not available in this JDK", e);
        }
    }

    /** Wraps {@code key} with {@code kek} (used to build test backups). */
    static byte[] wrap(byte[] kek, byte[] key) {
        try {
            Cipher c = Cipher.getInstance("AESWrap");
            c.init(Cipher.WRAP_MODE, new SecretKeySpec(kek, "AES"));
            return c.wrap(new SecretKeySpec(key, "AES"));
        } catch (IllegalBlockSizeException | InvalidKeyException e) {
            throw new IllegalArgumentException("cannot wrap a " + key.length + "-byte key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AESWrap is not available in this JDK", e);
        }
    }
}
