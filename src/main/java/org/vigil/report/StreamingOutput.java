package org.vigil.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import java.io.InterruptedIOException;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.RunSink;
import org.vigil.core.model.TimelineEvent;
import org.vigil.report.folder.TimelineDigest;
import org.vigil.report.folder.TimelineDigestBuilder;
import org.vigil.report.html.HtmlReport;
import org.vigil.report.html.Messages;

/**
 * Writes a run's outputs as the modules produce them: each record goes straight into
 * {@code <slug>.json} (created on the first record, as MVT writes the file only when there are
 * results), each timeline row into a {@link TimelineSpool}; {@link #finish} then writes
 * timeline.csv and the run-level files. Memory stays bounded whatever the number of records.
 *
 * <p>Modules may run at the same time: sinks are opened in run order ({@link #open} fixes a
 * module's position: ties in timeline.csv and the order of the files {@link #finish} lists follow
 * it), then each is used by its module's thread while the others are. The two writer threads are
 * shared by all modules and keep each module's order; a module's {@link ResultSink#finish()} waits
 * only for the jobs queued before it (a bounded queue), never for another module to end.
 */
public final class StreamingOutput implements RunSink, AutoCloseable {
    /** Rows kept in memory before the timeline spills a sorted run to disk. */
    static final int DEFAULT_RUN_SIZE = 200_000;

