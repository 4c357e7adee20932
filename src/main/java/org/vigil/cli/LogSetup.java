package org.vigil.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Logging for one command: everything at DEBUG to {@code command.log} in the output folder (when
 * there is one), and warnings (everything with {@code -v}) to standard error, without stack traces.
 */
final class LogSetup implements AutoCloseable {
    private static final String CONSOLE = "vigil-console";
    private static final String FILE = "vigil-command-log";

    private final LoggerContext context;
    private final Logger root;
    private final FileAppender<ILoggingEvent> file;
    private final ConsoleAppender<ILoggingEvent> console;
    private final Level previousLevel;

    private LogSetup(LoggerContext context, Logger root, FileAppender<ILoggingEvent> file,
            ConsoleAppender<ILoggingEvent> console, Level previousLevel) {
        this.context = context;
        this.root = root;
        this.file = file;
        this.console = console;
        this.previousLevel = previousLevel;
    }

    /** Starts logging; {@code commandLog} may be null (no output folder). */
    static LogSetup start(Path commandLog, boolean verbose) {
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
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setTarget("System.err");
        console.setEncoder(consoleEncoder);
        ThresholdFilter threshold = new ThresholdFilter();
        threshold.setLevel(verbose ? "DEBUG" : "WARN");
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
