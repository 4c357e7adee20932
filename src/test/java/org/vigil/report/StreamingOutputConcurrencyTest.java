package org.vigil.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.core.ModuleRunner;
import org.vigil.core.Platform;
import org.vigil.core.Progress;
import org.vigil.core.model.Alert;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

/**
 * Sinks of several modules used at the same time give the bytes of the same modules run one
 * after the other: timeline ties between modules follow the order the sinks were opened in,
 * duplicates are dropped within a module only, and a module that fails midway leaves nothing.
 */
class StreamingOutputConcurrencyTest {
    private static final int RUN_SIZE = 64; // small runs: forces many spills and a real merge
    private static final String[] TIMES = {"2021-03-04 05:06:07.000000", "2021-03-04 05:06:07.000000",
        "2020-01-01 00:00:00.000000", "", "2021-03-04 05:06:08.000000"};

    @TempDir
    Path tmp;

    private static RunInfo info() {
        return new RunInfo("check", "/in", "iOS backup", "0", "2026-01-01 00:00:00.000000", List.of(), List.of(),
                Map.of(), false);
    }

    /** What one module streams: records, and rows with colliding timestamps and repeated rows. */
    private static void feed(ResultSink sink, String module, int rows) {
        for (int i = 0; i < rows; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("module", module);
            r.put("n", i);
            sink.record(r);
            // i % 7 repeats rows within the module; TIMES repeats timestamps across modules
            sink.timeline(new TimelineEvent(TIMES[i % TIMES.length], "P_" + module, "event", module + " " + (i % 7 == 0 ? 0 : i)));
            sink.timeline(new TimelineEvent(TIMES[i % TIMES.length], "Shared", "same", "same row in every module"));
        }
    }

