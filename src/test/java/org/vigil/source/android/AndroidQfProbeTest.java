package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;
import org.vigil.testing.SharedData;

class AndroidQfProbeTest {
    @TempDir
    Path tmp;

    private final AndroidQfProbe probe = new AndroidQfProbe();

    @Test
    void recognisesTheSamples() throws Exception {
        Path dir = SharedData.require("testdata/mvt-artifacts/androidqf");
        Path zip = SharedData.require("testdata/mvt-artifacts/androidqf.zip");
        Path enc = SharedData.require("testdata/mvt-artifacts/androidqf_encrypted");
        assertThat(probe.detect(dir)).contains(SourceKind.ANDROID_QF);
        assertThat(probe.detect(zip)).contains(SourceKind.ANDROID_QF);
        assertThat(probe.detect(enc)).contains(SourceKind.ANDROID_QF);
        SourceDetector detector = new SourceDetector(java.util.List.of(probe));
        try (AcquisitionSource s = detector.open(zip)) {
            assertThat(s).isInstanceOf(AndroidQfSource.class);
            assertThat(s.kind()).isEqualTo(SourceKind.ANDROID_QF);
        }
    }

    @Test
    void foldersByMarker() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThat(probe.detect(empty)).isEmpty();
        Path ps = Files.createDirectories(tmp.resolve("ps/processes"));
        Files.writeString(ps.resolve("ps.txt"), "");
        assertThat(probe.detect(ps.getParent())).contains(SourceKind.ANDROID_QF);
        Path bug = Files.createDirectories(tmp.resolve("bug"));
        Files.writeString(bug.resolve("main_entry.txt"), "dumpstate.txt");
        Files.writeString(bug.resolve("dumpsys.txt"), "");
        assertThat(probe.detect(bug)).isEmpty();
        Path acq = Files.createDirectories(tmp.resolve("acq"));
        Files.writeString(acq.resolve("acquisition.json"), "{}");
        assertThat(probe.detect(acq)).contains(SourceKind.ANDROID_QF);
    }

    @Test
    void zipsByMarkerEntry() throws Exception {
        Map<String, byte[]> qf = new LinkedHashMap<>();
        qf.put("uuid/packages.json", "[]".getBytes(StandardCharsets.UTF_8));
        assertThat(probe.detect(AndroidQfSourceTest.zip(tmp.resolve("a.zip"), qf))).contains(SourceKind.ANDROID_QF);
        Map<String, byte[]> deep = new LinkedHashMap<>();
        deep.put("a/b/c/packages.json", new byte[0]);
        assertThat(probe.detect(AndroidQfSourceTest.zip(tmp.resolve("b.zip"), deep))).isEmpty();
        Map<String, byte[]> bug = new LinkedHashMap<>();
        bug.put("main_entry.txt", new byte[0]);
        bug.put("x/dumpsys.txt", new byte[0]);
        assertThat(probe.detect(AndroidQfSourceTest.zip(tmp.resolve("c.zip"), bug))).isEmpty();
        assertThat(probe.detect(Files.writeString(tmp.resolve("d.txt"), "PK not really"))).isEmpty();
        assertThat(probe.detect(Files.write(tmp.resolve("e.zip"), new byte[] {'P', 'K', 3, 4, 0}))).isEqualTo(
                Optional.empty());
    }
}
