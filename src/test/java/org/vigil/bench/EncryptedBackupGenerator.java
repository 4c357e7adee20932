package org.vigil.bench;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.Random;
import org.vigil.demo.DemoScenario;
import org.vigil.source.iosbackup.BackupFixture;
import org.vigil.source.iosbackup.IosBackupSource;
import org.vigil.source.iosbackup.crypto.BackupEncryptor;

/**
 * Generates the encrypted-backup benchmark input: the demo backup plus {@code MEDIA_MB} megabytes
 * of camera-roll media (64 MB files of seeded random bytes), encrypted as iOS does with the real
 * iteration counts (DPIC 10,000,000 / ITER 10,000). Writes {@code OUT/plain}, {@code OUT/encrypted},
 * {@code OUT/backup.key} (the derived key) and the demo indicators in {@code OUT/iocs}. Not a test:
 * run by {@code bench/encrypted-bench.sh}.
 *
 * <p>Usage: {@code EncryptedBackupGenerator OUT_DIR MEDIA_MB [PASSWORD]}.
 */
public final class EncryptedBackupGenerator {
    private static final int FILE_MB = 64;

    private EncryptedBackupGenerator() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long mediaMb = Long.parseLong(args[1]);
        String password = args.length > 2 ? args[2] : "bench password";
        Path plain = out.resolve("plain");
        DemoScenario.write(plain, out.resolve("iocs").resolve("demo.stix2"));
        Random rnd = new Random(2026);
        byte[] chunk = new byte[1 << 20];
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + plain.resolve("Manifest.db"));
                PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?, ?, ?, 1, ?)")) {
            int n = 0;
            for (long left = mediaMb; left > 0; left -= FILE_MB, n++) {
                long mb = Math.min(FILE_MB, left);
                String rel = String.format("Media/DCIM/100APPLE/IMG_%04d.MOV", 5000 + n);
                String id = IosBackupSource.fileId("CameraRollDomain", rel);
                Path file = Files.createDirectories(plain.resolve(id.substring(0, 2))).resolve(id);
                try (OutputStream os = Files.newOutputStream(file)) {
                    for (long i = 0; i < mb; i++) {
                        rnd.nextBytes(chunk);
                        os.write(chunk);
                    }
                }
                ins.setString(1, id);
                ins.setString(2, "CameraRollDomain");
                ins.setString(3, rel);
                ins.setBytes(4, BackupFixture.mbFile(rel, mb << 20, 0100644, 501, 1_694_000_000L, 1_694_000_000L,
                        1_694_000_000L));
                ins.executeUpdate();
            }
        }
        long t = System.nanoTime();
        BackupEncryptor.Result r = BackupEncryptor.encrypt(plain, out.resolve("encrypted"),
                new BackupEncryptor.Params(password, 10_000_000, 10_000, 7));
        Files.writeString(out.resolve("backup.key"), HexFormat.of().formatHex(r.passcodeKey()), StandardCharsets.US_ASCII);
        System.out.printf("encrypted %d files (%d MB of media) in %d ms%n", r.encryptedFiles(), mediaMb,
                (System.nanoTime() - t) / 1_000_000);
    }
}
