package org.vigil.core;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ResultSink;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;

/**
 * Everything a module receives: the source, the shared indicators (possibly empty), options, the
 * outcomes of the modules it declared as dependencies, and a clock (modules never call now()).
 *
 * @param source the acquisition
 * @param indicators loaded indicators; {@link Indicators#isEmpty()} when none were given
 * @param options run options
 * @param dependencies outcomes of declared dependencies by slug
 * @param clock the run's clock
 * @param sink where the module's records and timeline rows are streamed, or null to keep them in
 *     memory
 * @param retain with a sink, also keep the records in memory (for modules others depend on)
 * @param progress this module's progress step: each record added to its result advances it; a module
 *     that can cheaply count its rows first may set {@link Progress.Step#total(long)}, and one that
 *     scans many rows per record may {@link Progress.Step#advance(long)} it itself
 */
public record ModuleContext(
        AcquisitionSource source,
        Indicators indicators,
        ModuleOptions options,
        Map<String, ModuleOutcome> dependencies,
        Clock clock,
        ResultSink sink,
        boolean retain,
        Progress.Step progress) {
    public ModuleContext {
        Objects.requireNonNull(indicators, "indicators");
        options = options == null ? ModuleOptions.defaults() : options;
        dependencies = Map.copyOf(dependencies);
        clock = clock == null ? Clock.systemUTC() : clock;
        progress = progress == null ? Progress.Step.NONE : progress;
    }

    /** A context without progress reporting. */
    public ModuleContext(AcquisitionSource source, Indicators indicators, ModuleOptions options,
            Map<String, ModuleOutcome> dependencies, Clock clock, ResultSink sink, boolean retain) {
        this(source, indicators, options, dependencies, clock, sink, retain, Progress.Step.NONE);
    }

    /** A context that keeps the module's output in memory (tests, single-module use). */
    public ModuleContext(AcquisitionSource source, Indicators indicators, ModuleOptions options,
            Map<String, ModuleOutcome> dependencies, Clock clock) {
        this(source, indicators, options, dependencies, clock, null, true, Progress.Step.NONE);
    }

    /**
     * The builder a module fills in {@link Module#run}: streaming to the run's outputs when the
     * run has a sink, in memory otherwise.
     */
    public ModuleResult.Builder newResult(ModuleDescriptor descriptor) {
        ModuleResult.Builder b = sink == null ? ModuleResult.builder(descriptor)
                : ModuleResult.streaming(descriptor, sink, retain);
        return b.progress(progress);
    }

    /** The outcome of a dependency, if it ran. */
    public Optional<ModuleOutcome> dependency(String slug) {
        return Optional.ofNullable(dependencies.get(slug));
    }

    /** True when indicators were loaded (MVT runs some heuristics only then). */
    public boolean hasIndicators() {
        return !indicators.isEmpty();
    }
}
