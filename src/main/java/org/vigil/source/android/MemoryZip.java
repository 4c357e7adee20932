package org.vigil.source.android;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.CappedInputStream;

/**
 * A zip archive read once, sequentially, from a stream that cannot seek (an age-decrypted
 * androidqf acquisition), with the content of its entries kept in memory, never on disk.
 *
 * <p><b>Reading.</b> The archive is read with {@link ZipInputStream}: local headers in stream
 * order, the sizes of entries written with a data descriptor (androidqf's Go zip writer does so
 * for every entry) learnt when the entry ends. Entry names, DOS times and extra fields come from the
 * local headers; the central directory at the end is not consulted (a hostile zip whose central
 * directory disagrees with its local headers is read by its local headers). A {@code STORED} entry
 * with a data descriptor cannot be delimited in a stream and makes the archive unreadable (clear
 * error); androidqf writes {@code DEFLATED} entries only.
 *
 * <p><b>Memory.</b> Entry contents are kept in 1 MiB blocks within a cap ({@code memoryCap}
 * bytes, uncompressed, in total). APKs ({@code *.apk}) are never kept: no module reads them (the
 * package checks use {@code packages.json}). Each entry is read whole first (an entry larger than
 * the cap on its own is never kept); when keeping it would pass the cap, the largest entries kept
 * so far that are larger than it are dropped first, so that the many small artifacts always fit
 * and only the largest are lost. The peak is thus below twice the cap (the kept entries plus the
 * entry being read). A dropped or skipped entry stays listed (name, size,
 * time) but {@link #open} refuses it with an {@link IOException} that says why, so the module that
 * needs it ends {@code unreadable} with that reason: never a silent partial check.
 *
 * <p><b>Bounds.</b> At most {@value #MAX_ENTRIES} entries and {@code maxTotalBytes} uncompressed
 * bytes are read (a decompression bomb fails with {@link CorruptArtifactException}); unsafe names
 * (see {@link AndroidQfSource#isSafeEntryName}) are listed here but left out by the source.
 */
