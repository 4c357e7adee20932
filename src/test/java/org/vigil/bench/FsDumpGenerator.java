package org.vigil.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.vigil.demo.DataUsageDb;

/**
 * Generates a large synthetic iOS filesystem dump as a tar (or tar.gz) for benchmarks: about
 * {@code ENTRIES} entries (folders and small files) laid out like a phone (app containers with
 * UUID names, Library/Caches/Preferences trees, media, system folders), plus a DataUsage.sqlite
 * with 300 processes whose binaries are looked up across the whole dump. Deterministic (fixed
 * seed and times). Not a test: run by {@code bench/fs-bench.sh}.
 *
 * <p>Usage: {@code FsDumpGenerator OUTPUT(.tar|.tar.gz) ENTRIES}.
 */
public final class FsDumpGenerator {
    private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

    private FsDumpGenerator() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: FsDumpGenerator OUTPUT(.tar|.tar.gz) ENTRIES");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int entries = Integer.parseInt(args[1]);
        long n = generate(out, entries);
        System.out.printf(Locale.ROOT, "wrote %s: %d entries, %d bytes%n", out, n, Files.size(out));
    }

    /** Writes the dump; returns the number of entries written. */
    static long generate(Path out, int target) throws IOException {
        Random rnd = new Random(42);
        boolean gz = out.getFileName().toString().endsWith(".gz");
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
                OutputStream o = gz ? new GZIPOutputStream(raw, 1 << 16) {
                    {
                        def.setLevel(Deflater.BEST_SPEED);
                    }
                } : raw;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(o, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            Writer w = new Writer(tar);
            for (String d : new String[] {"private", "private/var", "private/var/mobile", "private/var/mobile/Library",
                "private/var/mobile/Containers", "private/var/mobile/Containers/Data",
                "private/var/mobile/Containers/Data/Application", "private/var/wireless",
                "private/var/wireless/Library", "private/var/wireless/Library/Databases", "usr", "usr/libexec",
                "System", "System/Library"}) {
                w.dir(d);
            }
            // DataUsage.sqlite: 300 daemons, two thirds with a binary in usr/libexec
            DataUsageDb usage = new DataUsageDb("00000000-0000-4000-8000-000000000042");
            for (int p = 1; p <= 300; p++) {
                Instant t = Instant.ofEpochSecond(T0 + p * 60L);
                usage.process(new DataUsageDb.Process(p, "daemon" + p, null, t, t.plusSeconds(3600)));
                if (p % 3 != 0) {
                    w.file("usr/libexec/daemon" + p, 64);
                }
            }
            w.file("private/var/wireless/Library/Databases/DataUsage.sqlite", usage.toBytes());
            int app = 0;
            while (w.count < target) {
                String uuid = new java.util.UUID(rnd.nextLong(), rnd.nextLong()).toString().toUpperCase(Locale.ROOT);
                String base = "private/var/mobile/Containers/Data/Application/" + uuid;
                w.dir(base);
                w.dir(base + "/Library");
                w.dir(base + "/Library/Caches");
                w.dir(base + "/Library/Preferences");
                w.dir(base + "/Documents");
                w.file(base + "/Library/Preferences/com.example.app" + app + ".plist", 200 + rnd.nextInt(800));
                int caches = 20 + rnd.nextInt(60);
                for (int c = 0; c < caches && w.count < target; c++) {
                    String dir = base + "/Library/Caches/cache" + (c / 16);
                    if (c % 16 == 0) {
                        w.dir(dir);
                    }
                    w.file(dir + "/" + Long.toHexString(rnd.nextLong()) + ".bin", rnd.nextInt(512));
                }
                int docs = rnd.nextInt(40);
                for (int d = 0; d < docs && w.count < target; d++) {
                    w.file(base + "/Documents/document-" + d + ".dat", rnd.nextInt(256));
                }
                app++;
            }
            tar.finish();
            return w.count;
        }
    }

    private static final class Writer {
        final TarArchiveOutputStream tar;
        long count;
        final byte[] filler = new byte[4096];

        Writer(TarArchiveOutputStream tar) {
            this.tar = tar;
            java.util.Arrays.fill(filler, (byte) 'v');
        }

        void dir(String path) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(path + "/");
            e.setModTime((T0 + count) * 1000);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            count++;
        }

        void file(String path, int size) throws IOException {
            byte[] data = size <= filler.length ? java.util.Arrays.copyOf(filler, size)
                    : path.getBytes(StandardCharsets.UTF_8);
            file(path, data);
        }

        void file(String path, byte[] data) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(path);
            e.setSize(data.length);
            e.setModTime((T0 + count) * 1000);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
            count++;
        }
    }
}
