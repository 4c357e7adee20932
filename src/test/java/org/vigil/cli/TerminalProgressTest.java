package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.vigil.core.Progress;

/** The terminal progress line, driven by a fake clock. */
class TerminalProgressTest {
    private final StringWriter text = new StringWriter();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final TerminalProgress progress = new TerminalProgress(new PrintWriter(text), 100, now::get);

    private void advanceClock(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }

    @Test
    void aShortStepIsNeverDrawn() {
        try (Progress.Step step = progress.start("tcc", 0, Progress.Unit.RECORDS)) {
            step.advance(10);
            advanceClock(200);
            step.advance(10);
        }
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void aLongStepShowsABarWithCountsTimeAndWhatIsLeftThenIsErased() {
        Progress.Step step = progress.start("Deriving the backup key", 10_010_000, Progress.Unit.ITERATIONS);
        advanceClock(2_000);
        step.advance(2_502_500);
        String line = text.toString();
        assertThat(line).isEqualTo("\rDeriving the backup key  [#######.......................]   25%  2.5M/10.0M"
                + " iterations  0:06 left");
        assertThat(line.length()).isLessThan(100);
        step.close();
        int drawn = line.length() - 1;
        assertThat(text.toString()).isEqualTo(line + "\r" + " ".repeat(drawn) + "\r");
    }

    @Test
    void redrawsAreThrottledAndShorterLinesArePadded() {
        Progress.Step step = progress.start("Indexing sysdiagnose.tar.gz", 10L << 20, Progress.Unit.BYTES);
        advanceClock(400);
        step.advance(1 << 20);
        String first = text.toString();
        assertThat(first).isEqualTo("\rIndexing sysdiagnose.tar.gz  [###...........................]   10%  1.0 MiB/10.0 MiB"
                + "  0:03 left");
        step.advance(1 << 20); // within 100 ms: not redrawn
        assertThat(text.toString()).isEqualTo(first);
        advanceClock(150);
        step.advance(1 << 20);
        assertThat(text.toString().substring(first.length())).startsWith("\rIndexing sysdiagnose.tar.gz  [#########.")
                .contains("30%  3.0 MiB/10.0 MiB");
        step.close();
    }

    @Test
    void anIndeterminateStepSpinsWithItsCountAndTakesATotalLater() {
        Progress.Step step = progress.start("sms", 0, Progress.Unit.RECORDS);
        advanceClock(500);
        step.advance(123_456);
        assertThat(text.toString()).isEqualTo("\rsms  |  123,456 records  0:00");
        advanceClock(200);
        step.total(1_000_000);
        assertThat(text.toString()).endsWith("]   12%  123,456/1,000,000 records  0:04 left");
        step.close();
    }

    @Test
    void oneRecordIsSingular() {
        Progress.Step step = progress.start("datausage", 0, Progress.Unit.RECORDS);
        advanceClock(500);
        step.advance(1);
        assertThat(text.toString()).isEqualTo("\rdatausage  |  1 record  0:00");
        step.close();
    }

    @Test
    void clearErasesTheLineBeforeOtherOutputAndTheNextUpdateRedraws() {
        Progress.Step step = progress.start("Decrypting files", 100, Progress.Unit.FILES);
        advanceClock(500);
        step.advance(50);
        int drawn = text.toString().length() - 1;
        progress.clear();
        assertThat(text.toString()).endsWith("\r" + " ".repeat(drawn) + "\r");
        progress.clear(); // nothing drawn: nothing written
        int length = text.toString().length();
        assertThat(text.toString().length()).isEqualTo(length);
        step.advance(1);
        assertThat(text.toString().substring(length)).startsWith("\rDecrypting files").contains("51%");
        step.close();
    }

    @Test
    void theInnermostStepIsShownAndALongLabelIsCut() {
        TerminalProgress narrow = new TerminalProgress(new PrintWriter(text), 60, now::get);
        Progress.Step outer = narrow.start("Reading backup.ab", 1000, Progress.Unit.BYTES);
        Progress.Step inner = narrow.start("a very long module name that does not fit on the line at all", 0,
                Progress.Unit.RECORDS);
        advanceClock(500);
        outer.advance(10); // not the innermost: not drawn
        assertThat(text.toString()).isEmpty();
        inner.advance(5);
        String line = text.toString().substring(1);
        assertThat(line).hasSizeLessThanOrEqualTo(59).startsWith("a very long").contains("...  |  5 records");
        inner.close();
        outer.advance(10);
        String last = text.toString().substring(text.toString().lastIndexOf('\r') + 1);
        assertThat(last.strip()).isEqualTo("Reading back...  [..........]    2%  20 B/1000 B  0:24 left");
        outer.close();
    }

    @Test
    void concurrentStepsShareOneLineAndAYoungStepDoesNotHideALongOne() {
        Progress.Step sms = progress.start("sms", 0, Progress.Unit.RECORDS);
        advanceClock(500);
        Progress.Step tcc = progress.start("tcc", 0, Progress.Unit.RECORDS); // started later, still young
        sms.advance(1000);
        assertThat(text.toString()).isEqualTo("\rsms  |  1,000 records  0:00");
        tcc.advance(5); // too young to be drawn
        tcc.close(); // was never drawn: the line stays
        assertThat(text.toString()).isEqualTo("\rsms  |  1,000 records  0:00");
        Progress.Step manifest = progress.start("manifest", 0, Progress.Unit.RECORDS);
        advanceClock(500);
        sms.advance(1); // manifest now runs long enough: the most recent long step is the one shown
        manifest.advance(7);
        String last = text.toString().substring(text.toString().lastIndexOf('\r') + 1);
        assertThat(last.strip()).isEqualTo("manifest  |  7 records  0:00");
        manifest.close(); // erased; sms shows again on its next update
        assertThat(text.toString()).endsWith("\r" + " ".repeat(last.length()) + "\r");
        sms.advance(1);
        assertThat(text.toString()).endsWith("\rsms  |  1,002 records  0:01");
        sms.close();
    }

    @Test
    void stepsAdvancedFromManyThreadsNeverMixTheirLines() throws Exception {
        StringWriter out = new StringWriter();
        TerminalProgress shared = new TerminalProgress(new PrintWriter(out), 100, now::get);
        advanceClock(0);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.List<Progress.Step> steps = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            steps.add(shared.start("module" + t, 0, Progress.Unit.RECORDS));
        }
        advanceClock(1_000);
        for (int t = 0; t < 4; t++) {
            Progress.Step step = steps.get(t);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    step.advance(1);
                    if (i % 100 == 0) {
                        now.addAndGet(INTERVAL_NANOS_FOR_TEST);
                    }
                }
                step.close();
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        // every redraw is one whole line: "\r" + label + spinner + count + time, padded with spaces
        for (String piece : out.toString().split("\r")) {
            if (!piece.isBlank()) {
                assertThat(piece.stripTrailing()).matches("module[0-3]  [|/\\\\-]  [0-9,]+ records?  [0-9]+:[0-9]{2}");
            }
        }
        assertThat(out.toString()).endsWith("\r"); // the last step's end erased the line
    }

    private static final long INTERVAL_NANOS_FOR_TEST = TerminalProgress.INTERVAL_NANOS;

    @Test
    void formatsCountsSizesAndTimes() {
        assertThat(TerminalProgress.count(1_234_567, Progress.Unit.RECORDS)).isEqualTo("1,234,567");
        assertThat(TerminalProgress.count(512, Progress.Unit.BYTES)).isEqualTo("512 B");
        assertThat(TerminalProgress.count(3L << 30, Progress.Unit.BYTES)).isEqualTo("3.0 GiB");
        assertThat(TerminalProgress.time(75_000_000_000L)).isEqualTo("1:15");
        assertThat(TerminalProgress.time(3_725_000_000_000L)).isEqualTo("1:02:05");
        assertThat(TerminalProgress.width(java.util.Map.of("COLUMNS", "132"))).isEqualTo(132);
        assertThat(TerminalProgress.width(java.util.Map.of("COLUMNS", "wide"))).isEqualTo(80);
    }
}
