package org.vigil.source.iosbackup.crypto;

import com.dd.plist.BinaryPropertyListParser;
import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import com.dd.plist.UID;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test fixture generator: encrypts a plain backup folder exactly as iOS does, from a known
 * password. Keybag (TLV: VERS, TYPE, UUID, HMCK, WRAP, SALT, ITER and, for iOS 10.2+, DPWT, DPIC,
 * DPSL; then one record per protection class 1-11 with UUID, CLAS, WRAP=2, KTYP, WPKY = the class
 * key wrapped (RFC 3394) by the passcode key); {@code Manifest.plist} with {@code IsEncrypted},
 * {@code BackupKeyBag} and (10.2+) {@code ManifestKey} = class 4 little-endian + wrapped key;
 * every file row's MBFile blob gains an {@code EncryptionKey} (NSMutableData: class prefix +
 * wrapped per-file key) and the content is AES-256-CBC with a zero IV and PKCS#7 padding;
 * {@code Manifest.db} itself is AES-256-CBC encrypted whole (10.2+) or left plain (before).
 *
 * <p>Deterministic: keys and salts come from a seeded random generator; iteration counts are
 * parameters (small in tests).
 */
public final class BackupEncryptor {
    /** Protection class of the Manifest.db key (as iOS). */
    public static final int MANIFEST_CLASS = 4;

    /**
     * How to encrypt.
     *
     * @param password the backup password
     * @param dpic first-stage (SHA-256) iterations; 0 for a pre-10.2 keybag (single SHA-1 stage)
     * @param iter second-stage (SHA-1) iterations
     * @param seed seed of the keys and salts
     */
    public record Params(String password, long dpic, long iter, long seed) {
        /** A modern (iOS 10.2+) keybag with tiny counts. */
        public static Params fast(String password) {
            return new Params(password, 10, 10, 42);
        }

        boolean twoStage() {
            return dpic > 0;
        }
    }

    /** What was generated (for assertions). */
    public record Result(byte[] passcodeKey, Map<Integer, byte[]> classKeys, int encryptedFiles) {}

    private BackupEncryptor() {}

