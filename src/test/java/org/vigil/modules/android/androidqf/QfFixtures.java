package org.vigil.modules.android.androidqf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.android.AndroidQfSource;
import org.vigil.testing.SharedData;

/** Test helpers: the real androidqf samples, fixture acquisitions, running a module. */
final class QfFixtures {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private QfFixtures() {}

    static Path sampleFolder() {
        return SharedData.require("testdata/mvt-artifacts/androidqf");
    }

    static Path sampleZip() {
        return SharedData.require("testdata/mvt-artifacts/androidqf.zip");
    }

    static ModuleResult run(Module m, Path acquisition) throws Exception {
        return run(m, acquisition, Indicators.empty());
    }

    static ModuleResult run(Module m, Path acquisition, Indicators iocs) throws Exception {
        return run(m, acquisition, iocs, CLOCK);
    }

    static ModuleResult run(Module m, Path acquisition, Indicators iocs, Clock clock) throws Exception {
        try (AndroidQfSource s = AndroidQfSource.open(acquisition)) {
            return m.run(new ModuleContext(s, iocs, null, Map.of(), clock));
        }
    }

    static Indicators iocs(IndicatorType type, String... values) {
        Indicators.Builder b = Indicators.builder();
        for (String v : values) {
            b.add(type, v, "test-malware", "test.stix2");
        }
        return b.build();
    }

    /** A folder acquisition {@code <dir>/qf} with the files given as name, content pairs. */
    static Path folder(Path dir, String... nameContent) throws IOException {
        Path qf = dir.resolve("qf");
        Files.createDirectories(qf);
        for (int i = 0; i < nameContent.length; i += 2) {
            Path f = qf.resolve(nameContent[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, nameContent[i + 1], StandardCharsets.UTF_8);
        }
        return qf;
    }
}
