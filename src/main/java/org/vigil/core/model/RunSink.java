package org.vigil.core.model;

/**
 * Opens a {@link ResultSink} for each module of a run, in run order.
 *
 * <p>The order of the {@link #open} calls is the run order: it fixes each module's position (ties
 * between modules in the timeline, order of the output files), so a runner opens the sinks in
 * module order even when it then runs the modules at the same time. Once opened, sinks of
 * different modules may be used concurrently from different threads, each sink by one thread at
 * a time; {@link #open} itself may be called from any thread but not concurrently.
 */
public interface RunSink {
    /**
     * The sink of the next module.
     *
     * @param slug module slug (names {@code <slug>.json})
     * @param pluginName the timeline "Plugin" name
     */
    ResultSink open(String slug, String pluginName);
}