    /** Encrypts the plain backup {@code plain} into the new folder {@code out}. */
    public static Result encrypt(Path plain, Path out, Params p) throws Exception {
        Random rnd = new Random(p.seed());
        byte[] salt = bytes(rnd, 20);
        byte[] dpsl = bytes(rnd, 20);
        Map<Integer, byte[]> classKeys = new LinkedHashMap<>();
        for (int cls = 1; cls <= 11; cls++) {
            classKeys.put(cls, bytes(rnd, 32));
        }
        byte[] pw = p.password().getBytes(StandardCharsets.UTF_8);
        byte[] first = p.twoStage() ? Pbkdf2.sha256(pw, dpsl, p.dpic(), 32) : pw;
        byte[] passcodeKey = Pbkdf2.sha1(first, salt, p.iter(), 32);

        ByteArrayOutputStream bag = new ByteArrayOutputStream();
        tlv(bag, "VERS", intBytes(p.twoStage() ? 4 : 3));
        tlv(bag, "TYPE", intBytes(1));
        tlv(bag, "UUID", bytes(rnd, 16));
        tlv(bag, "HMCK", bytes(rnd, 40));
        tlv(bag, "WRAP", intBytes(0));
        tlv(bag, "SALT", salt);
        tlv(bag, "ITER", intBytes((int) p.iter()));
        if (p.twoStage()) {
            tlv(bag, "DPWT", intBytes(1));
            tlv(bag, "DPIC", intBytes((int) p.dpic()));
            tlv(bag, "DPSL", dpsl);
        }
        for (Map.Entry<Integer, byte[]> ck : classKeys.entrySet()) {
            tlv(bag, "UUID", bytes(rnd, 16));
            tlv(bag, "CLAS", intBytes(ck.getKey()));
            tlv(bag, "WRAP", intBytes(2));
            tlv(bag, "KTYP", intBytes(0));
            tlv(bag, "WPKY", AesKeyWrap.wrap(passcodeKey, ck.getValue()));
        }

        Files.createDirectories(out);
        NSDictionary manifest = (NSDictionary) PropertyListParser.parse(plain.resolve("Manifest.plist").toFile());
        manifest.put("IsEncrypted", true);
        manifest.put("BackupKeyBag", new NSData(bag.toByteArray()));
        byte[] manifestKey = bytes(rnd, 32);
        if (p.twoStage()) {
            manifest.put("ManifestKey", new NSData(concat(le(MANIFEST_CLASS),
                    AesKeyWrap.wrap(classKeys.get(MANIFEST_CLASS), manifestKey))));
        }
        Files.write(out.resolve("Manifest.plist"), BinaryPropertyListWriter.writeToArray(manifest));
        for (String name : List.of("Info.plist", "Status.plist")) {
            if (Files.exists(plain.resolve(name))) {
                Files.copy(plain.resolve(name), out.resolve(name));
            }
        }

        Path work = Files.createTempDirectory("vigil-encryptor-");
        try {
            return encryptFiles(plain, out, p, rnd, classKeys, passcodeKey, manifestKey, work);
        } finally {
            try (var s = Files.list(work)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(work);
        }
    }

    private static Result encryptFiles(Path plain, Path out, Params p, Random rnd, Map<Integer, byte[]> classKeys,
            byte[] passcodeKey, byte[] manifestKey, Path work) throws Exception {
        Path db = work.resolve("Manifest.db");
        Files.copy(plain.resolve("Manifest.db"), db);
        int encrypted = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            List<Object[]> rows = new ArrayList<>();
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT fileID, flags, file FROM Files ORDER BY fileID")) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getString(1), rs.getInt(2), rs.getBytes(3)});
                }
            }
            try (PreparedStatement up = c.prepareStatement("UPDATE Files SET file = ? WHERE fileID = ?")) {
                for (Object[] row : rows) {
                    String id = (String) row[0];
                    Path content = plain.resolve(id.substring(0, 2)).resolve(id);
                    if ((int) row[1] != 1 || !Files.isRegularFile(content)) {
                        continue;
                    }
                    NSDictionary archive = (NSDictionary) BinaryPropertyListParser.parse((byte[]) row[2]);
                    NSObject[] objects = ((NSArray) archive.get("$objects")).getArray();
                    NSDictionary file = (NSDictionary) objects[1];
                    int cls = file.containsKey("ProtectionClass")
                            ? ((NSNumber) file.get("ProtectionClass")).intValue() : 3;
                    if (!classKeys.containsKey(cls)) {
                        cls = 3; // no such class key (e.g. 0 in hand-made blobs): as most files on iOS
                        file.put("ProtectionClass", cls);
                    }
                    byte[] fileKey = bytes(rnd, 32);
                    byte[] ek = concat(le(cls), AesKeyWrap.wrap(classKeys.get(cls), fileKey));
                    NSObject[] grown = new NSObject[objects.length + 2];
                    System.arraycopy(objects, 0, grown, 0, objects.length);
                    NSDictionary data = new NSDictionary();
                    data.put("NS.data", new NSData(ek));
                    data.put("$class", uid(objects.length + 1));
                    NSDictionary dataClass = new NSDictionary();
                    dataClass.put("$classes", new NSArray(new NSString("NSMutableData"), new NSString("NSData"),
                            new NSString("NSObject")));
                    dataClass.put("$classname", "NSMutableData");
                    grown[objects.length] = data;
                    grown[objects.length + 1] = dataClass;
                    file.put("EncryptionKey", uid(objects.length));
                    archive.put("$objects", new NSArray(grown));
                    up.setBytes(1, BinaryPropertyListWriter.writeToArray(archive));
                    up.setString(2, id);
                    up.executeUpdate();

                    Path target = Files.createDirectories(out.resolve(id.substring(0, 2))).resolve(id);
                    Files.write(target, aes(fileKey, Files.readAllBytes(content), true));
                    encrypted++;
                }
            }
        }
        if (p.twoStage()) {
            Files.write(out.resolve("Manifest.db"), aes(manifestKey, Files.readAllBytes(db), false));
        } else {
            Files.copy(db, out.resolve("Manifest.db"));
        }
        return new Result(passcodeKey, classKeys, encrypted);
    }

    /** AES-256-CBC, zero IV, with or without PKCS#7 padding. */
    public static byte[] aes(byte[] key, byte[] data, boolean pad) throws Exception {
        Cipher c = Cipher.getInstance(pad ? "AES/CBC/PKCS5Padding" : "AES/CBC/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        return c.doFinal(data);
    }

    private static UID uid(int n) {
        return new UID(null, BigInteger.valueOf(n));
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static void tlv(ByteArrayOutputStream out, String tag, byte[] value) {
        out.writeBytes(tag.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(intBytes(value.length));
        out.writeBytes(value);
    }
}
