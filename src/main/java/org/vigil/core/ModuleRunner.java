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
 * Runs modules in a stable dependency order, one at a time, isolating each module's failure:
 * an exception becomes the module's status and the run goes on.
 */
public final class ModuleRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleRunner.class);

    /** Progress events, for the console. */
    public interface Listener {
        /** A module is about to run ({@code index} from 1). */
        default void started(ModuleDescriptor descriptor, int index, int total) {}

        /** A module finished, with its outcome and how long it took in milliseconds. */
        default void finished(ModuleOutcome outcome, long millis) {}
    }

    private final AcquisitionSource source;
    private final Indicators indicators;
    private final ModuleOptions options;
    private final Clock clock;
    private final Listener listener;
    private final RunSink runSink;
    private final Progress progress;

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

    /** Runs the (already ordered) modules and returns their outcomes in run order. */
    public List<ModuleOutcome> run(List<Module> ordered) {
        Set<String> needed = new java.util.HashSet<>();
        ordered.forEach(m -> needed.addAll(m.descriptor().dependencies()));
        Map<String, ModuleOutcome> done = new HashMap<>();
        List<ModuleOutcome> outcomes = new ArrayList<>();
        int i = 0;
        for (Module module : ordered) {
            ModuleDescriptor d = module.descriptor();
            listener.started(d, ++i, ordered.size());
            Map<String, ModuleOutcome> deps = new HashMap<>();
            for (String dep : d.dependencies()) {
                if (done.containsKey(dep)) {
                    deps.put(dep, done.get(dep));
                }
            }
            TrackingSink sink = runSink == null ? null : new TrackingSink(runSink.open(d.slug(), d.pluginName()));
            long start = System.nanoTime();
            ModuleOutcome outcome;
            try (Progress.Step step = progress.start(d.slug(), 0, Progress.Unit.RECORDS)) {
                ModuleContext ctx = new ModuleContext(source, indicators, options, deps, clock, sink,
                        needed.contains(d.slug()), step);
                outcome = runOne(module, ctx);
            }
            if (sink != null && !sink.finished) {
                sink.abort(); // failed, or the module kept its output in memory
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            done.put(d.slug(), outcome);
            outcomes.add(outcome);
            listener.finished(outcome, millis);
        }
        return outcomes;
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
