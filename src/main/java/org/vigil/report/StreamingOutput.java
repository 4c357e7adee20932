package org.vigil.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.RunSink;
import org.vigil.core.model.TimelineEvent;

/**
 * Writes a run's outputs as the modules produce them: each record goes straight into
 * {@code <slug>.json} (created on the first record, as MVT writes the file only when there are
 * results), each timeline row into a {@link TimelineSpool}; {@link #finish} then writes
 * timeline.csv and the run-level files. Memory stays bounded whatever the number of records.
 */
public final class StreamingOutput implements RunSink, AutoCloseable {
    /** Rows kept in memory before the timeline spills a sorted run to disk. */
    static final int DEFAULT_RUN_SIZE = 200_000;

    private final Path dir;
    private final Path spoolDir;
    private final TimelineSpool spool;
    private final ObjectMapper mapper = MvtJson.mapper().disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    private final List<Path> written = new ArrayList<>();

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
    public ResultSink open(String slug, String pluginName) {
        spool.beginModule();
        return new ModuleSink(dir.resolve(slug + ".json"));
    }

    /**
     * Writes what was kept in memory (object-shaped results, outcomes of modules that did not
     * stream), timeline.csv, and the run-level files (alerts, urls, info, coverage).
     */
    public List<Path> finish(RunResult run) throws IOException {
        OutputWriter w = new OutputWriter();
        for (ModuleOutcome o : run.outcomes()) {
            if (o.hasResults()) {
                written.add(w.json(dir.resolve(o.slug() + ".json"), o.results()));
            }
            if (!o.timeline().isEmpty()) {
                spool.beginModule();
                for (TimelineEvent e : o.timeline()) {
                    spool.add(e);
                }
            }
        }
        if (!spool.isEmpty()) {
            Path timeline = dir.resolve("timeline.csv");
            spool.writeCsv(timeline, run.info().deviceLocalTime());
            written.add(timeline);
        }
        written.addAll(w.writeRunFiles(run, dir));
        return List.copyOf(written);
    }

    @Override
    public void close() throws IOException {
        spool.close();
        try (Stream<Path> s = Files.walk(spoolDir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** One module's stream. */
    private final class ModuleSink implements ResultSink {
        private final Path file;
        private JsonGenerator gen;

        ModuleSink(Path file) {
            this.file = file;
        }

        @Override
        public void record(Object record) {
            try {
                if (gen == null) {
                    gen = mapper.getFactory().createGenerator(
                            new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), JsonEncoding.UTF8);
                    gen.setPrettyPrinter(MvtJson.prettyPrinter());
                    gen.writeStartArray();
                }
                mapper.writeValue(gen, record);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public void timeline(TimelineEvent event) {
            try {
                spool.add(event);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spool the timeline (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public long finish() {
            try {
                if (gen != null) {
                    gen.writeEndArray();
                    gen.close();
                    written.add(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
            }
            return spool.moduleRows();
        }

        @Override
        public void abort() {
            spool.discardModule();
            try {
                if (gen != null) {
                    gen.close();
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot discard (" + e.getMessage() + ")", e);
            }
        }
    }
}
