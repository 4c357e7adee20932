package org.vigil.source.android;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.armor.ArmoredEncryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** age keys, age files and zips built in test code (jagged's encryption API, X25519 recipients). */
public final class AgeFixtures {
    private AgeFixtures() {}

    /** An X25519 key pair: the identity (AGE-SECRET-KEY-1...) and its recipient (age1...). */
    public record Key(String identity, String recipient) {}

    public static Key newKey() throws GeneralSecurityException {
        KeyPair kp = new X25519KeyPairGenerator().generateKeyPair();
        return new Key(kp.getPrivate().toString(), kp.getPublic().toString());
    }

    /** An identity file as age-keygen writes it (comment lines included). */
    public static Path identityFile(Path file, Key key) throws IOException {
        return Files.writeString(file, "# created: 2026-01-02T03:04:05Z\n# public key: " + key.recipient() + "\n"
                + key.identity() + "\n");
    }

    /** {@code plain} encrypted to the recipients (binary format, or armored). */
    public static byte[] encrypt(byte[] plain, boolean armored, Key... recipients)
            throws GeneralSecurityException, IOException {
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        for (Key k : recipients) {
            writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(k.recipient()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WritableByteChannel ch = (armored ? new ArmoredEncryptingChannelFactory()
                : new StandardEncryptingChannelFactory()).newEncryptingChannel(Channels.newChannel(out), writers)) {
            ByteBuffer b = ByteBuffer.wrap(plain);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        return out.toByteArray();
    }

    /** A zip of named entries (DEFLATED, data descriptors, fixed times), in the map's order. */
    public static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setLastModifiedTime(FileTime.fromMillis(1_750_000_000_000L));
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A zip of a folder's regular files, under {@code prefix/}, sorted by path. */
    public static byte[] zipFolder(Path folder, String prefix) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                entries.put(prefix + "/" + folder.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
        return zip(entries);
    }

    /** A small androidqf acquisition (folder androidqf/) whose modules find something, with {@code marker}. */
    public static Map<String, byte[]> androidqf(String marker) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("androidqf/acquisition.json", utf8("{\"uuid\":\"" + marker + "\",\"started\":\"2025-06-20T18:00:00Z\"}"));
        m.put("androidqf/getprop.txt", utf8("[persist.sys.timezone]: [Europe/Paris]\n[ro.product.model]: [Pixel "
                + marker + "]\n[ro.build.version.security_patch]: [2020-01-05]\n"));
        m.put("androidqf/settings_global.txt", utf8("package_verifier_enable=0\nadb_enabled=1\n"));
        m.put("androidqf/root_binaries.json", utf8("[\"/system/xbin/su\"]"));
        m.put("androidqf/apks/com.example.big.apk", new byte[300_000]);
        String sms = "[{\"address\":\"+1555\",\"body\":\"see https://example.net/" + marker
                + "\",\"date\":\"1700000000000\",\"date_sent\":\"0\"}]";
        byte[] tar = new AbFixtures.Tar().file(AndroidBackupSource.TELEPHONY_DF + "000000_sms_backup",
                AbFixtures.zjson(sms)).bytes();
        m.put("androidqf/backup.ab", AbFixtures.ab(5, true, tar));
        return m;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes bytes (convenience for tests). */
    public static Path write(Path file, byte[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(data);
        }
        return file;
    }
}
