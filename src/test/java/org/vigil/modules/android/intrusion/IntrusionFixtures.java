package org.vigil.modules.android.intrusion;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.android.IntrusionLogSource;

/** Intrusion logs written in test folders, module runs, captured logs. */
final class IntrusionFixtures {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private IntrusionFixtures() {}

    /** {@code <dir>/logs/<name>} with the lines, for each name, lines pair. */
    static Path logs(Path dir, Object... nameLines) throws IOException {
        Path root = dir.resolve("logs");
        Files.createDirectories(root);
        for (int i = 0; i < nameLines.length; i += 2) {
            Path f = root.resolve((String) nameLines[i]);
            Files.createDirectories(f.getParent());
            @SuppressWarnings("unchecked")
            List<String> lines = (List<String>) nameLines[i + 1];
            Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        }
        return root;
    }

    static ModuleResult run(Module m, Path logs) throws Exception {
        return run(m, logs, Indicators.empty());
    }

    static ModuleResult run(Module m, Path logs, Indicators iocs) throws Exception {
        try (IntrusionLogSource s = IntrusionLogSource.open(logs)) {
            return m.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    static Indicators iocs(Object... typeValue) {
        Indicators.Builder b = Indicators.builder();
        for (int i = 0; i < typeValue.length; i += 2) {
            b.add((IndicatorType) typeValue[i], (String) typeValue[i + 1], "test-malware", "test.stix2");
        }
        return b.build();
    }

    /** Captures the log events of a class while open. */
    static final class Logs implements AutoCloseable {
        private final Logger logger;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Logs(Class<?> type) {
            logger = (Logger) LoggerFactory.getLogger(type);
            appender.start();
            logger.addAppender(appender);
        }

        List<String> warnings() {
            return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }
}
