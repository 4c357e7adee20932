package org.vigil.source.iosbackup.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Progress;
import org.vigil.core.VigilException;
import org.vigil.core.WrongPasswordException;
import org.vigil.io.KeyedArchive;
import org.vigil.io.PlistReader;
import org.vigil.source.BackupCredentials;

/**
 * The keys of an encrypted iTunes/Finder backup, unlocked with its password or derived key, and
 * the decryption of its {@code Manifest.db} and files (mvt-behaviour.md 6.1).
 *
 * <p>{@code Manifest.plist}: {@code BackupKeyBag} ({@link Keybag}) and, from iOS 10.2,
 * {@code ManifestKey} = 4-byte little-endian protection class + RFC 3394-wrapped key of
 * {@code Manifest.db}. Each {@code Manifest.db} row's {@code file} blob (NSKeyedArchiver MBFile) holds
 * {@code EncryptionKey} (4-byte class prefix + wrapped file key), {@code ProtectionClass} and
 * {@code Size}. Content is AES-256-CBC with a zero IV; a file's plain text is its first {@code Size}
 * bytes (iOS pads to the block size). A ciphertext shorter than {@code Size} is refused, never
 * padded or silently truncated.
 *
 * <p>Immutable and thread-safe once unlocked. Only reads the backup; writes only the targets given.
 */
public final class EncryptedBackup {
    private static final Logger LOG = LoggerFactory.getLogger(EncryptedBackup.class);
    private static final int BLOCK = 16;
    private static final int CHUNK = 1 << 20;

    private final Path root;
    private final byte[] passcodeKey;
    private final Map<Integer, byte[]> classKeys;
    private final byte[] manifestKey;

    private EncryptedBackup(Path root, byte[] passcodeKey, Map<Integer, byte[]> classKeys, byte[] manifestKey) {
        this.root = root;
        this.passcodeKey = passcodeKey;
        this.classKeys = classKeys;
        this.manifestKey = manifestKey;
    }

    /**
     * Reads the keybag of the backup at {@code root} and unlocks it: derives the passcode key from
     * the password (slow: two PBKDF2 stages with the keybag's counts) or takes the derived key,
     * unwraps the class keys and the Manifest.db key.
     *
     * @param root the backup folder (holding Manifest.plist)
     * @throws WrongPasswordException when the class keys do not unwrap with the password or key
     * @throws CorruptArtifactException when Manifest.plist, its keybag or ManifestKey is unreadable
     */
    public static EncryptedBackup unlock(Path root, BackupCredentials credentials) throws VigilException,
            IOException {
        return unlock(root, credentials, Progress.none());
    }

