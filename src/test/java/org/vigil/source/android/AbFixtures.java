package org.vigil.source.android;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** Builds tar streams and .ab files in test code, the way Android writes them. */
public final class AbFixtures {
    private AbFixtures() {}

    /** A tar stream built member by member (ustar headers). */
    public static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Tar dir(String name) {
            return entry(name, '5', new byte[0], "");
        }

        public Tar file(String name, byte[] data) {
            return entry(name, '0', data, "");
        }

        public Tar symlink(String name, String target) {
            return entry(name, '2', new byte[0], target);
        }

        /** A member with a PAX {@code path} record (for names over 100 bytes). */
        public Tar paxFile(String name, byte[] data) {
            String rec = " path=" + name + "\n";
            int len = rec.length();
            int total = len + String.valueOf(len).length();
            if (String.valueOf(total).length() != String.valueOf(len).length()) {
                total++;
            }
            byte[] pax = (total + rec).getBytes(StandardCharsets.UTF_8);
            entry("PaxHeader/x", 'x', pax, "");
            return entry(name.substring(0, Math.min(99, name.length())), '0', data, "");
        }

        public Tar entry(String name, char type, byte[] data, String link) {
            byte[] h = new byte[512];
            put(h, 0, name, 100);
            put(h, 100, octal(0644, 7), 8);
            put(h, 108, octal(0, 7), 8);
            put(h, 116, octal(0, 7), 8);
            put(h, 124, octal(data.length, 11), 12);
            put(h, 136, octal(1_645_543_781L, 11), 12);
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            h[156] = (byte) type;
            put(h, 157, link, 100);
            put(h, 257, "ustar", 6);
            put(h, 263, "00", 2);
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, octal(sum, 6), 7);
            out.writeBytes(h);
            out.writeBytes(data);
            int pad = (512 - data.length % 512) % 512;
            out.writeBytes(new byte[pad]);
            return this;
        }

        public byte[] bytes() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(out.toByteArray());
            b.writeBytes(new byte[1024]);
            return b.toByteArray();
        }

        private static String octal(long v, int digits) {
            String s = Long.toOctalString(v);
            return "0".repeat(Math.max(0, digits - s.length())) + s;
        }

        private static void put(byte[] h, int off, String s, int max) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, h, off, Math.min(b.length, max));
        }
    }

    /** zlib (Deflater) compression, as Android's backup and SMS writers use. */
    public static byte[] zlib(byte[] data) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(b, new Deflater(Deflater.BEST_COMPRESSION))) {
            d.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return b.toByteArray();
    }

    /** A zlib-compressed JSON document (an SMS/MMS backup member). */
    public static byte[] zjson(String json) {
        return zlib(json.getBytes(StandardCharsets.UTF_8));
    }

    /** An unencrypted .ab file. */
    public static byte[] ab(int version, boolean compressed, byte[] tar) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("ANDROID BACKUP\n" + version + "\n" + (compressed ? 1 : 0) + "\nnone\n")
                .getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(compressed ? zlib(tar) : tar);
        return b.toByteArray();
    }

    /**
     * An AES-256 encrypted .ab file, written as Android's BackupManagerService does: the checksum
     * key is PBKDF2 over the master key bytes as a char[] of sign-extended bytes (JDK PBKDF2
     * encodes chars in UTF-8) for version &gt; 1, and over the raw bytes for version 1.
     */
    public static byte[] abEncrypted(int version, boolean compressed, byte[] tar, String password, int rounds) {
        try {
            SecureRandom rnd = new SecureRandom();
            byte[] userSalt = random(rnd, 64);
            byte[] ckSalt = random(rnd, 64);
            byte[] userIv = random(rnd, 16);
            byte[] masterIv = random(rnd, 16);
            byte[] masterKey = random(rnd, 32);
            masterKey[0] = (byte) 0x80; // make sure the modified-UTF-8 expansion matters
            masterKey[1] = (byte) 0xff;
            byte[] userKey = pbkdf2Chars(password.toCharArray(), userSalt, rounds);
            byte[] checksum;
            if (version > 1) {
                char[] mk = new char[masterKey.length];
                for (int i = 0; i < mk.length; i++) {
                    mk[i] = (char) masterKey[i];
                }
                checksum = pbkdf2Chars(mk, ckSalt, rounds);
            } else {
                checksum = AndroidBackup.pbkdf2Sha1(masterKey, ckSalt, rounds, 32);
            }
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            blob.write(masterIv.length);
            blob.writeBytes(masterIv);
            blob.write(masterKey.length);
            blob.writeBytes(masterKey);
            blob.write(checksum.length);
            blob.writeBytes(checksum);
            byte[] encBlob = aes(userKey, userIv, blob.toByteArray());
            byte[] payload = aes(masterKey, masterIv, compressed ? zlib(tar) : tar);
            HexFormat hex = HexFormat.of().withUpperCase();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(("ANDROID BACKUP\n" + version + "\n" + (compressed ? 1 : 0) + "\nAES-256\n"
                    + hex.formatHex(userSalt) + "\n" + hex.formatHex(ckSalt) + "\n" + rounds + "\n"
                    + hex.formatHex(userIv) + "\n" + hex.formatHex(encBlob) + "\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(payload);
            return b.toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] pbkdf2Chars(char[] pw, byte[] salt, int rounds) throws GeneralSecurityException {
        return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1")
                .generateSecret(new PBEKeySpec(pw, salt, rounds, 256)).getEncoded();
    }

    private static byte[] aes(byte[] key, byte[] iv, byte[] data) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        return c.doFinal(data);
    }

    private static byte[] random(SecureRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
