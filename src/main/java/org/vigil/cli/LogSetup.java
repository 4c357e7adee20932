package org.vigil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Logging for one command: everything at DEBUG to {@code command.log} in the output folder (when
 * there is one), and warnings (everything with {@code -v}, only errors with {@code -q}) to
 * standard error, without stack traces. Before a log line reaches standard error, a hook erases
 * the progress line (see {@link TerminalProgress}) so that the two never share a line.
 */
final class LogSetup implements AutoCloseable {
    private static final String CONSOLE = "vigil-console";
    private static final String FILE = "vigil-command-log";

    private final LoggerContext context;
    private final Logger root;
    private final FileAppender<ILoggingEvent> file;
    private final OutputStreamAppender<ILoggingEvent> console;
    private final Level previousLevel;

    private LogSetup(LoggerContext context, Logger root, FileAppender<ILoggingEvent> file,
            OutputStreamAppender<ILoggingEvent> console, Level previousLevel) {
        this.context = context;
        this.root = root;
        this.file = file;
        this.console = console;
        this.previousLevel = previousLevel;
    }

    /** Starts logging; {@code commandLog} may be null (no output folder). */
    static LogSetup start(Path commandLog, boolean verbose) {
        return start(commandLog, verbose, false, () -> { });
    }

    /**
     * Starts logging; {@code commandLog} may be null (no output folder). With {@code quiet} only
     * errors reach the console ({@code verbose} wins when both are given); {@code beforeConsole}
     * runs before each console line (it erases the progress line).
     */
    static LogSetup start(Path commandLog, boolean verbose, boolean quiet, Runnable beforeConsole) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return new LogSetup(null, null, null, null, null);
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level previous = root.getLevel();
        root.detachAppender("console"); // the default appender of logback.xml
        root.detachAppender(CONSOLE);
        root.setLevel(Level.DEBUG);
        context.getLogger("org.sqlite").setLevel(Level.INFO);

        PatternLayoutEncoder consoleEncoder = new PatternLayoutEncoder();
        consoleEncoder.setContext(context);
        consoleEncoder.setPattern("%-7level %msg%n%nopex");
        consoleEncoder.start();
        OutputStreamAppender<ILoggingEvent> console = new OutputStreamAppender<>();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setOutputStream(new BeforeWrite(System.err, beforeConsole));
        console.setEncoder(consoleEncoder);
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setLevel(verbose ? "DEBUG" : quiet ? "ERROR" : "WARN");
        threshold.start();
        console.addFilter(threshold);
        FileOnlyFilter fileOnly = new FileOnlyFilter();
        fileOnly.start();
        console.addFilter(fileOnly);
        console.start();
        root.addAppender(console);

        FileAppender<ILoggingEvent> file = null;
        if (commandLog != null) {
            PatternLayoutEncoder enc = new PatternLayoutEncoder();
            enc.setContext(context);
            enc.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} - %logger - %level - %msg%n");
            enc.start();
            file = new FileAppender<>();
            file.setContext(context);
            file.setName(FILE);
            file.setFile(commandLog.toString());
            file.setAppend(false);
            file.setEncoder(enc);
            file.start();
            root.addAppender(file);
        }
        return new LogSetup(context, root, file, console, previous);
    }

    /** Standard error, running a hook before each write; never closes the stream it wraps. */
    private static final class BeforeWrite extends java.io.FilterOutputStream {
        private final Runnable hook;

        BeforeWrite(java.io.OutputStream out, Runnable hook) {
            super(out);
            this.hook = hook;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            hook.run();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            hook.run();
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            out.flush();
        }
    }

    @Override
    public void close() {
        if (context == null) {
            return;
        }
        if (file != null) {
            root.detachAppender(file);
            file.stop();
        }
        root.detachAppender(console);
        console.stop();
        root.setLevel(previousLevel == null ? Level.WARN : previousLevel);
    }
}
