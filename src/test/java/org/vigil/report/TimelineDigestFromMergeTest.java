package org.vigil.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.TimelineEvent;
import org.vigil.report.folder.FolderReader;
import org.vigil.report.folder.TimelineDigest;
import org.vigil.report.folder.TimelineDigestBuilder;
import org.vigil.report.html.HtmlReport;
import org.vigil.report.html.Messages;

/**
 * The digest a check builds while merging timeline.csv must be what {@link FolderReader} gets by
 * reading the file back: the check's report.html and {@code vigil report}'s are the same bytes.
 */
class TimelineDigestFromMergeTest {
    @TempDir
    Path tmp;

    /** Timestamps and texts that stress the CSV round trip and the day counting. */
    private static final String[] HOSTILE = {
        "", "2024-01-01", "2024-01-0", "2024-01-01 00:00:00.000000", "2024-13-45 10:00:00", "2023-02-29 00:00:00",
        "2024-01-01\"x", "\"2024-01-01\"", "2024-01-01\\n", "\\2024-01-01", "2024-01-01\r\n2025-01-01",
        "2024-\n01-01", "2024-01-01\ud800", "\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud8002024",
        "２０２４-01-01", "2024-01-01\u00e9", "\ufeff2024-01-01", "9999-12-31 23:59:59", "0000-01-01", "-2024-01-01",
        "2024-02-29T10:00:00Z", ",2024-01-01", "2024-01-01,", "\u0000", "2024-01-01\u2028",
    };

    private static String text(Random r, int i) {
        return switch (i % 9) {
            case 0 -> "plain " + i;
            case 1 -> "quote \" and \\ backslash " + i;
            case 2 -> "line\nbreak\r\nand\rcr " + i;
            case 3 -> "lone \udc00 surrogate and \ud83d\ude00 emoji " + i;
            case 4 -> "x".repeat(70_000 + r.nextInt(10)); // beyond the field bound of the reader
            case 5 -> "";
            case 6 -> "\\\"\\\"\"\"" + i;
            case 7 -> "caf\u00e9 \u0000 nul " + i;
            default -> "https://example.org/" + i + "?a=b,c";
        };
    }

    private Path runCheck(Path dir, List<List<TimelineEvent>> modules, int runSize, boolean local) throws Exception {
        try (StreamingOutput out = new StreamingOutput(dir, runSize)) {
            int m = 0;
            for (List<TimelineEvent> rows : modules) {
                ResultSink sink = out.open("m" + m, "M" + m);
                sink.record(Map.of("n", m++));
                rows.forEach(sink::timeline);
                sink.finish();
            }
            out.finish(new RunResult(new RunInfo("check", "/in", "iOS backup", "0", "2026-01-01 00:00:00.000000",
                    List.of(), List.of(), Map.of(), local), List.of()));
        }
        return dir;
    }

