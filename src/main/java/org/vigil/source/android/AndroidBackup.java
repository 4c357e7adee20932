package org.vigil.source.android;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.InflaterInputStream;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.vigil.io.CappedInputStream;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.VigilException;
import org.vigil.core.WrongPasswordException;
import org.vigil.source.BackupCredentials;

/**
 * Reads Android {@code adb backup} files ({@code .ab}, format versions 1 to 5) as a stream of their
 * tar content, without writing the tar anywhere.
 *
 * <p>Layout: the text lines {@code ANDROID BACKUP}, the format version, the compression flag
 * ({@code 0}/{@code 1}) and the encryption ({@code none} or {@code AES-256}), then the payload. An
 * encrypted payload starts with five more lines: user salt (hex), checksum salt (hex), PBKDF2
 * rounds, user IV (hex) and the master-key blob (hex). The user key is PBKDF2-HMAC-SHA1 of the
 * password (UTF-8) over the user salt, 32 bytes; it decrypts (AES-256-CBC, PKCS#7) the blob
 * {@code [len][master IV][len][master key][len][checksum]}. The password is right when
 * PBKDF2-HMAC-SHA1 of the master key over the checksum salt equals the checksum, the master key
 * bytes being first expanded as Java's {@code String.getBytes("UTF-8")} of a {@code char[]} made
 * from signed bytes for versions above 1 (each byte &gt;= 0x80 becomes {@code EF, BC|((b>>6)&3F),
 * 80|(b&3F)}); this PBKDF2 runs over raw bytes with {@link Mac}. The payload is then
 * AES-256-CBC(master key, master IV) with PKCS#7 padding, then zlib-deflated when compressed.
 *
 * <p>Hostile input: header lines are bounded, the PBKDF2 round count is bounded
 * ({@value #MAX_ROUNDS}), and the decompressed tar stream is capped by the caller's limit.
 */
public final class AndroidBackup {
    /** The first line of every .ab file. */
    public static final String MAGIC = "ANDROID BACKUP";
    /** The only encryption Android writes. */
    public static final String AES_256 = "AES-256";
    /** Message of a file that is not an .ab file (as MVT's). */
    public static final String INVALID_FORMAT = "Invalid backup format, file should be in .ab format";
    /** Message of a wrong password (as MVT's). */
    public static final String INVALID_PASSWORD = "Invalid backup password";
    /** Message of a truncated or malformed encryption header (as MVT's). */
    public static final String INVALID_ENCRYPTED_HEADER = "Invalid encrypted backup header";

    static final int MAX_ROUNDS = 10_000_000;
    private static final int MAX_LINE = 4096;
    private static final int KEY_BYTES = 32;

    private AndroidBackup() {}

    /**
     * The header of an .ab file, as MVT's {@code parse_ab_header} reports it: {@code backup} is
     * false (and the rest null) when the data does not start with a complete header.
     *
     * @param backup true for a complete header
     * @param compression the compression flag, or null
     * @param version the format version, or null
     * @param encryption {@code none}, {@code AES-256} (or another name), or null
     */
    public record Header(boolean backup, Boolean compression, Integer version, String encryption) {
        static final Header NONE = new Header(false, null, null, null);

        /** True when the payload is encrypted. */
        public boolean encrypted() {
            return backup && !"none".equals(encryption);
        }

        /** Parses the start of a file (the first few hundred bytes are enough). */
        public static Header parse(byte[] data) {
            try {
                return read(new java.io.ByteArrayInputStream(data), "data");
            } catch (IOException | CorruptArtifactException e) {
                return NONE;
            }
        }
    }

