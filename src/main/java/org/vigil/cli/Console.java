package org.vigil.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleRunner;
import org.vigil.core.Progress;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunResult;

/**
 * What a check prints, and how it ends: progress on a terminal, a line per module, the summary
 * table and its plain-language meaning, then (with {@code --json-summary}) one JSON object, and
 * the exit code ({@code --fail-on}). One per command run; see {@code docs/console.md}.
 *
 * <p>Where things go: human-readable lines on standard output (on standard error with
 * {@code --json-summary}, so that standard output holds only the JSON); progress on standard
 * error, only when it is a terminal and not {@code --quiet}; errors on standard error, always.
 * Nothing here goes to {@code command.log} (the log has its own lines).
 */
final class Console implements ModuleRunner.Listener {
    /** The file name of the HTML report in an output folder. */
    static final String REPORT_FILE = "report.html";

    private final PrintWriter human;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final boolean quiet;
    private final boolean json;
    private final Level failOn;
    private final TerminalProgress progress;
    private int total;
    private int index;
    /** Module lines that ended before an earlier module (concurrent run), by position. */
    private final java.util.SortedMap<Integer, String> waiting = new java.util.TreeMap<>();
    /** The position of the next module line to print. */
    private int nextLine = 1;
    private String command;
    private Path input;
    private Path output;
    private Path report;

    private Console(PrintWriter human, PrintWriter out, PrintWriter err, Style style, boolean quiet, boolean json,
            Level failOn, TerminalProgress progress) {
        this.human = Objects.requireNonNull(human, "human");
        this.out = out;
        this.err = err;
        this.style = style;
        this.quiet = quiet;
        this.json = json;
        this.failOn = failOn;
        this.progress = progress;
    }

    /** A plain console printing to {@code out} (no colour, no progress, no JSON). */
    Console(PrintWriter out, boolean quiet) {
        this(out, out, out, Style.of(false), quiet, false, null, null);
    }

    /**
     * The console for a command run with these options, on these streams.
     *
     * @param options the console options
     * @param out standard output
     * @param err standard error
     * @param tty which of them are terminals
     * @param env environment variables ({@code NO_COLOR}, {@code TERM}, {@code COLUMNS})
     */
    static Console create(ConsoleOptions options, PrintWriter out, PrintWriter err, Tty tty, Map<String, String> env) {
        ConsoleOptions o = options == null ? new ConsoleOptions() : options;
        PrintWriter human = o.jsonSummary ? err : out;
        boolean humanTty = o.jsonSummary ? tty.stderr() : tty.stdout();
        Style style = Style.of(Style.enabled(o.colorMode(), humanTty, env));
        TerminalProgress progress = !o.quiet && tty.stderr()
                ? new TerminalProgress(err, TerminalProgress.width(env), System::nanoTime) : null;
        return new Console(human, out, err, style, o.quiet, o.jsonSummary, o.failOn, progress);
    }

    /** Where long steps report: a bar on the terminal, or nothing. */
    Progress progress() {
        return progress == null ? Progress.none() : progress;
    }

    /** Erases the progress line (before other output reaches the terminal). */
    void clearProgress() {
        if (progress != null) {
            progress.clear();
        }
    }

    /** True with {@code --quiet}. */
    boolean quiet() {
        return quiet;
    }

    /** Remembers what is being checked, for the JSON summary (also when the check fails). */
    void begin(String command, Path input, Path output) {
        this.command = command;
        this.input = input == null ? null : input.toAbsolutePath().normalize();
        this.output = output == null ? null : output.toAbsolutePath().normalize();
    }

    /** A line of text for people (not with {@code --quiet}). */
    synchronized void line(String text) {
        if (!quiet) {
            clearProgress();
            human.println(text);
            human.flush();
        }
    }

    @Override
    public synchronized void started(ModuleDescriptor descriptor, int index, int total) {
        // per runner: a nested acquisition (androidqf's bug report, backup) counts its own modules
        this.index = index;
        this.total = total;
    }

    @Override
    public synchronized void finished(ModuleOutcome o, long millis) {
        if (quiet) {
            return;
        }
        line(moduleLine(o, millis, total > 0 ? index : 0, total, style));
    }

    /**
     * A module of a run ended: its line is printed once the lines of every module before it are,
     * so that lines come in module order when modules run at the same time (thread-safe).
     */
    @Override
    public synchronized void finished(ModuleOutcome o, long millis, int index, int total) {
        if (quiet) {
            return;
        }
        waiting.put(index, moduleLine(o, millis, index, total, style));
        while (!waiting.isEmpty() && waiting.firstKey() == nextLine) {
            line(waiting.remove(nextLine));
            nextLine++;
        }
        if (nextLine > total) {
            nextLine = 1; // the run's modules have all ended: a nested run counts from 1 again
            waiting.clear();
        }
    }

