package org.vigil.core;

/**
 * Progress of long steps (key derivation, decryption, indexing an archive, a module's rows), for
 * the command line to draw. Library code reports here and never prints; the CLI decides whether
 * anything is shown (only on a terminal). {@link #none()} ignores everything and costs nothing,
 * so tests and callers that do not care pass it.
 *
 * <p>Implementations must be thread-safe: steps may be advanced from worker threads.
 */
@FunctionalInterface
public interface Progress {
    /** Units a step counts in; {@link #BYTES} are shown as KiB/MiB/GiB. */
    enum Unit {
        /** Generic items (entries, files). */
        ITEMS("items"),
        /** Bytes read or written. */
        BYTES("bytes"),
        /** Records or rows processed. */
        RECORDS("records"),
        /** Rounds of a key derivation function. */
        ITERATIONS("iterations"),
        /** Files. */
        FILES("files");

        private final String label;

        Unit(String label) {
            this.label = label;
        }

        /** The plural word shown after a count. */
        public String label() {
            return label;
        }
    }

    /**
     * Starts a step.
     *
     * @param label what is being done, e.g. {@code "Deriving the backup key"} or a module slug
     * @param total units of work when known in advance (&gt; 0), else 0 (an indeterminate count)
     * @param unit what the count counts
     * @return the step, to advance and then close (try-with-resources)
     */
    Step start(String label, long total, Unit unit);

    /** A progress that shows nothing. */
    static Progress none() {
        return (label, total, unit) -> Step.NONE;
    }

    /** One running step; {@link #close()} ends it (idempotent). */
    interface Step extends AutoCloseable {
        /** A step that records nothing. */
        Step NONE = new Step() {
            @Override
            public void advance(long units) {}

            @Override
            public void total(long total) {}

            @Override
            public void close() {}

            @Override
            public boolean isShown() {
                return false;
            }
        };

        /** Adds {@code units} of work done. Thread-safe; cheap enough to call per record. */
        void advance(long units);

        /** Sets the total once it is known (&gt; 0), e.g. a row count read after the step began. */
        void total(long total);

        /**
         * False when nothing is shown (the no-op step): work done only to report progress, such
         * as counting rows, can then be skipped.
         */
        default boolean isShown() {
            return true;
        }

        /** The step ended (done, failed or abandoned). */
        @Override
        void close();
    }
}
