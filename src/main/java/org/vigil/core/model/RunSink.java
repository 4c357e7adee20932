package org.vigil.core.model;

/** Opens a {@link ResultSink} for each module of a run, in run order. */
public interface RunSink {
    /**
     * The sink of the next module.
     *
     * @param slug module slug (names {@code <slug>.json})
     * @param pluginName the timeline "Plugin" name
     */
    ResultSink open(String slug, String pluginName);
}