    private static List<List<TimelineEvent>> hostileModules(long seed, int perModule) {
        Random r = new Random(seed);
        List<List<TimelineEvent>> modules = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            List<TimelineEvent> rows = new ArrayList<>();
            for (int i = 0; i < perModule; i++) {
                String ts = r.nextInt(3) == 0 ? HOSTILE[r.nextInt(HOSTILE.length)]
                        : String.format("20%02d-%02d-%02d %02d:00:00.000000", 20 + r.nextInt(5), 1 + r.nextInt(12),
                                1 + r.nextInt(28), r.nextInt(24));
                rows.add(new TimelineEvent(ts, "M" + m, "event " + (i % 4), text(r, i)));
            }
            modules.add(rows);
        }
        return modules;
    }

    private static void sameDigest(TimelineDigest merged, TimelineDigest readBack) {
        assertThat(merged.present()).isEqualTo(readBack.present());
        assertThat(merged.deviceLocal()).isEqualTo(readBack.deviceLocal());
        assertThat(merged.total()).isEqualTo(readBack.total());
        assertThat(merged.untimed()).isEqualTo(readBack.untimed());
        assertThat(merged.days().counts()).isEqualTo(readBack.days().counts());
        assertThat(merged.days().granularity()).isEqualTo(readBack.days().granularity());
        assertThat(merged.rows()).isEqualTo(readBack.rows());
    }

    @Test
    void digestOfTheMergeIsTheDigestOfTheFileReadBack() throws Exception {
        for (long seed = 1; seed <= 4; seed++) {
            Path dir = runCheck(tmp.resolve("run" + seed), hostileModules(seed, 400), 97, seed % 2 == 0);
            TimelineDigest readBack = new FolderReader().read(dir).timeline();
            // the same rows, given to a builder in file order, as the merge gives them
            assertThat(readBack.total()).isGreaterThan(1000);
            assertThat(readBack.untimed()).isPositive();
            Path again = runCheckCapturingDigest(tmp.resolve("cap" + seed), hostileModules(seed, 400), 97, seed % 2 == 0);
            assertThat(Files.readAllBytes(again.resolve("timeline.csv")))
                    .isEqualTo(Files.readAllBytes(dir.resolve("timeline.csv")));
            sameDigest(captured, readBack);
        }
    }

    @Test
    void keptRowsBoundHoldsWithFewerAndMoreRowsThanKept() throws Exception {
        for (int rows : new int[] {1, 6, 7, 8, 50}) {
            List<List<TimelineEvent>> modules = List.of(hostileModules(rows, rows).get(0));
            Path dir = tmp.resolve("k" + rows);
            TimelineDigestBuilder builder = new TimelineDigestBuilder(7, false);
            try (StreamingOutput out = new StreamingOutput(dir, 5)) {
                ResultSink sink = out.open("m", "M");
                modules.get(0).forEach(sink::timeline);
                sink.finish();
                out.finish(new RunResult(info(false), List.of()));
            }
            TimelineSpool spool = new TimelineSpool(tmp.resolve("spool" + rows), 5);
            TimelineSpool.ModuleRows m = spool.beginModule();
            for (TimelineEvent e : modules.get(0)) {
                spool.add(m, e);
            }
            spool.endModule(m);
            spool.writeCsv(tmp.resolve("t" + rows + ".csv"), false, builder);
            spool.close();
            TimelineDigest built = builder.build();
            TimelineDigest readBack = new FolderReader(10, 7).read(dir).timeline();
            sameDigest(built, readBack);
            assertThat(built.rows()).hasSize(Math.min(rows, 7));
        }
    }

    @Test
    void checkReportIsTheReportRebuiltFromTheFolder() throws Exception {
        Path dir = runCheck(tmp.resolve("report"), hostileModules(9, 300), 50, false);
        Path rebuilt = new HtmlReport(Messages.english(), "0").write(dir, tmp.resolve("rebuilt.html"));
        Path fromCheck = dir.resolve(HtmlReport.FILE_NAME);
        assertThat(Files.readString(fromCheck)).contains("<svg");
        assertThat(Files.readAllBytes(rebuilt)).isEqualTo(Files.readAllBytes(fromCheck));
    }

    private TimelineDigest captured;

    /** Runs the same check, keeping the digest the merge built (what report.html received). */
    private Path runCheckCapturingDigest(Path dir, List<List<TimelineEvent>> modules, int runSize, boolean local)
            throws Exception {
        Files.createDirectories(dir);
        TimelineSpool spool = new TimelineSpool(tmp.resolve("spool-" + dir.getFileName()), runSize);
        for (List<TimelineEvent> rows : modules) {
            TimelineSpool.ModuleRows m = spool.beginModule();
            for (TimelineEvent e : rows) {
                spool.add(m, e);
            }
            spool.endModule(m);
        }
        TimelineDigestBuilder builder = TimelineDigestBuilder.withDefaults(local);
        spool.writeCsv(dir.resolve("timeline.csv"), local, builder);
        spool.close();
        captured = builder.build();
        return dir;
    }

    private static RunInfo info(boolean local) {
        return new RunInfo("check", "/in", "iOS backup", "0", "2026-01-01 00:00:00.000000", List.of(), List.of(),
                Map.of(), local);
    }
}
