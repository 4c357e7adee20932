package org.vigil.report;

import com.google.common.hash.HashCode;
import com.google.common.hash.Hashing;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import org.vigil.core.model.TimelineEvent;
import org.vigil.report.folder.TimelineDigestBuilder;

/**
 * The run's timeline, spooled: rows are deduplicated per module (by a 128-bit hash, so memory
 * per row is a few bytes), encoded as CSV lines as they come, kept in memory up to
 * {@code runSize} rows, then sorted and written to temporary run files; {@link #writeCsv} merges
 * them in timestamp order, copying bytes. Ties keep the run order (module order, then the order
 * a module produced its rows), as MVT's stable sort does.
 *
 * <p>Per module: each module has its own {@link ModuleRows} (its position in the run, its
 * duplicate set and row counter), so that rows of modules running at the same time can be added
 * interleaved; a row carries (module position, sequence within the module), which breaks ties in
 * the sort and in the final merge whatever order the rows arrived in. The in-memory buffer is
 * shared by all modules (at most {@code runSize} rows), so memory does not grow with the number of
 * rows. Not thread-safe: one thread (the run's timeline writer) adds, ends and discards;
 * {@link #beginModule()} alone may be called from another thread (the run opening its sinks).
 */
final class TimelineSpool implements AutoCloseable {
    private static final Comparator<Row> ORDER = TimelineSpool::compare;

    /** One row: its sort key (timestamp, module position, sequence within the module) and its CSV line (UTF-8, with CRLF). */
    private record Row(String timestamp, long seq, int module, byte[] csv) {}

    /**
     * One module's share of the timeline: its position in the run (ties between modules follow
     * it), the hashes of its rows (duplicates are dropped within a module only), the sequence of
     * its rows and how many it added. Created by {@link #beginModule()}.
     */
    static final class ModuleRows {
        private final int index;
        private LongPairSet seen = new LongPairSet();
        private long seq;
        private long rows;

        private ModuleRows(int index) {
            this.index = index;
        }

        /** Its position in the run (from 0). */
        int index() {
            return index;
        }

        /** Rows it added (after deduplication). */
        long rows() {
            return rows;
        }
    }

    private final Path tempDir;
    private final int runSize;
    private final List<Row> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private final Set<Integer> discarded = new HashSet<>();
    /** The current row's CSV line, encoded in place (reused between rows). */
    private byte[] lineBytes = new byte[512];
    private final int[] lineLength = new int[1];
    private int modules;
    private long live;

    TimelineSpool(Path tempDir, int runSize) {
        this.tempDir = tempDir;
        this.runSize = runSize;
    }

