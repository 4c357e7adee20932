package org.vigil.source;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * What unlocks an encrypted acquisition: the backup password, or a key already derived from it
 * (for iOS backups, the 32-byte key {@code vigil ios extract-key} prints as 64 hex characters,
 * which skips the slow key derivation). Holds copies; {@link #toString()} never shows the secret.
 */
public final class BackupCredentials {
    /** Length of a derived key in bytes. */
    public static final int KEY_BYTES = 32;

    private final byte[] password;
    private final byte[] key;

    private BackupCredentials(byte[] password, byte[] key) {
        this.password = password;
        this.key = key;
    }

    /** A password (encoded as UTF-8, as iOS does). */
    public static BackupCredentials password(char[] password) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("the password is empty");
        }
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        if (b.hasArray()) {
            Arrays.fill(b.array(), (byte) 0);
        }
        return new BackupCredentials(bytes, null);
    }

    /** A password (encoded as UTF-8). */
    public static BackupCredentials password(String password) {
        return password(password == null ? null : password.toCharArray());
    }

    /** A derived key of {@value #KEY_BYTES} bytes. */
    public static BackupCredentials key(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a backup key is " + KEY_BYTES + " bytes");
        }
        return new BackupCredentials(null, key.clone());
    }

    /**
     * A derived key written as 64 hexadecimal characters (surrounding white space ignored).
     *
     * @throws IllegalArgumentException when the text is not exactly 64 hex characters
     */
    public static BackupCredentials keyHex(String text) {
        String t = text == null ? "" : text.strip();
        if (t.length() != 2 * KEY_BYTES || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("a backup key is exactly " + 2 * KEY_BYTES
                    + " hexadecimal characters (found " + t.length() + " characters"
                    + (t.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? ")" : ", not all hex)"));
        }
        return key(HexFormat.of().parseHex(t.toLowerCase(Locale.ROOT)));
    }

    /** The password's UTF-8 bytes (a copy), when these credentials are a password. */
    public Optional<byte[]> passwordBytes() {
        return password == null ? Optional.empty() : Optional.of(password.clone());
    }

    /** The derived key (a copy), when these credentials are a key. */
    public Optional<byte[]> key() {
        return key == null ? Optional.empty() : Optional.of(key.clone());
    }

    /** True for a password, false for a derived key. */
    public boolean isPassword() {
        return password != null;
    }

    @Override
    public String toString() {
        return isPassword() ? "BackupCredentials[password]" : "BackupCredentials[key]";
    }
}