    private final Path dir;
    private final Path spoolDir;
    private final TimelineSpool spool;
    private final ObjectMapper mapper = MvtJson.mapper().disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    private final List<Path> written = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The {@code <slug>.json} files modules streamed, by their position in the run (completion order varies). */
    private final java.util.SortedMap<Integer, Path> streamed =
            java.util.Collections.synchronizedSortedMap(new java.util.TreeMap<>());
    private final Writer recordWriter = new Writer("vigil-record-writer");
    /** Serialise record batches in parallel (the reading thread uses one core). */
    private final java.util.concurrent.ExecutorService serialisers = java.util.concurrent.Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "vigil-serialiser");
                t.setDaemon(true);
                return t;
            });
    private final Writer timelineWriter = new Writer("vigil-timeline-writer");
    /** One direct writer per serialising thread (they keep encoded field names between batches). */
    private final ThreadLocal<MapRecordWriter> directWriters = ThreadLocal.withInitial(MapRecordWriter::new);

    /** Streams into {@code dir} (created if needed). */
    public StreamingOutput(Path dir) throws IOException {
        this(dir, DEFAULT_RUN_SIZE);
    }

    StreamingOutput(Path dir, int runSize) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.spoolDir = Files.createTempDirectory("vigil-timeline-");
        this.spool = new TimelineSpool(spoolDir, runSize);
    }

    /** The output folder. */
    public Path dir() {
        return dir;
    }

    @Override
    public synchronized ResultSink open(String slug, String pluginName) {
        Path file = dir.resolve(slug + ".json");
        // the module's position in the run; its rows are then added on the thread that owns the spool
        return new ModuleSink(file, spool.beginModule());
    }

    /**
     * Writes what was kept in memory (object-shaped results, outcomes of modules that did not
     * stream), timeline.csv, and the run-level files (alerts, urls, info, coverage).
     */
    public List<Path> finish(RunResult run) throws IOException {
        OutputWriter w = new OutputWriter();
        synchronized (streamed) {
            written.addAll(streamed.values()); // in run order, however the modules' ends interleaved
        }
        for (ModuleOutcome o : run.outcomes()) {
            if (o.hasResults()) {
                written.add(w.json(dir.resolve(o.slug() + ".json"), o.results()));
            }
            if (!o.timeline().isEmpty()) {
                TimelineSpool.ModuleRows rows = spool.beginModule();
                for (TimelineEvent e : o.timeline()) {
                    spool.add(rows, e);
                }
                spool.endModule(rows);
            }
        }
        // the run-level files (alerts, urls, info, coverage) are written while the timeline is merged
        CompletableFuture<List<Path>> runFiles = new CompletableFuture<>();
        Thread runFilesWriter = new Thread(() -> {
            try {
                runFiles.complete(w.writeRunFiles(run, dir));
            } catch (IOException | RuntimeException e) {
                runFiles.completeExceptionally(e);
            }
        }, "vigil-run-files");
        runFilesWriter.setDaemon(true);
        runFilesWriter.start();
        TimelineDigest digest = null; // no timeline written: the report reads the folder as it is
        try {
            if (!spool.isEmpty()) {
                Path timeline = dir.resolve("timeline.csv");
                TimelineDigestBuilder builder = TimelineDigestBuilder.withDefaults(run.info().deviceLocalTime());
                spool.writeCsv(timeline, run.info().deviceLocalTime(), builder);
                digest = builder.build();
                written.add(timeline);
            }
        } finally {
            written.addAll(runFilesOf(runFiles)); // waited for even when the merge failed
        }
        written.add(writeReport(dir, run.info().vigilVersion(), digest));
        return List.copyOf(written);
    }

    /**
     * Writes report.html by reading the folder back, so that the report of a check and the one
     * {@code vigil report} rebuilds from the folder are the same bytes. The timeline is the
     * exception: {@code timeline} (null: read the file) is the digest built while timeline.csv was
     * written, equal to what reading it back gives, which spares reading a file of millions of
     * rows a second time.
     */
    static Path writeReport(Path dir, String version, TimelineDigest timeline) throws IOException {
        Path file = dir.resolve(HtmlReport.FILE_NAME);
        try {
            return new HtmlReport(Messages.english(), version).write(dir, timeline, file);
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot write the report (" + e + ")", e);
        }
    }

    @Override
    public void close() throws IOException {
        recordWriter.close();
        timelineWriter.close();
        serialisers.shutdownNow();
        spool.close();
        try (Stream<Path> s = Files.walk(spoolDir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Serialises records as the elements of an MVT-layout JSON array at depth 1, without the
     * brackets: {@code \n    {...},\n    {...}}. Batches joined with {@code ,} and wrapped in
     * {@code [} and {@code \n]} give the bytes a single generator would write.
     */
    private byte[] serialise(List<Object> items) {
        if (items.isEmpty()) {
            return new byte[0];
        }
        byte[] fast = serialiseDirect(items);
        if (fast != null) {
            return fast;
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(items.size() * 4096);
        try (JsonGenerator gen = mapper.getFactory().createGenerator(buf, JsonEncoding.UTF8)) {
            gen.setPrettyPrinter(MvtJson.prettyPrinter());
            gen.writeStartArray();
            for (Object item : items) {
                mapper.writeValue(gen, item);
            }
            gen.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise records (" + e.getMessage() + ")", e);
        }
        byte[] all = buf.toByteArray();
        // drop the leading "[" and the trailing "\n]"
        return java.util.Arrays.copyOfRange(all, 1, all.length - 2);
    }

    /**
     * The same bytes as the Jackson path for batches of plain map records (table rows), written
     * directly; null when an item holds a value only Jackson renders.
     */
    private byte[] serialiseDirect(List<Object> items) {
        MapRecordWriter w = directWriters.get();
        w.reset();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof Map<?, ?>)) {
                return null;
            }
            if (i > 0) {
                w.byte1(',');
            }
            w.newline(1);
            if (!w.append(item, 1)) {
                return null;
            }
        }
        return w.toByteArray();
    }

    private static List<Path> runFilesOf(CompletableFuture<List<Path>> files) throws IOException {
        try {
            return files.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing the run files");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(c.getMessage(), c);
        }
    }

    private static byte[] join(CompletableFuture<byte[]> chunk) throws IOException {
        try {
            return chunk.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof UncheckedIOException u ? u.getCause() : new IOException(c.getMessage(), c);
        }
    }

    /**
     * One module's stream. Records and timeline rows are handed, in batches, to two writer
     * threads (one serialises records, one spools the timeline), so that reading the evidence
     * (the module's thread) and writing the outputs overlap. Each writer keeps the order it was
     * given.
     */
    private final class ModuleSink implements ResultSink {
        private static final int BATCH = 512;
        private final Path file;
        private final TimelineSpool.ModuleRows spooled;
        private OutputStream out;
        private boolean first = true;
        private List<Object> records = new ArrayList<>(BATCH);
        private List<TimelineEvent> rows = new ArrayList<>(BATCH);

        ModuleSink(Path file, TimelineSpool.ModuleRows spooled) {
            this.file = file;
            this.spooled = spooled;
        }

        @Override
        public void record(Object record) {
            records.add(record);
            if (records.size() >= BATCH) {
                List<Object> full = records;
                records = new ArrayList<>(BATCH);
                // serialised in parallel, written in order
                CompletableFuture<byte[]> chunk = CompletableFuture.supplyAsync(() -> serialise(full), serialisers);
                recordWriter.submit(() -> writeChunk(join(chunk)));
            }
        }

        @Override
        public void timeline(TimelineEvent event) {
            rows.add(event);
            if (rows.size() >= BATCH) {
                List<TimelineEvent> full = rows;
                rows = new ArrayList<>(BATCH);
                timelineWriter.submit(() -> spool(full));
            }
        }

        /** On the record writer's thread: appends one serialised batch. */
        private void writeChunk(byte[] chunk) throws IOException {
            if (chunk.length == 0) {
                return;
            }
            if (out == null) {
                out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                out.write('[');
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            out.write(chunk);
        }

        /** On the timeline writer's thread. */
        private void spool(List<TimelineEvent> items) throws IOException {
            for (TimelineEvent e : items) {
                spool.add(spooled, e);
            }
        }

        @Override
        public long finish() {
            List<Object> lastRecords = records;
            List<TimelineEvent> lastRows = rows;
            records = new ArrayList<>(BATCH);
            rows = new ArrayList<>(BATCH);
            byte[] lastChunk = serialise(lastRecords);
            recordWriter.call(() -> {
                writeChunk(lastChunk);
                if (out != null) {
                    out.write("\n]".getBytes(StandardCharsets.US_ASCII));
                    out.close();
                    streamed.put(spooled.index(), file);
                }
                return 0L;
            }, file);
            return timelineWriter.call(() -> {
                spool(lastRows);
                return spool.endModule(spooled);
            }, file);
        }

        @Override
        public void abort() {
            records = new ArrayList<>(BATCH);
            rows = new ArrayList<>(BATCH);
            recordWriter.call(() -> {
                if (out != null) {
                    out.close();
                    Files.deleteIfExists(file);
                }
                return 0L;
            }, file);
            timelineWriter.call(() -> {
                spool.discardModule(spooled);
                return 0L;
            }, file);
        }
    }

    /**
     * A single background thread doing the writes in submission order. The queue is bounded, so a
     * module that produces faster than the disk takes waits instead of filling memory.
     */
    private static final class Writer implements AutoCloseable {
        interface Job {
            void run() throws IOException;
        }

        interface Call<T> {
            T call() throws IOException;
        }

        private static final Runnable STOP = () -> { };
        private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(8);
        private final Thread thread;
        private volatile Throwable failure;

        Writer(String name) {
            thread = new Thread(this::loop, name);
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            try {
                for (Runnable r = queue.take(); r != STOP; r = queue.take()) {
                    r.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Queues a job; a failure is reported by the next call. */
        void submit(Job job) {
            Throwable f = failure;
            if (f != null) {
                throw new UncheckedIOException("cannot write the outputs (" + f.getMessage() + ")",
                        f instanceof IOException io ? io : new IOException(f));
            }
            put(() -> {
                if (failure == null) {
                    try {
                        job.run();
                    } catch (IOException | RuntimeException e) {
                        failure = e;
                    }
                }
            });
        }

        /** Runs {@code call} after every queued job and returns its result. */
        <T> T call(Call<T> call, Path file) {
            CompletableFuture<T> result = new CompletableFuture<>();
            put(() -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                    return;
                }
                try {
                    result.complete(call.call());
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
            try {
                return result.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new InterruptedIOException(file + ": interrupted"));
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw new UncheckedIOException(file + ": cannot write (" + c.getMessage() + ")",
                        c instanceof IOException io ? io : new IOException(c));
            }
        }

        private void put(Runnable r) {
            try {
                queue.put(r);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new InterruptedIOException("interrupted while writing the outputs"));
            }
        }

        @Override
        public void close() {
            if (!queue.offer(STOP)) {
                thread.interrupt();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