    private static int compare(Row a, Row b) {
        int c = a.timestamp.compareTo(b.timestamp);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.module, b.module);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    }

    /**
     * Starts the next module of the run (modules are begun in run order; their rows may then come
     * interleaved): duplicates are looked for within a module only.
     */
    synchronized ModuleRows beginModule() {
        return new ModuleRows(modules++);
    }

    /** The module completed: frees its duplicate set; returns the rows it added. */
    long endModule(ModuleRows m) {
        m.seen = null;
        return m.rows;
    }

    /** Drops the module's rows (the module failed). */
    void discardModule(ModuleRows m) {
        discarded.add(m.index);
        live -= m.rows;
        m.rows = 0;
        m.seen = null;
    }

    /** True when no row of a module that completed was added. */
    boolean isEmpty() {
        return live == 0;
    }

    /** Adds a row of module {@code m} unless it is a duplicate within it; true when added. */
    boolean add(ModuleRows m, TimelineEvent e) throws IOException {
        if (m.seen == null) {
            throw new IllegalStateException("module " + m.index + " already ended");
        }
        // the CSV line encodes the four fields unambiguously (all quoted, quotes doubled): its
        // hash identifies the row
        lineBytes = CsvWriter.encodeRow(lineBytes, lineLength, e.timestamp(), e.plugin(), e.event(), e.data());
        HashCode hash = Hashing.murmur3_128().hashBytes(lineBytes, 0, lineLength[0]);
        byte[] b = hash.asBytes();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xff);
            lo = (lo << 8) | (b[i + 8] & 0xff);
        }
        if (!m.seen.add(hi, lo)) {
            return false;
        }
        buffer.add(new Row(e.timestamp(), m.seq++, m.index, java.util.Arrays.copyOf(lineBytes, lineLength[0])));
        m.rows++;
        live++;
        if (buffer.size() >= runSize) {
            spill();
        }
        return true;
    }

    private void spill() throws IOException {
        buffer.sort(ORDER);
        Files.createDirectories(tempDir);
        Path run = tempDir.resolve("timeline-run-" + runs.size() + ".bin");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
            for (Row r : buffer) {
                byte[] ts = r.timestamp().getBytes(StandardCharsets.UTF_8);
                out.writeInt(ts.length);
                out.write(ts);
                out.writeLong(r.seq());
                out.writeInt(r.module());
                out.writeInt(r.csv().length);
                out.write(r.csv());
            }
        }
        runs.add(run);
        buffer.clear();
    }

    /**
     * Writes timeline.csv (MVT's header and quoting) in timestamp order; returns the number of
     * rows written.
     */
    long writeCsv(Path file, boolean deviceLocal) throws IOException {
        return writeCsv(file, deviceLocal, null);
    }

    /**
     * Writes timeline.csv as {@link #writeCsv(Path, boolean)} does, giving every row written to
     * {@code digest} (null: none) in file order.
     */
    long writeCsv(Path file, boolean deviceLocal, TimelineDigestBuilder digest) throws IOException {
        buffer.sort(ORDER);
        List<RunReader> readers = new ArrayList<>();
        try {
            PriorityQueue<RunReader> queue = new PriorityQueue<>((x, y) -> compare(x.head, y.head));
            for (Path run : runs) {
                RunReader r = new RunReader(run);
                readers.add(r);
                if (r.advance()) {
                    queue.add(r);
                }
            }
            RunReader memory = new RunReader(buffer.iterator());
            if (memory.advance()) {
                queue.add(memory);
            }
            long written = 0;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                StringBuilder header = new StringBuilder();
                CsvWriter.appendRow(header, deviceLocal ? "Device Local Timestamp" : "UTC Timestamp", "Plugin",
                        "Event", "Description");
                out.write(header.toString().getBytes(StandardCharsets.UTF_8));
                while (!queue.isEmpty()) {
                    RunReader r = queue.poll();
                    Row row = r.head;
                    if (!discarded.contains(row.module())) {
                        out.write(row.csv());
                        written++;
                        if (digest != null) {
                            digest.row(row.timestamp(), row.csv());
                        }
                    }
                    if (r.advance()) {
                        queue.add(r);
                    }
                }
            }
            return written;
        } finally {
            for (RunReader r : readers) {
                r.close();
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (Path run : runs) {
            Files.deleteIfExists(run);
        }
        runs.clear();
        buffer.clear();
    }

    /** Reads one sorted run, from a file or from the in-memory buffer. */
    private static final class RunReader implements AutoCloseable {
        private final DataInputStream in;
        private final Iterator<Row> it;
        private Row head;

        RunReader(Path file) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            this.it = null;
        }

        RunReader(Iterator<Row> rows) {
            this.in = null;
            this.it = rows;
        }

        boolean advance() throws IOException {
            if (it != null) {
                head = it.hasNext() ? it.next() : null;
                return head != null;
            }
            try {
                String ts = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
                long seq = in.readLong();
                int module = in.readInt();
                byte[] csv = in.readNBytes(in.readInt());
                head = new Row(ts, seq, module, csv);
                return true;
            } catch (EOFException e) {
                head = null;
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }

    /**
     * An open-addressing set of 128-bit values (two longs), for per-module deduplication. Both
     * halves of a slot sit side by side and an empty slot is (0, 0), so a probe touches one cache
     * line; the value (0, 0) itself is remembered apart.
     */
    static final class LongPairSet {
        private long[] keys = new long[2 * 1024];
        private int size;
        private boolean hasZero;

        /** Adds the pair; false when it was already there. */
        boolean add(long hi, long lo) {
            if (hi == 0 && lo == 0) {
                boolean added = !hasZero;
                hasZero = true;
                return added;
            }
            if ((size + 1) * 4 > keys.length) { // load factor at most 1/2 (two longs per slot)
                grow();
            }
            int mask = keys.length / 2 - 1;
            int i = (int) ((hi ^ (hi >>> 32) ^ lo) & mask);
            while (true) {
                long h = keys[2 * i];
                long l = keys[2 * i + 1];
                if (h == 0 && l == 0) {
                    keys[2 * i] = hi;
                    keys[2 * i + 1] = lo;
                    size++;
                    return true;
                }
                if (h == hi && l == lo) {
                    return false;
                }
                i = (i + 1) & mask;
            }
        }

        private void grow() {
            long[] old = keys;
            keys = new long[old.length * 2];
            size = 0;
            for (int i = 0; i < old.length; i += 2) {
                if (old[i] != 0 || old[i + 1] != 0) {
                    add(old[i], old[i + 1]);
                }
            }
        }
    }
}