    /** Reads the header of {@code file}; {@code backup} is false when it is not an .ab file. */
    public static Header readHeader(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Header.parse(in.readNBytes(MAGIC.length() + 3 * 16));
        }
    }

    /** True when {@code file} starts with a complete .ab header. */
    public static boolean isAndroidBackup(Path file) throws IOException {
        return Files.isRegularFile(file) && readHeader(file).backup();
    }

    /** True when {@code file} is an encrypted .ab file (a password is needed to read it). */
    public static boolean isEncrypted(Path file) throws IOException {
        return Files.isRegularFile(file) && readHeader(file).encrypted();
    }

    /** Reads the four header lines; throws when they are not a valid header. */
    private static Header read(InputStream in, String name) throws IOException, CorruptArtifactException {
        String magic = line(in, name, 64);
        if (!MAGIC.equals(magic)) {
            throw invalid(name, "no \"" + MAGIC + "\" line");
        }
        String version = line(in, name, 16);
        String compressed = line(in, name, 16);
        String encryption = line(in, name, 64);
        int v;
        try {
            v = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw invalid(name, "version \"" + version + "\" is not a number");
        }
        if (v < 1 || v > 5) {
            throw invalid(name, "unknown format version " + v);
        }
        if (!compressed.equals("0") && !compressed.equals("1")) {
            throw invalid(name, "compression flag \"" + compressed + "\" is not 0 or 1");
        }
        if (encryption.isEmpty()) {
            throw invalid(name, "empty encryption line");
        }
        return new Header(true, compressed.equals("1"), v, encryption);
    }

    private static CorruptArtifactException invalid(String name, String why) {
        return new CorruptArtifactException(name + ": " + INVALID_FORMAT + " (" + why + ")");
    }

    /** One '\n'-terminated ASCII line of at most {@code max} characters; EOF before '\n' is an error. */
    private static String line(InputStream in, String name, int max) throws IOException, CorruptArtifactException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw invalid(name, "incomplete header");
            }
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= max || c < 0x20 || c > 0x7e) {
                throw invalid(name, "malformed header line");
            }
            sb.append((char) c);
        }
    }

    /**
     * Opens the tar stream of {@code file}: decrypted and inflated as it is read. The caller
     * closes it; read errors (a truncated zlib stream, bad padding) come as {@link IOException}s.
     *
     * @param credentials the password (or a 32-byte user key) for an encrypted file, else null
     * @param maxTarBytes reading more than this many tar bytes fails (decompression bomb)
     * @throws CorruptArtifactException when the header is not an .ab header ({@value #INVALID_FORMAT})
     *     or the encryption header is malformed ({@value #INVALID_ENCRYPTED_HEADER})
     * @throws EncryptedSourceException when it is encrypted and {@code credentials} is null
     * @throws WrongPasswordException when the password is wrong ({@value #INVALID_PASSWORD})
     * @throws UnsupportedSchemaException for an encryption other than AES-256
     */
    public static InputStream openTar(Path file, BackupCredentials credentials, long maxTarBytes)
            throws VigilException, IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return openTar(raw, file.toString(), credentials, maxTarBytes);
        } catch (VigilException | IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** As {@link #openTar(Path, BackupCredentials, long)} over a stream named {@code name}. */
    public static InputStream openTar(InputStream raw, String name, BackupCredentials credentials, long maxTarBytes)
            throws VigilException, IOException {
        InputStream in = new BufferedInputStream(raw, 64 * 1024);
        Header h = read(in, name);
        if (h.encrypted()) {
            if (!AES_256.equals(h.encryption())) {
                throw new UnsupportedSchemaException(name + ": encryption \"" + h.encryption()
                        + "\" is not supported (only " + AES_256 + ")");
            }
            if (credentials == null) {
                throw new EncryptedSourceException(name + ": the Android backup is encrypted: give its password"
                        + " (--password or VIGIL_BACKUP_PASSWORD)");
            }
            in = decrypting(in, name, h.version(), credentials);
        }
        if (h.compression()) {
            in = new InflaterInputStream(in, new java.util.zip.Inflater(), 64 * 1024);
        }
        return new CappedInputStream(in, maxTarBytes,
                name + ": the backup's tar data exceeds " + maxTarBytes + " bytes (decompression bomb?)");
    }

    private static InputStream decrypting(InputStream in, String name, int version, BackupCredentials credentials)
            throws VigilException, IOException {
        byte[] userSalt = hexLine(in, name);
        byte[] checksumSalt = hexLine(in, name);
        int rounds;
        try {
            rounds = Integer.parseInt(encLine(in, name));
        } catch (NumberFormatException e) {
            throw new CorruptArtifactException(name + ": " + INVALID_ENCRYPTED_HEADER + " (bad round count)");
        }
        if (rounds < 1 || rounds > MAX_ROUNDS) {
            throw new CorruptArtifactException(name + ": " + INVALID_ENCRYPTED_HEADER + " (round count " + rounds
                    + " out of range)");
        }
        byte[] userIv = hexLine(in, name);
        byte[] blob = hexLine(in, name);
        if (userIv.length != 16 || blob.length == 0 || blob.length % 16 != 0) {
            throw new CorruptArtifactException(name + ": " + INVALID_ENCRYPTED_HEADER
                    + " (bad IV or master key blob length)");
        }
        byte[] userKey = credentials.isPassword()
                ? pbkdf2Sha1(credentials.passwordBytes().orElseThrow(), userSalt, rounds, KEY_BYTES)
                : credentials.key().orElseThrow();
        MasterKey mk = unwrap(userKey, userIv, blob, name);
        byte[] forChecksum = version > 1 ? javaUtf8(mk.key()) : mk.key();
        byte[] expected = pbkdf2Sha1(forChecksum, checksumSalt, rounds, KEY_BYTES);
        if (!MessageDigest.isEqual(expected, mk.checksum())) {
            throw new WrongPasswordException(name + ": " + INVALID_PASSWORD);
        }
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(mk.key(), "AES"), new IvParameterSpec(mk.iv()));
            return new CipherInputStream(in, c);
        } catch (GeneralSecurityException e) {
            throw new CorruptArtifactException(name + ": " + INVALID_ENCRYPTED_HEADER + " (" + e.getMessage() + ")", e);
        }
    }

    private record MasterKey(byte[] iv, byte[] key, byte[] checksum) {}

    private static MasterKey unwrap(byte[] userKey, byte[] userIv, byte[] blob, String name)
            throws WrongPasswordException {
        byte[] plain;
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(userKey, "AES"), new IvParameterSpec(userIv));
            plain = c.doFinal(blob);
        } catch (GeneralSecurityException e) {
            // bad padding: the user key (password) is wrong
            throw new WrongPasswordException(name + ": " + INVALID_PASSWORD, e);
        }
        int[] pos = {0};
        byte[] iv = field(plain, pos);
        byte[] key = field(plain, pos);
        byte[] checksum = field(plain, pos);
        if (iv == null || key == null || checksum == null || iv.length != 16 || key.length != KEY_BYTES) {
            throw new WrongPasswordException(name + ": " + INVALID_PASSWORD);
        }
        return new MasterKey(iv, key, checksum);
    }

    private static byte[] field(byte[] data, int[] pos) {
        if (pos[0] >= data.length) {
            return null;
        }
        int len = data[pos[0]] & 0xff;
        int start = pos[0] + 1;
        if (start + len > data.length) {
            return null;
        }
        pos[0] = start + len;
        return Arrays.copyOfRange(data, start, start + len);
    }

    /**
     * The bytes Java's UTF-8 encoder gives for {@code new String(charsOf(signedBytes))}: bytes below
     * 0x80 are kept, others (sign-extended to U+FF80..U+FFFF) become three bytes.
     */
    static byte[] javaUtf8(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length * 3);
        for (byte b : bytes) {
            int v = b & 0xff;
            if (v < 0x80) {
                out.write(v);
            } else {
                out.write(0xEF);
                out.write(0xBC | ((v >> 6) & 0x3F));
                out.write(0x80 | (v & 0x3F));
            }
        }
        return out.toByteArray();
    }

    /** PBKDF2-HMAC-SHA1 over raw bytes (RFC 8018), with JDK {@link Mac}. */
    static byte[] pbkdf2Sha1(byte[] password, byte[] salt, int rounds, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            // HMAC keys may be empty in the RFC; the JDK refuses an empty SecretKeySpec, so pad
            // an empty key to one zero byte, which HMAC treats identically (keys are zero-padded)
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA1"));
            int h = mac.getMacLength();
            int blocks = (length + h - 1) / h;
            byte[] out = new byte[blocks * h];
            for (int i = 1; i <= blocks; i++) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
                byte[] u = mac.doFinal();
                byte[] t = u.clone();
                for (int r = 1; r < rounds; r++) {
                    u = mac.doFinal(u);
                    for (int k = 0; k < h; k++) {
                        t[k] ^= u[k];
                    }
                }
                System.arraycopy(t, 0, out, (i - 1) * h, h);
            }
            return Arrays.copyOf(out, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    private static String encLine(InputStream in, String name) throws IOException, CorruptArtifactException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new CorruptArtifactException(name + ": " + INVALID_ENCRYPTED_HEADER + " (truncated)");
            }
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw new CorruptArtifactException(name + ": " + INVALID_ENCRYPTED_HEADER + " (line too long)");
            }
            sb.append((char) c);
        }
    }

    private static byte[] hexLine(InputStream in, String name) throws IOException, CorruptArtifactException {
        String s = encLine(in, name);
        try {
            return HexFormat.of().parseHex(s.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CorruptArtifactException(name + ": " + INVALID_ENCRYPTED_HEADER + " (not hexadecimal)");
        }
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
