package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceKind;
import org.vigil.source.android.BugreportSource;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

/** Shared helpers of the bug report module tests. */
final class Fixtures {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = MvtJson.mapper();

    private Fixtures() {}

    static Path androidData(String name) {
        return SharedData.require("testdata/mvt-artifacts/android_data/" + name);
    }

    static List<String> lines(Path file) throws IOException {
        return DumpsysSections.lines(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    }

    static BugreportSource sampleBugreport() throws Exception {
        return BugreportSource.open(androidData("bugreport"));
    }

    /** A source whose dumpstate text is {@code text}. */
    static FakeSource dumpstate(Path tmp, String text) throws IOException {
        Path f = Files.writeString(tmp.resolve("dumpstate.txt"), text);
        return new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp)
                .add(BugreportSource.DUMPSTATE_ID, "", "dumpstate.txt", f);
    }

    static ModuleResult run(Module module, AcquisitionSource source) throws Exception {
        return run(module, source, Indicators.empty());
    }

    static ModuleResult run(Module module, AcquisitionSource source, Indicators indicators) throws Exception {
        return module.run(new ModuleContext(source, indicators, ModuleOptions.defaults(), Map.of(), CLOCK));
    }

    static Indicators indicators(IndicatorType type, String... values) {
        Indicators.Builder b = Indicators.builder();
        for (String v : values) {
            b.add(type, v, "test", "test.stix2");
        }
        return b.build();
    }

    static JsonNode json(Object value) {
        return JSON.valueToTree(value);
    }
}
