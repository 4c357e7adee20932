package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.android.bugreport.Fixtures.androidData;
import static org.vigil.modules.android.bugreport.Fixtures.indicators;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.source.SourceKind;
import org.vigil.source.android.BugreportSource;
import org.vigil.testing.FakeSource;

class TombstonesTest {
    @TempDir
    Path tmp;

    private static String text(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void textSample() throws Exception {
        Map<String, Object> t = Tombstones.parseText("tombstone_process.txt", "2023-04-12 12:32:40.518290",
                text(androidData("tombstone_process.txt")));
        assertThat(t.get("command_line")).isEqualTo(List.of("/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek"));
        assertThat(t.get("uid")).isEqualTo(1046);
        assertThat(t.get("pid")).isEqualTo(25541);
        assertThat(t.get("tid")).isEqualTo(21307);
        assertThat(t.get("process_name")).isEqualTo("mtk.ape.decoder");
        assertThat(t.get("binary_path")).isEqualTo("/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek");
        assertThat(t.get("timestamp")).isEqualTo("2023-04-12 12:32:40.518290");
        assertThat(t.get("build_fingerprint")).isEqualTo(
                "Redmi/rosemary_global/rosemary:12/SP1A.210812.016/V13.0.13.0.SKLMIXM:user/release-keys");
        assertThat(t.get("revision")).isEqualTo("0");
        assertThat(t.get("arch")).isEqualTo("arm");
        assertThat(t.get("process_uptime")).isEqualTo(0);
        assertThat(t.get("cause")).isEqualTo("null pointer dereference");
        assertThat(json(t.get("signal_info")).toString())
                .isEqualTo("{\"code\":1,\"code_name\":\"SEGV_MAPERR\",\"name\":\"SIGSEGV\",\"number\":0}");
        JsonNode j = json(t);
        assertThat(j.fieldNames()).toIterable().containsExactly("file_name", "file_timestamp", "build_fingerprint",
                "revision", "arch", "timestamp", "process_uptime", "command_line", "pid", "tid", "process_name",
                "binary_path", "selinux_label", "uid", "signal_info", "cause", "causes", "abort_message", "extra");
        assertThat(j.get("abort_message").isNull()).isTrue();
    }

    @Test
    void abortMessageKeepsItsTrailingSpace() throws Exception {
        Map<String, Object> t = Tombstones.parseText("tombstone_00", "",
                text(androidData("bugreport/FS/data/tombstones/tombstone_00")));
        assertThat(t.get("abort_message"))
                .isEqualTo("Check failed: payload.size() <= bytes_left (payload.size()=99, bytes_left=51) ");
        assertThat(t.get("timestamp")).isEqualTo("2021-09-29 17:43:49.000000");
        assertThat(t.get("binary_path")).isEqualTo("/system/bin/adbd");
        assertThat(t.get("process_name")).isEqualTo("UsbFfs-worker");
    }

    @Test
    void keepsTheCrashingThread() throws Exception {
        String base = text(androidData("tombstone_process.txt"));
        String extra = base + "\npid: 25541, tid: 31896, name: worker-thread  >>> /vendor/bin/other <<<\n";
        Map<String, Object> t = Tombstones.parseText("t", "", extra);
        assertThat(t.get("pid")).isEqualTo(25541);
        assertThat(t.get("tid")).isEqualTo(21307);
        assertThat(t.get("process_name")).isEqualTo("mtk.ape.decoder");
        assertThat(t.get("binary_path")).isEqualTo("/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek");
    }

    @Test
    void bugreportSampleWithoutIndicatorsHasNoAlerts() throws Exception {
        try (BugreportSource s = Fixtures.sampleBugreport()) {
            ModuleResult res = run(new Tombstones(), s);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> r = (List<Map<String, Object>>) res.results();
            assertThat(r).hasSize(2);
            assertThat(r.get(1).get("pid")).isEqualTo(3559);
            assertThat(r.get(1).get("file_name")).isEqualTo("tombstone_01");
            assertThat(res.alerts()).isEmpty();
            assertThat(res.timeline()).hasSize(2);
            assertThat(res.timeline().get(1)).isEqualTo(new TimelineEvent("2023-08-21 23:28:59.000000", "Tombstones",
                    "Tombstone", "Crash in 'tzts_daemon' process running as UID '1000' in file 'tombstone_01' "
                            + "Crash type 'SIGSEGV' with code 'SEGV_MAPERR'"));
        }
    }

    @Test
    void bugreportSampleWithIndicatorsFlagsSystemAndShellCrashes() throws Exception {
        try (BugreportSource s = Fixtures.sampleBugreport()) {
            ModuleResult res = run(new Tombstones(), s, indicators(IndicatorType.PROCESSES, "unrelated"));
            assertThat(res.alerts()).extracting(Alert::level).containsExactly(Level.MEDIUM, Level.MEDIUM);
            assertThat(res.alerts().get(0).message()).isEqualTo("Potentially suspicious crash in process "
                    + "'UsbFfs-worker' running as UID '2000' in tombstone 'tombstone_00' at 2021-09-29 17:43:49.000000");
            assertThat(res.alerts().get(1).message()).startsWith("Potentially suspicious crash in process 'tzts_daemon' "
                    + "running as UID '1000'");
        }
    }

    @Test
    void processIndicatorMatchesNameOrCommandBaseName() throws Exception {
        Path f = Files.writeString(tmp.resolve("tombstone_05"), text(androidData("tombstone_process.txt")));
        FakeSource s = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp)
                .add("FS/data/tombstones/tombstone_05", "", "FS/data/tombstones/tombstone_05", f);
        ModuleResult res = run(new Tombstones(), s,
                indicators(IndicatorType.PROCESSES, "android.hardware.media.c2@1.2-mediatek"));
        assertThat(res.alerts()).hasSize(1);
        assertThat(res.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(new Tombstones().recheck(json(res.results()),
                indicators(IndicatorType.PROCESSES, "mtk.ape.decoder"))).hasSize(1);
    }

    @Test
    void pairedProtobufIsNotCountedTwiceAndBadFilesAreSkipped() throws Exception {
        Path txt = Files.writeString(tmp.resolve("t0"), text(androidData("bugreport/FS/data/tombstones/tombstone_01")));
        Path pb = Files.write(tmp.resolve("t0.pb"), new byte[] {8, 1});
        Path bad = Files.writeString(tmp.resolve("t1"), "not a tombstone\n");
        FakeSource s = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp)
                .add("a", "", "FS/data/tombstones/tombstone_00", txt)
                .add("b", "", "FS/data/tombstones/tombstone_00.pb", pb)
                .add("c", "", "FS/data/tombstones/tombstone_01", bad);
        ModuleResult res = run(new Tombstones(), s);
        assertThat(res.recordCount()).isEqualTo(1);
        assertThatThrownBy(() -> Tombstones.parseText("t1", "", "not a tombstone\n"))
                .isInstanceOf(CorruptArtifactException.class).hasMessage("t1: no build_fingerprint in the tombstone");
        FakeSource none = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp);
        assertThatThrownBy(() -> run(new Tombstones(), none)).isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void timestampFormats() {
        assertThat(Tombstones.timestamp("2023-04-12 12:32:40.518290770+0200")).isEqualTo("2023-04-12 12:32:40.518290");
        assertThat(Tombstones.timestamp("2021-09-29 17:43:49+0200")).isEqualTo("2021-09-29 17:43:49.000000");
        assertThat(Tombstones.timestamp("2021-09-29 17:43:49.5")).isEqualTo("2021-09-29 17:43:49.500000");
    }
}
