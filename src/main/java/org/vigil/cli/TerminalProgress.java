package org.vigil.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.vigil.core.Progress;

/**
 * Draws {@link Progress} steps as one line on a terminal (standard error): a bar with percentage,
 * counts, elapsed time and an estimate of the time left when the total is known, else a spinner
 * with the count. Used only when standard error is a terminal (see {@link Console}); never
 * written to a file.
 *
 * <p>Quiet by design: a step is drawn only once it has run for {@link #DELAY_NANOS} (so the many
 * quick modules of a check do not flicker), redrawn at most every {@link #INTERVAL_NANOS}, and
 * its line is erased when it ends or before any other console output ({@link #clear()}). The
 * line is redrawn with a carriage return and erased with spaces: no escape sequences, so it works
 * on any terminal. When steps nest (a module inside a run), the innermost is shown.
 *
 * <p>Thread-safe: steps may be advanced from worker threads. When several steps run at the same
 * time (modules running concurrently), one line shows the most recently started step among those
 * that have run for {@link #DELAY_NANOS}; the others count silently and show when it ends. Every
 * write to the terminal happens under this object's lock, so lines are never mixed.
 */
final class TerminalProgress implements Progress {
    /** A step is drawn once it has run this long. */
    static final long DELAY_NANOS = 300_000_000L;
    /** Redraws are at least this far apart. */
    static final long INTERVAL_NANOS = 100_000_000L;
    private static final int BAR = 30;
    private static final int MIN_BAR = 10;
    private static final String SPINNER = "|/-\\";

    private final PrintWriter err;
    private final int width;
    private final LongSupplier nanos;
    private final Deque<Bar> active = new ArrayDeque<>();
    private int drawn;
    /** The step whose line is drawn, or null. */
    private Bar current;
    /** When the line was last drawn, and whether one is: read without the lock to skip most redraws cheaply. */
    private volatile long lastDraw;
    private volatile boolean visible;

    /**
     * @param err the terminal's standard error
     * @param width the terminal's width in columns (lines are cut to one column less)
     * @param nanos the time source ({@code System::nanoTime}; a fake one in tests)
     */
    TerminalProgress(PrintWriter err, int width, LongSupplier nanos) {
        this.err = Objects.requireNonNull(err, "err");
        this.width = Math.max(20, width);
        this.nanos = Objects.requireNonNull(nanos, "nanos");
    }

