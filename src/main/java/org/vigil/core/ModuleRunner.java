package org.vigil.core;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunSink;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;

/**
 * Runs modules in a stable dependency order, isolating each module's failure: an exception
 * becomes the module's status and the run goes on.
 *
 * <p>With {@code jobs > 1} and a source that allows it ({@link AcquisitionSource#concurrentReads()}),
 * up to {@code jobs} modules run at the same time on worker threads: a module starts once the
 * modules it depends on (those before it in the list) have finished, and ready modules start as
 * workers free up, the one with the most {@linkplain #expectedWork expected work} first (list
 * order by default). The outcomes are returned in list order, the sinks are opened in
 * list order before any module starts (see {@link RunSink}), so outputs are the same bytes as a
 * serial run's. With {@code jobs == 1} (or a source that does not allow concurrent reads) the
 * modules run one after the other on the calling thread, as they always did.
 */
public final class ModuleRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleRunner.class);

    /** The largest number of worker threads {@code --jobs} accepts. */
    public static final int MAX_JOBS = 64;

    /**
     * Progress events, for the console. Calls are never concurrent (the runner serialises them),
     * but with several jobs they come from worker threads, in the order things happen: modules
     * may start and finish out of list order; {@code index} gives the list position.
     */
    public interface Listener {
        /** A module is about to run ({@code index} from 1). */
        default void started(ModuleDescriptor descriptor, int index, int total) {}

        /** A module finished, with its outcome and how long it took in milliseconds. */
        default void finished(ModuleOutcome outcome, long millis) {}

        /**
         * The module at {@code index} (from 1, of {@code total}) finished. By default calls
         * {@link #finished(ModuleOutcome, long)}; listeners that must order what they show
         * override this one.
         */
        default void finished(ModuleOutcome outcome, long millis, int index, int total) {
            finished(outcome, millis);
        }
    }

    private final AcquisitionSource source;
    private final Indicators indicators;
    private final ModuleOptions options;
    private final Clock clock;
    private final Listener listener;
    private final RunSink runSink;
    private final Progress progress;
    private final int jobs;
    private final Object listenerLock = new Object();
    private java.util.function.ToLongFunction<ModuleDescriptor> expectedWork = d -> 0;

    /** A runner that keeps every module's output in memory. */
    public ModuleRunner(AcquisitionSource source, Indicators indicators, ModuleOptions options,
            Clock clock, Listener listener) {
        this(source, indicators, options, clock, listener, null);
    }

    /**
     * A runner that streams each module's records and timeline rows to {@code runSink} (null:
     * keep them in memory).
     */
    public ModuleRunner(AcquisitionSource source, Indicators indicators, ModuleOptions options,
            Clock clock, Listener listener, RunSink runSink) {
        this(source, indicators, options, clock, listener, runSink, Progress.none());
    }

    /**
     * A runner that also reports each module as a progress step (labelled with its slug, counting
     * the records it adds; see {@link ModuleContext#progress()}).
     */
    public ModuleRunner(AcquisitionSource source, Indicators indicators, ModuleOptions options,
            Clock clock, Listener listener, RunSink runSink, Progress progress) {
        this(source, indicators, options, clock, listener, runSink, progress, 1);
    }

    /**
     * A runner that runs up to {@code jobs} modules at the same time when the source allows it
     * ({@code 1}: one after the other).
     *
     * @throws IllegalArgumentException when {@code jobs} is not within 1..{@link #MAX_JOBS}
     */
    public ModuleRunner(AcquisitionSource source, Indicators indicators, ModuleOptions options,
            Clock clock, Listener listener, RunSink runSink, Progress progress, int jobs) {
        if (jobs < 1 || jobs > MAX_JOBS) {
            throw new IllegalArgumentException("jobs must be within 1.." + MAX_JOBS + ", not " + jobs);
        }
        this.jobs = jobs;
        this.source = source;
        this.indicators = indicators;
        this.options = options;
        this.clock = clock;
        this.listener = listener == null ? new Listener() {} : listener;
        this.runSink = runSink;
        this.progress = progress == null ? Progress.none() : progress;
    }

    /**
     * Orders modules: a stable topological sort (Kahn's algorithm, ties broken by the original
     * list position). With a non-empty {@code selected} set, only those slugs and their transitive
     * dependencies are kept.
     *
     * @throws VigilException on an unknown selected slug, a missing dependency or a cycle
     */
    public static List<Module> order(List<Module> modules, Collection<String> selected) throws VigilException {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < modules.size(); i++) {
            String slug = modules.get(i).descriptor().slug();
            if (index.putIfAbsent(slug, i) != null) {
                throw new VigilException("Two modules share the slug " + slug);
            }
        }
        Set<String> keep = new LinkedHashSet<>();
        if (selected == null || selected.isEmpty()) {
            keep.addAll(index.keySet());
        } else {
            Deque<String> todo = new ArrayDeque<>();
            for (String s : selected) {
                if (!index.containsKey(s)) {
                    throw new VigilException("Unknown module \"" + s + "\" (see `vigil modules`)");
                }
                todo.add(s);
            }
            while (!todo.isEmpty()) {
                String s = todo.poll();
                if (keep.add(s)) {
                    for (String dep : modules.get(index.get(s)).descriptor().dependencies()) {
                        if (!index.containsKey(dep)) {
                            throw new VigilException("Module " + s + " depends on missing module " + dep);
                        }
                        todo.add(dep);
                    }
                }
            }
        }
        Map<String, Integer> indegree = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (String s : keep) {
            indegree.putIfAbsent(s, 0);
            for (String dep : modules.get(index.get(s)).descriptor().dependencies()) {
                if (!index.containsKey(dep)) {
                    throw new VigilException("Module " + s + " depends on missing module " + dep);
                }
                indegree.merge(s, 1, Integer::sum);
                dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(s);
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        indegree.forEach((s, d) -> {
            if (d == 0) {
                ready.add(index.get(s));
            }
        });
        List<Module> ordered = new ArrayList<>();
        while (!ready.isEmpty()) {
            Module m = modules.get(ready.poll());
            ordered.add(m);
            for (String dependent : dependents.getOrDefault(m.descriptor().slug(), List.of())) {
                if (indegree.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(index.get(dependent));
                }
            }
        }
        if (ordered.size() != keep.size()) {
            throw new VigilException("Module dependencies form a cycle; no module was run");
        }
        return ordered;
    }

    /**
     * Sets how much work each module is expected to have (e.g. the size of the files it reads; 0:
     * unknown). With several jobs, among the modules ready to start the one with the most expected
     * work starts first (ties in list order), so that the longest module does not start last and
     * run alone at the end. Only the start order changes: the outputs are the same.
     *
     * @return this runner
     */
    public ModuleRunner expectedWork(java.util.function.ToLongFunction<ModuleDescriptor> work) {
        this.expectedWork = java.util.Objects.requireNonNull(work, "work");
        return this;
    }

    /** The number of modules this runner may run at the same time (before asking the source). */
    public int jobs() {
        return jobs;
    }

    /** Runs the (already ordered) modules and returns their outcomes in run order. */
    public List<ModuleOutcome> run(List<Module> ordered) {
        int workers = Math.min(jobs, ordered.size());
        if (workers > 1 && source != null && !source.concurrentReads()) {
            LOG.info("{} sources are read by one module at a time: running the modules one after the other",
                    source.kind().label());
            workers = 1;
        }
        return workers <= 1 ? runSerially(ordered) : runConcurrently(ordered, workers);
    }

    private List<ModuleOutcome> runSerially(List<Module> ordered) {
        Set<String> needed = needed(ordered);
        Map<String, ModuleOutcome> done = new HashMap<>();
        List<ModuleOutcome> outcomes = new ArrayList<>();
        int i = 0;
        for (Module module : ordered) {
            ModuleDescriptor d = module.descriptor();
            int index = ++i;
            notifyStarted(d, index, ordered.size());
            Map<String, ModuleOutcome> deps = new HashMap<>();
            for (String dep : d.dependencies()) {
                if (done.containsKey(dep)) {
                    deps.put(dep, done.get(dep));
                }
            }
            TrackingSink sink = runSink == null ? null : new TrackingSink(runSink.open(d.slug(), d.pluginName()));
            long start = System.nanoTime();
            ModuleOutcome outcome = runTracked(module, deps, sink, needed.contains(d.slug()));
            long millis = (System.nanoTime() - start) / 1_000_000;
            done.put(d.slug(), outcome);
            outcomes.add(outcome);
            notifyFinished(outcome, millis, index, ordered.size());
        }
        return outcomes;
    }

    private static Set<String> needed(List<Module> ordered) {
        Set<String> needed = new java.util.HashSet<>();
        ordered.forEach(m -> needed.addAll(m.descriptor().dependencies()));
        return needed;
    }

    /** Runs one module with its progress step and sink; a sink the module did not finish is aborted. */
    private ModuleOutcome runTracked(Module module, Map<String, ModuleOutcome> deps, TrackingSink sink,
            boolean retain) {
        ModuleDescriptor d = module.descriptor();
        ModuleOutcome outcome;
        try (Progress.Step step = progress.start(d.slug(), 0, Progress.Unit.RECORDS)) {
            ModuleContext ctx = new ModuleContext(source, indicators, options, deps, clock, sink, retain, step);
            outcome = runOne(module, ctx);
        }
        if (sink != null && !sink.finished) {
            sink.abort(); // failed, or the module kept its output in memory
        }
        return outcome;
    }

    private void notifyStarted(ModuleDescriptor d, int index, int total) {
        synchronized (listenerLock) {
            listener.started(d, index, total);
        }
    }

    private void notifyFinished(ModuleOutcome outcome, long millis, int index, int total) {
        synchronized (listenerLock) {
            listener.finished(outcome, millis, index, total);
        }
    }

    /**
     * Runs the modules on {@code workers} threads. The calling thread opens every sink in list
     * order, then schedules: a module is ready when its dependencies that come before it in the
     * list have finished (as in a serial run, a dependency later in the list or absent is not
     * waited for and not passed); as workers free up, the ready module with the most expected work
     * starts (ties: the first in list order).
     */
    private List<ModuleOutcome> runConcurrently(List<Module> ordered, int workers) {
        int n = ordered.size();
        Set<String> needed = needed(ordered);
        Map<String, Integer> position = new HashMap<>();
        List<int[]> waitsFor = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ModuleDescriptor d = ordered.get(i).descriptor();
            List<Integer> deps = new ArrayList<>();
            for (String dep : d.dependencies()) {
                Integer j = position.get(dep);
                if (j != null) {
                    deps.add(j);
                }
            }
            waitsFor.add(deps.stream().mapToInt(Integer::intValue).toArray());
            position.putIfAbsent(d.slug(), i);
        }
        long[] work = new long[n];
        for (int i = 0; i < n; i++) {
            work[i] = Math.max(0, expectedWork.applyAsLong(ordered.get(i).descriptor()));
        }
        TrackingSink[] sinks = new TrackingSink[n];
        ModuleOutcome[] outcomes = new ModuleOutcome[n];
        boolean[] started = new boolean[n];
        boolean[] finished = new boolean[n];
        java.util.concurrent.BlockingQueue<Integer> ends = new java.util.concurrent.LinkedBlockingQueue<>();
        Throwable[] fatal = new Throwable[n];
        java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "vigil-module-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LOG.info("Running {} modules on up to {} threads", n, workers);
        Throwable failure = null;
        boolean interrupted = false;
        int running = 0;
        try {
            if (runSink != null) {
                for (int i = 0; i < n; i++) {
                    ModuleDescriptor d = ordered.get(i).descriptor();
                    sinks[i] = new TrackingSink(runSink.open(d.slug(), d.pluginName()));
                }
            }
            int next = 0; // every module before it has started
            while (true) {
                while (failure == null && !interrupted && running < workers) {
                    int ready = -1;
                    for (int i = next; i < n; i++) {
                        if (!started[i] && allFinished(waitsFor.get(i), finished)
                                && (ready < 0 || work[i] > work[ready])) {
                            ready = i;
                        }
                    }
                    if (ready < 0) {
                        break;
                    }
                    started[ready] = true;
                    while (next < n && started[next]) {
                        next++;
                    }
                    Map<String, ModuleOutcome> deps = new HashMap<>();
                    for (int j : waitsFor.get(ready)) {
                        deps.put(ordered.get(j).descriptor().slug(), outcomes[j]);
                    }
                    int index = ready;
                    Module module = ordered.get(index);
                    running++;
                    pool.execute(() -> {
                        try {
                            notifyStarted(module.descriptor(), index + 1, n);
                            long start = System.nanoTime();
                            ModuleOutcome outcome = runTracked(module, deps, sinks[index],
                                    needed.contains(module.descriptor().slug()));
                            long millis = (System.nanoTime() - start) / 1_000_000;
                            outcomes[index] = outcome;
                            notifyFinished(outcome, millis, index + 1, n);
                        } catch (Throwable t) { // an Error runOne does not map: ends the run, as serially
                            fatal[index] = t;
                            if (sinks[index] != null) {
                                sinks[index].abort();
                            }
                        } finally {
                            ends.add(index);
                        }
                    });
                }
                if (running == 0) {
                    break;
                }
                int end;
                try {
                    end = ends.take();
                } catch (InterruptedException e) {
                    interrupted = true; // start no more modules; let the running ones end
                    continue;
                }
                running--;
                finished[end] = true;
                if (fatal[end] != null && failure == null) {
                    failure = fatal[end];
                }
            }
        } finally {
            pool.shutdownNow();
            for (int i = 0; i < n; i++) {
                if (sinks[i] != null && !started[i]) {
                    sinks[i].abort(); // never ran (the run ended early)
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the modules");
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        for (int i = 0; i < n; i++) {
            if (outcomes[i] == null) {
                throw new IllegalStateException("module " + ordered.get(i).descriptor().slug() + " did not run");
            }
        }
        return List.of(outcomes);
    }

    private static boolean allFinished(int[] deps, boolean[] finished) {
        for (int j : deps) {
            if (!finished[j]) {
                return false;
            }
        }
        return true;
    }

    /** Runs one module, mapping its failure to a status. */
    public static ModuleOutcome runOne(Module module, ModuleContext ctx) {
        ModuleDescriptor d = module.descriptor();
        LOG.info("Running module {}", d.slug());
        try {
            ModuleResult r = module.run(ctx);
            LOG.info("Module {}: {} records, {} alerts, {} timeline events", d.slug(),
                    r.recordCount(), r.alerts().size(), r.timelineCount());
            return new ModuleOutcome(d.slug(), d.pluginName(), ModuleStatus.CHECKED, "", r.results(),
                    r.recordCount(), r.alerts(), r.timeline(), r.timelineCount(), r.urls());
        } catch (ArtifactNotFoundException e) {
            LOG.info("Module {}: not present: {}", d.slug(), e.getMessage());
            return failed(d, ModuleStatus.NOT_PRESENT, e.getMessage());
        } catch (CorruptArtifactException | UnsupportedSchemaException | EncryptedSourceException
                | WrongPasswordException e) {
            LOG.warn("Module {}: unreadable: {}", d.slug(), e.getMessage(), e);
            return failed(d, ModuleStatus.UNREADABLE, e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            // raised by the run's output sink: a problem writing results, not reading evidence
            LOG.error("Module {} failed: {}", d.slug(), e.toString(), e);
            return failed(d, ModuleStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (java.io.IOException e) {
            // the artifact could not be read (truncated, undecryptable, vanished): not a bug
            Throwable cause = e.getCause() instanceof VigilException v ? v : e;
            LOG.warn("Module {}: unreadable: {}", d.slug(), cause.getMessage(), e);
            return failed(d, ModuleStatus.UNREADABLE, cause.getMessage());
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            LOG.error("Module {} failed: {}", d.slug(), e.toString(), e);
            return failed(d, ModuleStatus.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static ModuleOutcome failed(ModuleDescriptor d, ModuleStatus status, String reason) {
        return ModuleOutcome.without(d.slug(), d.pluginName(), status, reason);
    }

    /** Remembers whether the module completed its streamed output. */
    private static final class TrackingSink implements ResultSink {
        private final ResultSink delegate;
        private boolean finished;
        private boolean aborted;

        TrackingSink(ResultSink delegate) {
            this.delegate = delegate;
        }

        @Override
        public void record(Object record) {
            delegate.record(record);
        }

        @Override
        public void timeline(TimelineEvent event) {
            delegate.timeline(event);
        }

        @Override
        public long finish() {
            finished = true;
            return delegate.finish();
        }

        @Override
        public void abort() {
            if (!aborted && !finished) {
                aborted = true;
                delegate.abort();
            }
        }
    }
}