public final class MemoryZip implements ZipOrFolder.ZipContent {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryZip.class);

    /** Most entries read from one archive. */
    static final int MAX_ENTRIES = 1_000_000;
    /** Default cap on the uncompressed bytes read through the archive: 64 GiB. */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 64L << 30;
    private static final int BLOCK = 1 << 20;

    /**
     * One entry in stream order.
     *
     * @param entry the local header's entry (name, time, extra; size set once read)
     * @param size the uncompressed bytes read
     */
    public record Entry(ZipEntry entry, long size) implements ZipOrFolder.ZipContent.Item {}

    private final String name;
    private final List<Entry> entries;
    private final Map<String, Blocks> kept;
    private final Map<String, String> missing;
    private final long keptBytes;

    private MemoryZip(String name, List<Entry> entries, Map<String, Blocks> kept, Map<String, String> missing) {
        this.name = name;
        this.entries = List.copyOf(entries);
        this.kept = kept;
        this.missing = missing;
        this.keptBytes = kept.values().stream().mapToLong(b -> b.size).sum();
    }

    /**
     * Reads the whole archive from {@code in} (not closed), keeping entry contents within
     * {@code memoryCap} bytes.
     *
     * @param name the archive's name for messages
     * @throws CorruptArtifactException when the stream is not a readable zip archive or is too big
     * @throws IOException when reading {@code in} fails (e.g. the age payload is truncated)
     */
    public static MemoryZip read(InputStream in, String name, long memoryCap, long maxTotalBytes)
            throws CorruptArtifactException, IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Blocks> kept = new LinkedHashMap<>();
        Map<String, String> missing = new LinkedHashMap<>();
        long keptBytes = 0;
        Tail tail = new Tail(in);
        ZipInputStream zin = new ZipInputStream(new CappedInputStream(tail, maxTotalBytes, name
                + ": more than " + maxTotalBytes + " bytes once decompressed; refused (size cap)"));
        try {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (entries.size() >= MAX_ENTRIES) {
                    throw new CorruptArtifactException(name + ": more than " + MAX_ENTRIES + " zip entries");
                }
                String n = e.getName();
                boolean duplicate = kept.containsKey(n) || missing.containsKey(n);
                if (e.isDirectory() || duplicate || n.toLowerCase(Locale.ROOT).endsWith(".apk")) {
                    long size = zin.transferTo(OutputStream.nullOutputStream());
                    entries.add(new Entry(e, size));
                    if (!e.isDirectory() && !duplicate) {
                        missing.put(n, "not kept in memory (APK files are not read by any module)");
                    }
                    continue;
                }
                Blocks data = new Blocks();
                byte[] buf = new byte[64 * 1024];
                long size = 0;
                int r;
                while ((r = zin.read(buf)) > 0) {
                    size += r;
                    if (data != null && data.size + r > memoryCap) {
                        data = null; // larger than the cap on its own: never kept
                    }
                    if (data != null) {
                        data.write(buf, r);
                    }
                }
                if (data != null) {
                    // make room by dropping the largest kept entries, as long as they are larger than this one
                    while (keptBytes + data.size > memoryCap) {
                        String victim = largestAbove(kept, data.size);
                        if (victim == null) {
                            break;
                        }
                        Blocks v = kept.remove(victim);
                        keptBytes -= v.size;
                        missing.put(victim, dropped(victim, v.size, memoryCap));
                        LOG.warn("{}", missing.get(victim));
                    }
                    if (keptBytes + data.size > memoryCap) {
                        data = null;
                    }
                }
                if (data != null) {
                    kept.put(n, data);
                    keptBytes += data.size;
                } else {
                    missing.put(n, dropped(n, size, memoryCap));
                    LOG.warn("{}", missing.get(n));
                }
                entries.add(new Entry(e, size));
            }
            // the rest (central directory) is read too: the whole stream is then authenticated
            tail.transferTo(OutputStream.nullOutputStream());
        } catch (ZipException | EOFException e) {
            throw new CorruptArtifactException(name + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
        if (entries.isEmpty()) {
            throw new CorruptArtifactException(name + ": not a zip archive (no entries)");
        }
        if (!tail.endsWithEndOfCentralDirectory()) {
            throw new CorruptArtifactException(name + ": the zip archive is incomplete (no end of central directory"
                    + " record after " + entries.size() + " entries): the acquisition was not finished");
        }
        return new MemoryZip(name, entries, kept, missing);
    }

    private static String dropped(String entry, long size, long cap) {
        return entry + ": not kept in memory (" + size + " bytes: the in-memory cap of " + cap
                + " bytes for encrypted acquisitions is reached; decrypt the acquisition with age to check it whole)";
    }

    /** The name of the largest kept entry larger than {@code size}, or null. */
    private static String largestAbove(Map<String, Blocks> kept, long size) {
        String best = null;
        long bestSize = size;
        for (Map.Entry<String, Blocks> e : kept.entrySet()) {
            if (e.getValue().size > bestSize) {
                best = e.getKey();
                bestSize = e.getValue().size;
            }
        }
        return best;
    }

    /** Every entry, in stream order (directories and duplicates included). */
    @Override
    public List<Entry> entries() {
        return entries;
    }

    /** Entries whose content is not available, with the reason, in stream order. */
    public Map<String, String> unavailable() {
        return Collections.unmodifiableMap(missing);
    }

    /** Bytes held in memory. */
    public long keptBytes() {
        return keptBytes;
    }

    /** True when the content of the first entry named {@code entry} is held. */
    public boolean isKept(String entry) {
        return kept.containsKey(entry);
    }

    /**
     * The content of the first entry named {@code entry}.
     *
     * @throws IOException naming the reason when it is not held (APK, over the memory cap) or absent
     */
    @Override
    public InputStream open(String entry) throws IOException {
        Blocks b = kept.get(entry);
        if (b != null) {
            return b.stream();
        }
        String why = missing.get(entry);
        throw new IOException(name + "!" + (why != null ? why : entry + ": no such entry"));
    }

    /** Keeps the last bytes read, to find the zip's end of central directory record. */
    private static final class Tail extends FilterInputStream {
        /** EOCD record (22 bytes) plus the longest comment. */
        private static final int KEEP = 22 + 0xffff;
        private final byte[] ring = new byte[KEEP];
        private long total;

        Tail(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                ring[(int) (total++ % KEEP)] = (byte) b;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = 0; i < n; i++) {
                ring[(int) (total++ % KEEP)] = b[off + i];
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        /** True when an EOCD record (PK 5 6) ends the stream, its comment length matching. */
        boolean endsWithEndOfCentralDirectory() {
            int len = (int) Math.min(total, KEEP);
            byte[] last = new byte[len];
            for (int i = 0; i < len; i++) {
                last[i] = ring[(int) ((total - len + i) % KEEP)];
            }
            for (int i = len - 22; i >= 0; i--) {
                if (last[i] == 'P' && last[i + 1] == 'K' && last[i + 2] == 5 && last[i + 3] == 6) {
                    int comment = (last[i + 20] & 0xff) | (last[i + 21] & 0xff) << 8;
                    if (i + 22 + comment == len) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** Bytes in blocks of {@value #BLOCK} (no doubling copies of large entries). */
    private static final class Blocks {
        private final List<byte[]> blocks = new ArrayList<>();
        private long size;

        void write(byte[] b, int len) {
            int off = 0;
            while (off < len) {
                int used = (int) (size % BLOCK);
                if (used == 0) {
                    blocks.add(new byte[(int) Math.min(BLOCK, Math.max(len - off, 8 * 1024))]);
                }
                byte[] last = blocks.get(blocks.size() - 1);
                if (used == last.length) {
                    // the last block was allocated small: grow it to a full block
                    last = java.util.Arrays.copyOf(last, BLOCK);
                    blocks.set(blocks.size() - 1, last);
                }
                int n = Math.min(len - off, last.length - used);
                System.arraycopy(b, off, last, used, n);
                off += n;
                size += n;
            }
        }

        InputStream stream() {
            return new InputStream() {
                private long pos;

                @Override
                public int read() {
                    if (pos >= size) {
                        return -1;
                    }
                    byte v = blocks.get((int) (pos / BLOCK))[(int) (pos % BLOCK)];
                    pos++;
                    return v & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (len == 0) {
                        return 0;
                    }
                    if (pos >= size) {
                        return -1;
                    }
                    byte[] block = blocks.get((int) (pos / BLOCK));
                    int in = (int) (pos % BLOCK);
                    int n = (int) Math.min(Math.min(len, block.length - in), size - pos);
                    System.arraycopy(block, in, b, off, n);
                    pos += n;
                    return n;
                }

                @Override
                public long skip(long n) {
                    long k = Math.max(0, Math.min(n, size - pos));
                    pos += k;
                    return k;
                }

                @Override
                public int available() {
                    return (int) Math.min(Integer.MAX_VALUE, size - pos);
                }
            };
        }
    }
}