    /** The width from {@code COLUMNS} when it is a number, else 80. */
    static int width(java.util.Map<String, String> env) {
        try {
            return Integer.parseInt(env.getOrDefault("COLUMNS", "80").trim());
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    @Override
    public Step start(String label, long total, Unit unit) {
        Bar bar = new Bar(Style.clean(label), total, unit == null ? Unit.ITEMS : unit, nanos.getAsLong());
        synchronized (this) {
            active.push(bar);
        }
        return bar;
    }

    /** Erases the progress line, if one is drawn, so that other output starts on a clean line. */
    synchronized void clear() {
        if (drawn > 0) {
            err.print("\r" + " ".repeat(drawn) + "\r");
            err.flush();
            drawn = 0;
        }
        current = null;
        visible = false;
    }

    private void maybeDraw(Bar bar, boolean force) {
        long now = nanos.getAsLong();
        if (now - bar.started < DELAY_NANOS || (!force && visible && now - lastDraw < INTERVAL_NANOS)) {
            return;
        }
        synchronized (this) {
            if (bar.closed || shown(now) != bar || (!force && drawn > 0 && now - lastDraw < INTERVAL_NANOS)) {
                return;
            }
            String line = render(bar, now);
            int pad = Math.max(0, drawn - line.length());
            err.print("\r" + line + " ".repeat(pad));
            err.flush();
            drawn = line.length() + pad;
            lastDraw = now;
            current = bar;
            visible = true;
        }
    }

    /** The step to show: the most recently started one that has run long enough to be drawn. */
    private Bar shown(long now) {
        for (Bar b : active) { // most recent first
            if (now - b.started >= DELAY_NANOS) {
                return b;
            }
        }
        return null;
    }

    private synchronized void end(Bar bar) {
        if (bar.closed) {
            return;
        }
        bar.closed = true;
        boolean shown = current == bar;
        active.remove(bar);
        if (shown) {
            clear();
        }
    }

    /**
     * The line for {@code bar} at time {@code now}, at most {@code width - 1} characters: the
     * label, then {@code [####....]  25%  2.5M/10.0M iterations  0:06 left} (the bar shrinks, then
     * the label is cut, on a narrow terminal) or, without a total, {@code |  123,456 records  0:04}.
     */
    String render(Bar bar, long now) {
        long done = bar.done.get();
        long total = bar.total;
        long elapsed = now - bar.started;
        String unit = bar.unit == Unit.BYTES ? "" : " " + bar.unit.label();
        String label = bar.label;
        String line;
        if (total > 0) {
            long shown = Math.min(done, total);
            String rest = String.format(Locale.ROOT, "%3d%%", shown * 100 / total) + "  " + count(shown, bar.unit, total)
                    + "/" + count(total, bar.unit, total) + unit + "  "
                    + (shown > 0 && shown < total ? time((long) ((double) elapsed * (total - shown) / shown)) + " left"
                            : time(elapsed));
            int room = width - 1 - label.length() - 2 - 2 - 2 - rest.length();
            int barWidth = Math.max(MIN_BAR, Math.min(BAR, room));
            int full = (int) (shown * barWidth / total);
            String tail = "  [" + "#".repeat(full) + ".".repeat(barWidth - full) + "]  " + rest;
            line = fit(label, tail);
        } else {
            char spin = SPINNER.charAt((int) ((elapsed / 125_000_000L) % SPINNER.length()));
            String units = done == 1 && unit.endsWith("s") ? unit.substring(0, unit.length() - 1) : unit;
            line = fit(label, "  " + spin + "  " + count(done, bar.unit) + units + "  " + time(elapsed));
        }
        return line;
    }

    /** {@code label + tail}, the label cut (or dropped) to keep the line within the width. */
    private String fit(String label, String tail) {
        int room = width - 1 - tail.length();
        if (label.length() > room) {
            label = room < 8 ? "" : label.substring(0, room - 3) + "...";
        }
        String line = label.isEmpty() ? tail.strip() : label + tail;
        return line.length() > width - 1 ? line.substring(0, width - 1) : line;
    }

    /** A count with thousands separators (in millions from ten million), or a size in B/KiB/MiB/GiB. */
    static String count(long n, Unit unit) {
        return count(n, unit, n);
    }

    /** As {@link #count(long, Unit)}, in millions when {@code scale} is (so that done/total read alike). */
    static String count(long n, Unit unit, long scale) {
        if (unit != Unit.BYTES) {
            return scale >= 10_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6)
                    : String.format(Locale.ROOT, "%,d", n);
        }
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    /** Nanoseconds as m:ss, or h:mm:ss from an hour. */
    static String time(long nanos) {
        long s = Math.max(0, nanos / 1_000_000_000L);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** One step. */
    final class Bar implements Step {
        private final String label;
        private final Unit unit;
        private final long started;
        private final AtomicLong done = new AtomicLong();
        private volatile long total;
        private volatile boolean closed;

        private Bar(String label, long total, Unit unit, long started) {
            this.label = label;
            this.total = Math.max(0, total);
            this.unit = unit;
            this.started = started;
        }

        @Override
        public void advance(long units) {
            if (units > 0 && !closed) {
                done.addAndGet(units);
                maybeDraw(this, false);
            }
        }

        @Override
        public void total(long total) {
            if (total > 0) {
                this.total = total;
                maybeDraw(this, true);
            }
        }

        @Override
        public void close() {
            end(this);
        }
    }
}
