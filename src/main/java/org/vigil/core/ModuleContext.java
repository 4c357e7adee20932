package org.vigil.core;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vigil.core.model.ModuleOutcome;
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
 */
public record ModuleContext(
        AcquisitionSource source,
        Indicators indicators,
        ModuleOptions options,
        Map<String, ModuleOutcome> dependencies,
        Clock clock) {
    public ModuleContext {
        Objects.requireNonNull(indicators, "indicators");
        options = options == null ? ModuleOptions.defaults() : options;
        dependencies = Map.copyOf(dependencies);
        clock = clock == null ? Clock.systemUTC() : clock;
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