    private static Map<String, byte[]> files(Path dir) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static List<String> names(List<Path> written) {
        return written.stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void interleavedModulesGiveTheBytesOfModulesOneAfterTheOther() throws Exception {
        String[] modules = {"a", "broken", "b", "c"};
        int[] rows = {900, 700, 5, 1300};
        Path serial = tmp.resolve("serial");
        List<Path> serialWritten;
        List<Long> serialCounts = new ArrayList<>();
        try (StreamingOutput out = new StreamingOutput(serial, RUN_SIZE)) {
            for (int m = 0; m < modules.length; m++) {
                ResultSink sink = out.open(modules[m], "P_" + modules[m]);
                feed(sink, modules[m], rows[m]);
                if (modules[m].equals("broken")) {
                    sink.abort();
                    serialCounts.add(0L);
                } else {
                    serialCounts.add(sink.finish());
                }
            }
            serialWritten = out.finish(new RunResult(info(), List.of()));
        }
        Path parallel = tmp.resolve("parallel");
        List<Path> parallelWritten;
        List<Long> counts = new ArrayList<>();
        try (StreamingOutput out = new StreamingOutput(parallel, RUN_SIZE)) {
            List<ResultSink> sinks = new ArrayList<>();
            for (String m : modules) {
                sinks.add(out.open(m, "P_" + m)); // in run order, as the runner does
            }
            CyclicBarrier start = new CyclicBarrier(modules.length);
            List<Thread> threads = new ArrayList<>();
            long[] finished = new long[modules.length];
            Throwable[] errors = new Throwable[modules.length];
            // the last module starts feeding first and the first ends last: the reverse of run order
            for (int m = modules.length - 1; m >= 0; m--) {
                int k = m;
                Thread t = new Thread(() -> {
                    try {
                        start.await(60, TimeUnit.SECONDS);
                        feed(sinks.get(k), modules[k], rows[k]);
                        if (modules[k].equals("broken")) {
                            sinks.get(k).abort();
                        } else {
                            finished[k] = sinks.get(k).finish();
                        }
                    } catch (Throwable e) {
                        errors[k] = e;
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(120_000);
            }
            for (Throwable e : errors) {
                assertThat(e).isNull();
            }
            for (long f : finished) {
                counts.add(f);
            }
            parallelWritten = out.finish(new RunResult(info(), List.of()));
        }
        // distinct rows of a: 900 minus the 129 "a 0" rows, plus one "a 0" and one shared row per
        // distinct timestamp (4)
        assertThat(counts.get(0)).isEqualTo(900 - 129 + 4 + 4);
        assertThat(counts).isEqualTo(serialCounts);
        Map<String, byte[]> expected = files(serial);
        Map<String, byte[]> actual = files(parallel);
        assertThat(actual.keySet()).isEqualTo(expected.keySet())
                .contains("a.json", "b.json", "c.json", "timeline.csv").doesNotContain("broken.json");
        for (String name : expected.keySet()) {
            assertThat(actual.get(name)).as(name).isEqualTo(expected.get(name));
        }
        assertThat(names(parallelWritten)).isEqualTo(names(serialWritten));
        assertThat(names(parallelWritten).subList(0, 3)).containsExactly("a.json", "b.json", "c.json");
        String timeline = Files.readString(parallel.resolve("timeline.csv"));
        assertThat(timeline).doesNotContain("broken");
        // equal timestamps: a's rows, then b's, then c's (run order), each in the order produced
        List<String> tie = timeline.lines().filter(l -> l.startsWith("\"2021-03-04 05:06:07.000000\",\"P_"))
                .map(l -> l.split("\",\"")[3]).toList();
        List<String> expectedTie = new ArrayList<>();
        for (String m : List.of("a", "b", "c")) {
            int n = rows[List.of(modules).indexOf(m)];
            for (int i = 0; i < n; i++) {
                if (i % TIMES.length < 2 && (i % 7 != 0 || i < 7)) {
                    expectedTie.add(m + " " + (i % 7 == 0 ? 0 : i) + "\"");
                }
            }
        }
        assertThat(tie).isEqualTo(expectedTie);
    }

    /** A module streaming rows that collide with the other modules' rows. */
    private record Streaming(String slug, int rows, boolean fails, CyclicBarrier meet) implements Module {
        @Override
        public ModuleDescriptor descriptor() {
            return new ModuleDescriptor(slug, "P_" + slug, Platform.IOS, Set.of(SourceKind.IOS_BACKUP), List.of(),
                    List.of(), "test");
        }

        @Override
        public ModuleResult run(ModuleContext ctx) throws Exception {
            ModuleResult.Builder b = ctx.newResult(descriptor());
            for (int i = 0; i < rows; i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("n", i);
                b.record(r);
                b.timeline(TIMES[i % TIMES.length], "event", i % 3 == 0 ? "repeated" : slug + " " + i);
                if (meet != null && i == rows / 2) {
                    meet.await(60, TimeUnit.SECONDS); // both modules are midway at the same time
                }
            }
            if (fails) {
                throw new IllegalStateException("failed midway");
            }
            return b.build();
        }

        @Override
        public List<Alert> recheck(JsonNode results, Indicators indicators) {
            return List.of();
        }
    }

    private Map<String, byte[]> runModules(Path dir, int jobs) throws Exception {
        CyclicBarrier meet = jobs > 1 ? new CyclicBarrier(2) : null;
        List<Module> modules = List.of(new Streaming("first", 3000, false, meet),
                new Streaming("broken", 2000, true, meet), new Streaming("third", 100, false, null));
        FakeSource source = new FakeSource(SourceKind.IOS_BACKUP, tmp).concurrentReads(true);
        try (StreamingOutput out = new StreamingOutput(dir, RUN_SIZE)) {
            List<ModuleOutcome> outcomes = new ModuleRunner(source, Indicators.empty(), ModuleOptions.defaults(),
                    Clock.systemUTC(), null, out, Progress.none(), jobs).run(modules);
            assertThat(outcomes).extracting(ModuleOutcome::status).containsExactly(ModuleStatus.CHECKED,
                    ModuleStatus.FAILED, ModuleStatus.CHECKED);
            out.finish(new RunResult(info(), outcomes));
        }
        return files(dir);
    }

    @Test
    void aModuleFailingMidwayWhileAnotherRunsLeavesNothingAndTheOthersAreIntact() throws Exception {
        Map<String, byte[]> serial = runModules(tmp.resolve("jobs1"), 1);
        Map<String, byte[]> parallel = runModules(tmp.resolve("jobs3"), 3);
        assertThat(parallel.keySet()).isEqualTo(serial.keySet()).contains("first.json", "third.json")
                .doesNotContain("broken.json");
        for (String name : serial.keySet()) {
            if (!name.equals("info.json") && !name.equals("report.html")) {
                assertThat(parallel.get(name)).as(name).isEqualTo(serial.get(name));
            }
        }
        String timeline = new String(parallel.get("timeline.csv"), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(timeline).doesNotContain("P_broken").contains("P_first").contains("P_third");
        // "repeated" once per timestamp in each module that completed
        assertThat(timeline.lines().filter(l -> l.endsWith("\"repeated\"")).count()).isEqualTo(2 * 4);
    }
}
