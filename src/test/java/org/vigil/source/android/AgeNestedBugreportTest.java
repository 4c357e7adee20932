package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.ioc.Indicators;
import org.vigil.modules.android.bugreport.BugreportModules;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.testing.SharedData;

/** The bugreport.zip inside an age-encrypted androidqf acquisition is checked from memory. */
class AgeNestedBugreportTest {
    @TempDir
    Path tmp;

    private static List<String> run(AcquisitionSource s) {
        List<ModuleOutcome> out = new ModuleRunner(s, Indicators.empty(), ModuleOptions.defaults(),
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC), null).run(BugreportModules.all());
        List<String> lines = new ArrayList<>();
        for (ModuleOutcome o : out) {
            lines.add(o.slug() + " " + o.status() + " " + o.recordCount() + " records " + o.alerts().size()
                    + " alerts " + o.timelineCount() + " timeline");
        }
        return lines;
    }

    private void compare(byte[] bugreportZip, int minChecked) throws Exception {
        Path plain = AgeFixtures.write(tmp.resolve("bugreport.zip"), bugreportZip);
        Map<String, byte[]> qf = new LinkedHashMap<>(AgeFixtures.androidqf("nb"));
        qf.put("androidqf/bugreport.zip", bugreportZip);
        AgeFixtures.Key key = AgeFixtures.newKey();
        Path age = AgeFixtures.write(tmp.resolve("qf.zip.age"), AgeFixtures.encrypt(AgeFixtures.zip(qf), false, key));
        AgeIdentities ids = AgeIdentities.read(AgeFixtures.identityFile(tmp.resolve("key.txt"), key));
        List<String> expected;
        try (BugreportSource s = BugreportSource.open(plain)) {
            expected = run(s);
        }
        try (AndroidQfSource m = AgeAcquisition.open(age, ids);
                BugreportSource nested = AgeAcquisition.openNestedBugreport(m,
                        m.byId("androidqf/bugreport.zip").orElseThrow())) {
            assertThat(nested.isZip()).isTrue();
            assertThat(nested.dumpstate()).isPresent();
            assertThat(run(nested)).as(String.join("\n", expected)).isEqualTo(expected);
            assertThat(expected.stream().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains(" checked ")).count()).isGreaterThanOrEqualTo(minChecked);
            ArtifactRef dump = nested.dumpstate().orElseThrow();
            assertThatThrownBy(() -> nested.localFile(dump)).hasMessageContaining("never written to disk");
        }
    }

    @Test
    void syntheticBugreportGivesTheSameOutcomes() throws Exception {
        String dumpstate = "== dumpstate\n" + "-".repeat(78) + "\nDUMP OF SERVICE accessibility:\n"
                + "     installed services: {\n       0 : com.example.spy/.Svc\n     }\n" + "-".repeat(78) + "\n";
        Map<String, byte[]> br = new LinkedHashMap<>();
        br.put("main_entry.txt", "dumpstate-2025.txt".getBytes(StandardCharsets.US_ASCII));
        br.put("dumpstate-2025.txt", dumpstate.getBytes(StandardCharsets.UTF_8));
        br.put("FS/data/tombstones/tombstone_00", "Cmdline: x\npid: 1, tid: 1, name: x  >>> x <<<\n"
                .getBytes(StandardCharsets.UTF_8));
        compare(AgeFixtures.zip(br), 1);
    }

    @Test
    void sampleBugreportGivesTheSameOutcomes() throws Exception {
        Path sample = SharedData.require("testdata/mvt-artifacts/android_data/bugreport");
        Map<String, byte[]> br = new LinkedHashMap<>();
        try (var walk = java.nio.file.Files.walk(sample)) {
            for (Path f : walk.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
                br.put(sample.relativize(f).toString().replace('\\', '/'), java.nio.file.Files.readAllBytes(f));
            }
        }
        compare(AgeFixtures.zip(br), 3);
    }
}
