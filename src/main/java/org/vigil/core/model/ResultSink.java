package org.vigil.core.model;

/**
 * Where one module's records and timeline rows go as the module produces them, so that a run over
 * a million-message database never holds them all in memory (e.g. streamed to {@code <slug>.json}
 * and to a spooled, externally sorted timeline).
 */
public interface ResultSink {

    /** Receives one record. */
    void record(Object record);

    /** Receives one timeline row; the sink drops duplicates within the module. */
    void timeline(TimelineEvent event);

    /** The module finished normally: complete the outputs; returns the number of distinct timeline rows. */
    long finish();

    /** The module failed: discard what it produced. */
    void abort();

    /** A sink that keeps nothing (records are counted by the builder; rows are dropped). */
    static ResultSink discarding() {
        return new ResultSink() {
            private long rows;

            @Override
            public void record(Object record) {}

            @Override
            public void timeline(TimelineEvent event) {
                rows++;
            }

            @Override
            public long finish() {
                return rows;
            }

            @Override
            public void abort() {}
        };
    }
}
