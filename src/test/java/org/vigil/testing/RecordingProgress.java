package org.vigil.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.vigil.core.Progress;

/** A {@link Progress} that remembers every step it was given, for assertions. */
public final class RecordingProgress implements Progress {
    /** One step as it was reported. */
    public static final class Recorded implements Step {
        public final String label;
        public final Unit unit;
        private final AtomicLong total;
        private final AtomicLong done = new AtomicLong();
        private final AtomicLong advances = new AtomicLong();
        private volatile boolean closed;

        Recorded(String label, long total, Unit unit) {
            this.label = label;
            this.total = new AtomicLong(total);
            this.unit = unit;
        }

        @Override
        public void advance(long units) {
            done.addAndGet(units);
            advances.incrementAndGet();
        }

        @Override
        public void total(long total) {
            this.total.set(total);
        }

        @Override
        public void close() {
            closed = true;
        }

        public long total() {
            return total.get();
        }

        public long done() {
            return done.get();
        }

        /** How many times {@link #advance} was called. */
        public long advances() {
            return advances.get();
        }

        public boolean closed() {
            return closed;
        }
    }

    private final List<Recorded> steps = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Step start(String label, long total, Unit unit) {
        Recorded r = new Recorded(label, total, unit);
        steps.add(r);
        return r;
    }

    /** The steps started, in order. */
    public List<Recorded> steps() {
        synchronized (steps) {
            return List.copyOf(steps);
        }
    }
}
