package org.vigil.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.vigil.core.model.Alert;
import org.vigil.ioc.Indicators;

/**
 * One module: one device artifact, read, checked against indicators and heuristics, put on the
 * timeline. Stateless; everything arrives through the {@link ModuleContext}. Modules never write
 * files or print: they return a {@link ModuleResult}.
 *
 * <p>Failures are typed: throw {@link ArtifactNotFoundException} when the artifact is absent,
 * {@link CorruptArtifactException} or {@link UnsupportedSchemaException} when it cannot be read;
 * the runner turns them into the module's status and goes on with the other modules.
 */
public interface Module {

    /** What this module is. */
    ModuleDescriptor descriptor();

    /** Reads the artifact, checks it, and returns records, alerts, timeline and URLs. */
    ModuleResult run(ModuleContext context) throws Exception;

    /**
     * Re-checks results this module (or MVT's module of the same slug) wrote earlier, as read back
     * from {@code <slug>.json}, against the current indicators: the IOC checks only, no
     * heuristics. Used by {@code vigil check-iocs}.
     *
     * @param results the parsed content of {@code <slug>.json}
     * @param indicators current indicators
     * @return the alerts; an empty list when nothing matched
     */
    List<Alert> recheck(JsonNode results, Indicators indicators) throws Exception;
}
