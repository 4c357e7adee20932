package org.vigil.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.TimelineEvent;

class StreamingOutputTest {
    @TempDir
    Path tmp;

    private static RunInfo info() {
        return new RunInfo("check", "/in", "iOS backup", "0", "2026-01-01 00:00:00.000000", List.of(), List.of(), Map.of(), false);
    }

    private static List<Object> records(int n) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", i);
            r.put("text", "caf\u00e9 " + i);
            r.put("ts", 726100000.0 + i);
            r.put("links", List.of("https://example.org/" + i));
            out.add(r);
        }
        return out;
    }

    @Test
    void streamedRecordsAreTheBytesOfAnInMemoryWrite() throws Exception {
        sameBytes(5);
    }

    @Test
    void batchesSerialisedInParallelJoinIntoTheSameBytes() throws Exception {
        sameBytes(1537); // three full batches and a partial one
    }

    private void sameBytes(int n) throws Exception {
        List<Object> recs = records(n);
        Path mem = tmp.resolve("mem" + n);
        new OutputWriter().write(new RunResult(info(), List.of(new ModuleOutcome("sms", "SMS", ModuleStatus.CHECKED, "",
                recs, List.of(), List.of(), List.of()))), mem);
        Path streamed = tmp.resolve("streamed" + n);
        try (StreamingOutput out = new StreamingOutput(streamed)) {
            ResultSink sink = out.open("sms", "SMS");
            recs.forEach(sink::record);
            sink.finish();
            out.finish(new RunResult(info(), List.of(new ModuleOutcome("sms", "SMS", ModuleStatus.CHECKED, "", null, n,
                    List.of(), List.of(), 0, List.of()))));
        }
        assertThat(Files.readAllBytes(streamed.resolve("sms.json"))).isEqualTo(Files.readAllBytes(mem.resolve("sms.json")));
        assertThat(Files.readString(streamed.resolve("sms.json"))).startsWith("[\n    {\n        \"id\": 0,");
    }

    @Test
    void timelineIsMergedInOrderDedupedPerModuleAndAbortedModulesVanish() throws Exception {
        Path dir = tmp.resolve("out");
        try (StreamingOutput out = new StreamingOutput(dir, 3)) { // tiny runs: forces spills and a merge
            ResultSink a = out.open("a", "A");
            a.record(Map.of("x", 1));
            a.timeline(new TimelineEvent("2020-01-03", "A", "e", "a3"));
            a.timeline(new TimelineEvent("2020-01-01", "A", "e", "a1"));
            a.timeline(new TimelineEvent("2020-01-01", "A", "e", "a1")); // duplicate within A
            a.timeline(new TimelineEvent("2020-01-02", "A", "e", "tie-first"));
            a.timeline(new TimelineEvent("", "A", "e", "no time"));
            assertThat(a.finish()).isEqualTo(4);
            ResultSink broken = out.open("broken", "Broken");
            broken.record(Map.of("y", 1));
            broken.timeline(new TimelineEvent("2020-01-01", "Broken", "e", "gone"));
            broken.abort();
            ResultSink b = out.open("b", "B");
            b.timeline(new TimelineEvent("2020-01-02", "B", "e", "tie-second"));
            b.timeline(new TimelineEvent("2020-01-01", "A", "e", "a1")); // same row as A's, other module: kept
            b.timeline(new TimelineEvent("2019-12-31", "B", "e", "b0"));
            assertThat(b.finish()).isEqualTo(3);
            out.finish(new RunResult(info(), List.of()));
        }
        assertThat(dir.resolve("broken.json")).doesNotExist();
        assertThat(dir.resolve("a.json")).exists();
        assertThat(dir.resolve("b.json")).doesNotExist(); // no records, no file (as MVT)
        assertThat(Files.readAllLines(dir.resolve("timeline.csv"))).containsExactly(
                "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"",
                "\"\",\"A\",\"e\",\"no time\"",
                "\"2019-12-31\",\"B\",\"e\",\"b0\"",
                "\"2020-01-01\",\"A\",\"e\",\"a1\"",
                "\"2020-01-01\",\"A\",\"e\",\"a1\"",
                "\"2020-01-02\",\"A\",\"e\",\"tie-first\"",
                "\"2020-01-02\",\"B\",\"e\",\"tie-second\"",
                "\"2020-01-03\",\"A\",\"e\",\"a3\"");
    }

    @Test
    void aRunFileThatCannotBeWrittenFailsTheFinishAfterTheTimelineIsMerged() throws Exception {
        Path dir = tmp.resolve("blocked");
        Files.createDirectories(dir.resolve("coverage.json")); // a folder where the file must go
        try (StreamingOutput out = new StreamingOutput(dir, 2)) {
            ResultSink a = out.open("a", "A");
            a.timeline(new TimelineEvent("2020-01-02", "A", "e", "x"));
            a.timeline(new TimelineEvent("2020-01-01", "A", "e", "y"));
            a.timeline(new TimelineEvent("2020-01-03", "A", "e", "z"));
            a.finish();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> out.finish(new RunResult(info(), List.of())))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("coverage.json");
        }
        assertThat(Files.readAllLines(dir.resolve("timeline.csv"))).hasSize(4);
        assertThat(dir.resolve("info.json")).exists();
    }

    @Test
    void dedupSetGrowsWithoutLosingValues() {
        TimelineSpool.LongPairSet set = new TimelineSpool.LongPairSet();
        for (long i = 0; i < 100_000; i++) {
            assertThat(set.add(i, i * 31)).isTrue();
        }
        for (long i = 0; i < 100_000; i++) {
            assertThat(set.add(i, i * 31)).isFalse();
        }
        assertThat(set.add(1, 1)).isTrue();
        // (0, 0) marks empty slots: as a value it is remembered apart
        TimelineSpool.LongPairSet zero = new TimelineSpool.LongPairSet();
        assertThat(zero.add(0, 0)).isTrue();
        assertThat(zero.add(0, 0)).isFalse();
        assertThat(zero.add(0, 1)).isTrue();
        assertThat(zero.add(1, 0)).isTrue();
        assertThat(zero.add(0, 1)).isFalse();
        assertThat(zero.add(-1, -1)).isTrue();
        assertThat(zero.add(-1, -1)).isFalse();
    }
}