    /**
     * The line shown when a module ends: counter, slug, status, records and alerts (or the reason
     * it was not checked), time.
     *
     * @param millis how long it ran, or a negative number to leave the time out
     * @param index its position from 1, or 0 without a counter
     */
    static String moduleLine(ModuleOutcome o, long millis, int index, int total, Style style) {
        StringBuilder sb = new StringBuilder("  ");
        if (index > 0) {
            sb.append(String.format(Locale.ROOT, "[%" + String.valueOf(total).length() + "d/%d] ", index, total));
        }
        String slug = Style.clean(o.slug());
        sb.append(slug).append(" ".repeat(Math.max(1, 33 - slug.length())));
        String status = o.status().jsonName();
        sb.append(style.status(o.status(), status)).append(" ".repeat(Math.max(1, 12 - status.length())));
        if (o.status() == ModuleStatus.CHECKED) {
            sb.append(String.format(Locale.ROOT, "%,9d record%s", o.recordCount(), o.recordCount() == 1 ? (o.alerts().isEmpty() ? " " : "") : "s"));
            if (!o.alerts().isEmpty()) {
                Level max = highest(o.alerts());
                sb.append(", ").append(style.level(max, o.alerts().size() + " alert" + (o.alerts().size() == 1 ? "" : "s")
                        + " (highest " + max + ")"));
            }
        } else {
            sb.append(Style.clean(o.reason()));
        }
        if (millis >= 0) {
            sb.append("  ").append(style.dim(String.format(Locale.ROOT, "%.1f s", millis / 1000.0)));
        }
        return sb.toString();
    }

    private static Level highest(List<Alert> alerts) {
        Level max = Level.INFORMATIONAL;
        for (Alert a : alerts) {
            if (a.level().atLeast(max)) {
                max = a.level();
            }
        }
        return max;
    }

    /** The end-of-run summary table and what the result means. */
    void summary(RunResult run, Path outputDir, boolean indicatorsLoaded) {
        if (outputDir != null) {
            output = outputDir;
            Path html = outputDir.resolve(REPORT_FILE);
            report = Files.isRegularFile(html, LinkOption.NOFOLLOW_LINKS) ? html : null;
        }
        if (quiet) {
            return;
        }
        clearProgress();
        human.println();
        for (String l : SummaryTable.render(run, outputDir, report, style)) {
            human.println(l);
        }
        human.println();
        for (String l : verdict(run, indicatorsLoaded)) {
            human.println(l);
        }
        human.flush();
    }

    /**
     * Ends a completed check: prints the JSON summary when asked, and returns the exit code
     * ({@link ExitCodes#ALERTS_FOUND} when {@code --fail-on} is met, else {@link ExitCodes#OK}).
     */
    int finish(RunResult run) {
        int code = exitCode(run, failOn);
        if (json) {
            printJson(new JsonSummary.Facts(command, input, output, report, run, failOn, code, null));
        }
        return code;
    }

    /** Ends a failed check: the one-line error, the JSON summary when asked; returns the exit code. */
    int fail(CliException e) {
        clearProgress();
        err.println("vigil: error: " + e.getMessage());
        err.flush();
        if (json) {
            printJson(new JsonSummary.Facts(command, input, output, null, null, failOn, e.exitCode(), e.getMessage()));
        }
        return e.exitCode();
    }

    private void printJson(JsonSummary.Facts facts) {
        out.println(JsonSummary.json(facts));
        out.flush();
    }

    /** {@link ExitCodes#ALERTS_FOUND} when an alert is at or above {@code failOn} (null: never). */
    static int exitCode(RunResult run, Level failOn) {
        if (failOn == null) {
            return ExitCodes.OK;
        }
        return run.alerts().stream().anyMatch(a -> a.level().atLeast(failOn)) ? ExitCodes.ALERTS_FOUND : ExitCodes.OK;
    }

    /** The plain-language meaning of the result; never more certain than the evidence. */
    static List<String> verdict(RunResult run, boolean indicatorsLoaded) {
        Map<ModuleStatus, Integer> st = run.statusCounts();
        int incomplete = st.get(ModuleStatus.UNREADABLE) + st.get(ModuleStatus.FAILED);
        Level max = run.highestLevel();
        List<String> lines = new java.util.ArrayList<>();
        String finding = JsonSummary.verdict(run);
        if (finding.equals("traces_found")) {
            java.util.Set<String> names = JsonSummary.alertSummary(run).spywareCollections().keySet();
            String which = names.stream().filter(n -> !n.isBlank()).limit(3).map(Style::clean)
                    .collect(java.util.stream.Collectors.joining(", "));
            lines.add("Vigil found traces of known spyware: indicators" + (which.isEmpty() ? "" : " of " + which)
                    + " matched (see report.html and alerts.json).");
            lines.add("This is not proof of infection: only an expert review of the alerts can confirm it.");
            lines.add("Seek expert help, e.g. Amnesty International's Security Lab or Access Now's Digital Security Helpline.");
        } else if (finding.equals("suspicious_signs")) {
            lines.add("Vigil found suspicious signs, but no severe match with indicators of known spyware"
                    + " (see report.html and alerts.json).");
            lines.add("They can have innocent explanations: have an expert review them.");
            lines.add("Seek expert help, e.g. Amnesty International's Security Lab or Access Now's Digital Security Helpline.");
        } else {
            if (incomplete > 0) {
                lines.add("No severe alert in what could be checked, but " + incomplete + " module"
                        + (incomplete == 1 ? "" : "s") + " could not be checked: the result is incomplete.");
            } else {
                lines.add("No severe alert in what could be checked.");
            }
            if (max != null) {
                lines.add("Lower-level alerts are context or weak signals; review them in alerts.json.");
            }
            lines.add("This does not prove the device is clean: indicators cover known campaigns only,"
                    + " and spyware can erase its traces.");
        }
        if (!indicatorsLoaded) {
            lines.add("No indicators were loaded, so only heuristics ran: run `vigil iocs update` or pass --iocs FILE.");
        }
        return lines;
    }
}
