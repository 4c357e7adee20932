package org.vigil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunSink;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

/**
 * {@link ModuleRunner} with several jobs: modules really run at the same time, dependencies are
 * waited for, and what the caller sees (outcomes, sinks, listener indexes) keeps the list order.
 * The latches' timeouts only keep a broken runner from hanging the build; nothing is timed.
 */
class ModuleRunnerConcurrencyTest {
    private static final long WAIT_SECONDS = 60;

    private static FakeSource source(boolean concurrent) {
        return new FakeSource(SourceKind.IOS_BACKUP, Path.of(".")).concurrentReads(concurrent);
    }

    private static ModuleRunner runner(FakeSource source, int jobs, ModuleRunner.Listener listener, RunSink sink) {
        return new ModuleRunner(source, Indicators.empty(), ModuleOptions.defaults(), Clock.systemUTC(), listener,
                sink, Progress.none(), jobs);
    }

    private static void await(CountDownLatch latch, String what) throws Exception {
        if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never happened: " + what);
        }
    }

    /** Records listener events as "started 2/3 b" and "finished 2/3 b". */
    private static final class Events implements ModuleRunner.Listener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void started(ModuleDescriptor descriptor, int index, int total) {
            events.add("started " + index + "/" + total + " " + descriptor.slug());
        }

        @Override
        public void finished(ModuleOutcome outcome, long millis, int index, int total) {
            events.add("finished " + index + "/" + total + " " + outcome.slug());
        }
    }

    @Test
    void twoModulesThatWaitForEachOtherBothFinish() {
        // each waits at the barrier until the other arrives: only possible if they run at the same time
        CyclicBarrier both = new CyclicBarrier(2);
        LambdaModule.Behaviour meet = (d, c) -> {
            both.await(WAIT_SECONDS, TimeUnit.SECONDS);
            return c.newResult(d).record(d.slug()).build();
        };
        List<ModuleOutcome> out = runner(source(true), 2, null, null)
                .run(List.of(new LambdaModule("a", List.of(), meet), new LambdaModule("b", List.of(), meet)));
        assertThat(out).extracting(ModuleOutcome::slug).containsExactly("a", "b");
        assertThat(out).extracting(ModuleOutcome::status).containsOnly(ModuleStatus.CHECKED);
    }

    @Test
    void theModuleWithTheMostExpectedWorkStartsFirst() {
        // two workers, three modules: the first two to start meet at a barrier, so the third can
        // only start when one of them ended. By list order "a" and "b" would start first; "big"
        // has the most expected work and must be one of the first two.
        CyclicBarrier firstTwo = new CyclicBarrier(2);
        List<String> starts = Collections.synchronizedList(new ArrayList<>());
        LambdaModule.Behaviour run = (d, c) -> {
            int n;
            synchronized (starts) {
                starts.add(d.slug());
                n = starts.size();
            }
            if (n <= 2) {
                firstTwo.await(WAIT_SECONDS, TimeUnit.SECONDS);
            }
            return c.newResult(d).record(d.slug()).build();
        };
        List<LambdaModule> modules = List.of(new LambdaModule("a", List.of(), run), new LambdaModule("b", List.of(), run),
                new LambdaModule("big", List.of(), run));
        List<ModuleOutcome> out = runner(source(true), 2, null, null)
                .expectedWork(d -> d.slug().equals("big") ? 1_000_000 : 0).run(List.copyOf(modules));
        assertThat(starts.subList(0, 2)).containsExactlyInAnyOrder("big", "a");
        assertThat(starts.get(2)).isEqualTo("b");
        assertThat(out).extracting(ModuleOutcome::slug).containsExactly("a", "b", "big"); // outputs keep list order

        // serial runs ignore the estimate
        List<String> serial = Collections.synchronizedList(new ArrayList<>());
        LambdaModule.Behaviour note = (d, c) -> {
            serial.add(d.slug());
            return c.newResult(d).record(d.slug()).build();
        };
        runner(source(true), 1, null, null).expectedWork(d -> d.slug().equals("big") ? 1_000_000 : 0)
                .run(List.of(new LambdaModule("a", List.of(), note), new LambdaModule("b", List.of(), note),
                        new LambdaModule("big", List.of(), note)));
        assertThat(serial).containsExactly("a", "b", "big");
    }

    @Test
    void outcomesStayInListOrderWhenALaterModuleEndsFirst() {
        CountDownLatch bDone = new CountDownLatch(1);
        LambdaModule a = new LambdaModule("a", List.of(), (d, c) -> {
            await(bDone, "b ended");
            return c.newResult(d).record("a1").record("a2").build();
        });
        LambdaModule b = new LambdaModule("b", List.of(), (d, c) -> {
            ModuleResult r = c.newResult(d).record("b1").build();
            bDone.countDown();
            return r;
        });
        LambdaModule last = new LambdaModule("c", List.of(), (d, c) -> c.newResult(d).build());
        Events listener = new Events();
        List<ModuleOutcome> out = runner(source(true), 2, listener, null).run(List.of(a, b, last));
        assertThat(out).extracting(ModuleOutcome::slug).containsExactly("a", "b", "c");
        assertThat(out).extracting(ModuleOutcome::recordCount).containsExactly(2L, 1L, 0L);
        // b ended while a was still waiting for it, and each event names the module's list position
        assertThat(listener.events.indexOf("finished 2/3 b")).isLessThan(listener.events.indexOf("finished 1/3 a"));
        assertThat(listener.events).contains("started 1/3 a", "started 2/3 b", "started 3/3 c", "finished 3/3 c");
        assertThat(listener.events.indexOf("started 1/3 a")).isLessThan(listener.events.indexOf("started 2/3 b"));
    }

    @Test
    void aDependentStartsAfterItsDependencyEndedAndGetsItsOutcome() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch independentRan = new CountDownLatch(1);
        LambdaModule producer = new LambdaModule("whatsapp_contacts", List.of(), (d, c) -> {
            // ends only once the independent module ran: they overlap
            await(independentRan, "independent ran");
            ModuleResult r = c.newResult(d).record("contact").record("contact2").build();
            log.add("producer ended");
            return r;
        });
        LambdaModule independent = new LambdaModule("sms", List.of(), (d, c) -> {
            independentRan.countDown();
            return c.newResult(d).build();
        });
        LambdaModule consumer = new LambdaModule("interaction_c", List.of("whatsapp_contacts"), (d, c) -> {
            log.add("consumer started with " + c.dependency("whatsapp_contacts")
                    .map(o -> o.recordCount() + " " + o.results()).orElse("nothing"));
            return c.newResult(d).build();
        });
        List<ModuleOutcome> out = runner(source(true), 3, null, (slug, plugin) -> ResultSink.discarding())
                .run(List.of(producer, consumer, independent));
        assertThat(out).extracting(ModuleOutcome::slug).containsExactly("whatsapp_contacts", "interaction_c", "sms");
        assertThat(out).extracting(ModuleOutcome::status).containsOnly(ModuleStatus.CHECKED);
        // the dependency's records are retained for its dependent, even though the run streams
        assertThat(log).containsExactly("producer ended", "consumer started with 2 [contact, contact2]");
    }

    @Test
    void aSourceWithoutConcurrentReadsIsReadOneModuleAtATime() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        LambdaModule.Behaviour count = (d, c) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
            Thread.yield();
            running.decrementAndGet();
            return c.newResult(d).build();
        };
        List<Module> modules = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            modules.add(new LambdaModule("m" + i, List.of(), count));
        }
        Events listener = new Events();
        List<ModuleOutcome> out = runner(source(false), 4, listener, null).run(modules);
        assertThat(out).extracting(ModuleOutcome::slug).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        assertThat(most.get()).isEqualTo(1);
        assertThat(threads).containsOnly(Thread.currentThread().getName()); // today's serial run, on the caller
        assertThat(listener.events).startsWith("started 1/6 m0", "finished 1/6 m0", "started 2/6 m1");
    }

    @Test
    void sinksAreOpenedInListOrderBeforeAnyModuleRunsAndFailedModulesAreAborted() {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        RunSink sinks = (slug, plugin) -> {
            calls.add("open " + slug);
            return new ResultSink() {
                @Override
                public void record(Object record) {}

                @Override
                public void timeline(TimelineEvent event) {}

                @Override
                public long finish() {
                    calls.add("finish " + slug);
                    return 0;
                }

                @Override
                public void abort() {
                    calls.add("abort " + slug);
                }
            };
        };
        CyclicBarrier both = new CyclicBarrier(2);
        LambdaModule good = new LambdaModule("good", List.of(), (d, c) -> {
            both.await(WAIT_SECONDS, TimeUnit.SECONDS);
            return c.newResult(d).record("r").build();
        });
        LambdaModule broken = new LambdaModule("broken", List.of(), (d, c) -> {
            c.newResult(d).record("r");
            both.await(WAIT_SECONDS, TimeUnit.SECONDS);
            throw new IllegalStateException("bug");
        });
        List<ModuleOutcome> out = runner(source(true), 2, null, sinks).run(List.of(broken, good));
        assertThat(out).extracting(ModuleOutcome::status).containsExactly(ModuleStatus.FAILED, ModuleStatus.CHECKED);
        assertThat(calls.subList(0, 2)).containsExactly("open broken", "open good");
        assertThat(calls).containsExactlyInAnyOrder("open broken", "open good", "abort broken", "finish good");
    }

    @Test
    void anErrorTheRunnerDoesNotMapEndsTheRunAndAbortsTheModulesThatDidNotRun() {
        List<String> aborted = Collections.synchronizedList(new ArrayList<>());
        RunSink sinks = (slug, plugin) -> new ResultSink() {
            @Override
            public void record(Object record) {}

            @Override
            public void timeline(TimelineEvent event) {}

            @Override
            public long finish() {
                return 0;
            }

            @Override
            public void abort() {
                aborted.add(slug);
            }
        };
        LambdaModule fatal = new LambdaModule("fatal", List.of(), (d, c) -> {
            throw new LinkageError("broken class path");
        });
        LambdaModule after = new LambdaModule("after", List.of("fatal"), (d, c) -> c.newResult(d).build());
        assertThatThrownBy(() -> runner(source(true), 2, null, sinks).run(List.of(fatal, after)))
                .isInstanceOf(LinkageError.class).hasMessage("broken class path");
        assertThat(aborted).containsExactlyInAnyOrder("fatal", "after");
    }

    @Test
    void jobsOutsideOneToSixtyFourAreRefused() {
        assertThatThrownBy(() -> runner(source(true), 0, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..64");
        assertThatThrownBy(() -> runner(source(true), 65, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..64");
        assertThat(runner(source(true), 64, null, null).jobs()).isEqualTo(64);
    }
}