    /** As {@link #unlock(Path, BackupCredentials)}, reporting the key derivation to {@code progress}. */
    public static EncryptedBackup unlock(Path root, BackupCredentials credentials, Progress progress)
            throws VigilException, IOException {
        Path plist = root.resolve("Manifest.plist");
        if (!Files.isRegularFile(plist)) {
            throw new CorruptArtifactException(plist + ": missing; an encrypted backup keeps its keybag there");
        }
        Map<String, Object> manifest = PlistReader.readDict(plist, plist.toString());
        if (!(manifest.get("BackupKeyBag") instanceof byte[] bag)) {
            throw new CorruptArtifactException(plist + ": no BackupKeyBag (is the backup encrypted?)");
        }
        Keybag keybag = Keybag.parse(bag, plist + " BackupKeyBag");
        byte[] key;
        if (credentials.isPassword()) {
            long t = System.nanoTime();
            key = keybag.deriveKey(credentials.passwordBytes().orElseThrow(), progress);
            LOG.info("Derived the backup key in {} ms ({} PBKDF2 stage{})", (System.nanoTime() - t) / 1_000_000,
                    keybag.twoStageDerivation() ? 2 : 1, keybag.twoStageDerivation() ? "s" : "");
        } else {
            key = credentials.key().orElseThrow();
        }
        Map<Integer, byte[]> classKeys = keybag.unlock(key, root.toString());
        byte[] manifestKey = null;
        if (manifest.get("ManifestKey") instanceof byte[] mk) {
            if (mk.length < 4 + 24) {
                throw new CorruptArtifactException(plist + ": ManifestKey of " + mk.length + " bytes is too short");
            }
            int cls = ByteBuffer.wrap(mk, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            manifestKey = unwrapWithClass(classKeys, cls, Arrays.copyOfRange(mk, 4, mk.length),
                    plist + " ManifestKey", true);
        } else if (manifest.containsKey("ManifestKey")) {
            throw new CorruptArtifactException(plist + ": ManifestKey is not data");
        }
        return new EncryptedBackup(root, key, Map.copyOf(classKeys), manifestKey);
    }

    private static byte[] unwrapWithClass(Map<Integer, byte[]> classKeys, int cls, byte[] wrapped, String name,
            boolean wrongPasswordOnFailure) throws VigilException {
        byte[] classKey = classKeys.get(cls);
        if (classKey == null) {
            throw new CorruptArtifactException(name + ": protection class " + cls + " has no unlocked key in the"
                    + " keybag");
        }
        Optional<byte[]> k = AesKeyWrap.unwrap(classKey, wrapped);
        if (k.isEmpty()) {
            if (wrongPasswordOnFailure) {
                throw new WrongPasswordException(name + ": does not unwrap with the class " + cls
                        + " key (wrong password or key?)");
            }
            throw new CorruptArtifactException(name + ": does not unwrap with the class " + cls + " key");
        }
        return k.get();
    }

    /** The backup folder. */
    public Path root() {
        return root;
    }

    /** The derived passcode key (what {@code extract-key} prints), 64 lower-case hex characters. */
    public String keyHex() {
        return HexFormat.of().formatHex(passcodeKey);
    }

    /** The derived passcode key as credentials (skipping the derivation next time). */
    public BackupCredentials keyCredentials() {
        return BackupCredentials.key(passcodeKey);
    }

    /** True when Manifest.db is encrypted (iOS 10.2 and later); before, it is a plain SQLite file. */
    public boolean manifestEncrypted() {
        return manifestKey != null;
    }

    /**
     * Decrypts {@code Manifest.db} (whole file, no padding removed) to {@code target} (created; must not exist).
     *
     * @throws CorruptArtifactException when its size is not a multiple of 16 or the result is not SQLite
     */
    public void decryptManifest(Path encrypted, Path target) throws CorruptArtifactException, IOException {
        if (manifestKey == null) {
            throw new IllegalStateException("Manifest.db is not encrypted in this backup");
        }
        long size = Files.size(encrypted);
        decrypt(manifestKey, encrypted, target, size, encrypted.toString());
        byte[] head = new byte[16];
        try (InputStream in = Files.newInputStream(target)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n < 16 || !new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).equals("SQLite format 3\0")) {
                throw new CorruptArtifactException(encrypted + ": decrypted with ManifestKey but the result is not"
                        + " an SQLite database (damaged Manifest.db or Manifest.plist)");
            }
        }
    }

    /**
     * The key of one file from its Manifest.db {@code file} blob, or empty when the blob has no
     * {@code EncryptionKey} (the file is stored in plain).
     *
     * @param name how to name the file in messages
     * @throws CorruptArtifactException when the blob is unreadable or the key does not unwrap
     */
    public Optional<FileKey> fileKey(byte[] blob, String name) throws VigilException {
        if (blob == null || blob.length == 0) {
            return Optional.empty();
        }
        Object root = KeyedArchive.decode(blob, name + " (Manifest.db file metadata)");
        if (!(root instanceof Map<?, ?> fields)) {
            throw new CorruptArtifactException(name + ": file metadata is not an archived object");
        }
        Object ek = fields.get("EncryptionKey");
        if (ek == null) {
            return Optional.empty();
        }
        if (!(ek instanceof byte[] data) || data.length < 4 + 24) {
            throw new CorruptArtifactException(name + ": EncryptionKey is not a wrapped key");
        }
        int cls = fields.get("ProtectionClass") instanceof Number n ? n.intValue()
                : ByteBuffer.wrap(data, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        long size = fields.get("Size") instanceof Number n ? n.longValue() : -1;
        byte[] key = unwrapWithClass(classKeys, cls, Arrays.copyOfRange(data, 4, data.length),
                name + " EncryptionKey", false);
        return Optional.of(new FileKey(key, size, cls));
    }

    /**
     * A file's key and its plain size.
     *
     * @param key the 32-byte AES key
     * @param size plain size from the metadata, -1 when not recorded (then PKCS#7 padding is removed)
     * @param protectionClass the data protection class
     */
    public record FileKey(byte[] key, long size, int protectionClass) {
        public FileKey {
            key = key.clone();
        }
    }

    /**
     * Decrypts one backup file to {@code target} (created; must not exist).
     *
     * @return the number of bytes written (the file's size)
     * @throws CorruptArtifactException when the ciphertext is not whole blocks or shorter than the
     *     recorded size
     */
    public long decryptFile(Path encrypted, FileKey key, Path target, String name) throws CorruptArtifactException,
            IOException {
        long size = key.size();
        if (size < 0) {
            size = unpaddedSize(key.key, encrypted, name);
        }
        return decrypt(key.key, encrypted, target, size, name);
    }

    private static Cipher cipher(byte[] key, byte[] iv) {
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CBC is not available in this JDK", e);
        }
    }

    /** Decrypts the first {@code size} plain bytes of {@code in} into a new file. */
    private static long decrypt(byte[] key, Path in, Path target, long size, String name)
            throws CorruptArtifactException, IOException {
        long cipherLength = Files.size(in);
        if (cipherLength % BLOCK != 0) {
            throw new CorruptArtifactException(name + ": encrypted content of " + cipherLength
                    + " bytes is not a whole number of AES blocks (truncated or damaged copy)");
        }
        if (cipherLength < size) {
            throw new CorruptArtifactException(name + ": the backup holds " + cipherLength + " encrypted bytes,"
                    + " fewer than the " + size + " bytes recorded in Manifest.db (truncated copy)");
        }
        if (cipherLength - size > 2L * BLOCK) {
            LOG.debug("{}: {} encrypted bytes for a size of {}", name, cipherLength, size);
        }
        Cipher c = cipher(key, new byte[BLOCK]);
        long remaining = size;
        byte[] buf = new byte[CHUNK];
        byte[] plain = new byte[CHUNK];
        try (InputStream is = Files.newInputStream(in);
                OutputStream os = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
            while (remaining > 0) {
                int n = is.readNBytes(buf, 0, CHUNK);
                if (n == 0) {
                    break;
                }
                int m;
                try {
                    m = c.update(buf, 0, n, plain, 0);
                } catch (javax.crypto.ShortBufferException e) {
                    throw new IllegalStateException(e);
                }
                int w = (int) Math.min(m, remaining);
                os.write(plain, 0, w);
                remaining -= w;
            }
        }
        if (remaining != 0) {
            throw new CorruptArtifactException(name + ": content ended " + remaining + " bytes early");
        }
        return size;
    }

    /** The plain size when the metadata has none: the ciphertext minus valid PKCS#7 padding, if any. */
    private static long unpaddedSize(byte[] key, Path in, String name) throws IOException {
        long len = Files.size(in);
        if (len == 0 || len % BLOCK != 0) {
            return len;
        }
        byte[] tail = new byte[(int) Math.min(len, 2 * BLOCK)];
        try (SeekableByteChannel ch = Files.newByteChannel(in)) {
            ch.position(len - tail.length);
            ByteBuffer b = ByteBuffer.wrap(tail);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read the last one or two blocks
            }
        }
        byte[] iv = tail.length == 2 * BLOCK ? Arrays.copyOf(tail, BLOCK) : new byte[BLOCK];
        byte[] last;
        try {
            last = cipher(key, iv).doFinal(tail, tail.length - BLOCK, BLOCK);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        int pad = last[BLOCK - 1] & 0xFF;
        boolean valid = pad >= 1 && pad <= BLOCK;
        for (int i = BLOCK - pad; valid && i < BLOCK; i++) {
            valid = (last[i] & 0xFF) == pad;
        }
        LOG.warn("{}: no Size in the metadata; {}", name, valid ? "removed the block padding" : "kept every byte");
        return valid ? len - pad : len;
    }
}
