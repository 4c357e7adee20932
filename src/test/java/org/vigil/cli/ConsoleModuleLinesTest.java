package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;

/** Module lines come in module order whatever order (and threads) the modules end in. */
class ConsoleModuleLinesTest {

    private static ModuleOutcome outcome(String slug) {
        return ModuleOutcome.without(slug, "P_" + slug, ModuleStatus.NOT_PRESENT, slug + " not in backup");
    }

    private static List<String> slugsOf(String text) {
        List<String> slugs = new ArrayList<>();
        text.lines().forEach(l -> slugs.add(l.substring(l.indexOf(']') + 1).strip().split("\\s+")[0]));
        return slugs;
    }

    @Test
    void aLineWaitsForTheLinesOfEarlierModules() {
        StringWriter text = new StringWriter();
        Console console = new Console(new PrintWriter(text), false);
        console.finished(outcome("b"), 10, 2, 3);
        console.finished(outcome("c"), 10, 3, 3);
        assertThat(text.toString()).isEmpty(); // a has not ended
        console.finished(outcome("a"), 10, 1, 3);
        assertThat(text.toString().lines()).containsExactly(
                Console.moduleLine(outcome("a"), 10, 1, 3, Style.of(false)),
                Console.moduleLine(outcome("b"), 10, 2, 3, Style.of(false)),
                Console.moduleLine(outcome("c"), 10, 3, 3, Style.of(false)));
        // a nested run counts from 1 again
        console.finished(outcome("nested"), 5, 1, 1);
        assertThat(slugsOf(text.toString())).containsExactly("a", "b", "c", "nested");
    }

    @Test
    void linesFromManyThreadsComeWholeAndInOrder() throws Exception {
        StringWriter text = new StringWriter();
        Console console = new Console(new PrintWriter(text), false);
        int n = 40;
        CyclicBarrier start = new CyclicBarrier(4);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int i = n - first; i >= 1; i -= 4) { // each thread ends its modules last first
                    console.finished(outcome("m" + i), 1, i, n);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            expected.add("m" + i);
        }
        assertThat(slugsOf(text.toString())).isEqualTo(expected);
    }

    @Test
    void quietPrintsNoModuleLine() {
        StringWriter text = new StringWriter();
        Console console = new Console(new PrintWriter(text), true);
        console.finished(outcome("a"), 10, 1, 1);
        assertThat(text.toString()).isEmpty();
    }
}
