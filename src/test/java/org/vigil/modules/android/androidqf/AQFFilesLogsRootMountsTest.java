package org.vigil.modules.android.androidqf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.vigil.modules.android.androidqf.QfFixtures.folder;
import static org.vigil.modules.android.androidqf.QfFixtures.iocs;
import static org.vigil.modules.android.androidqf.QfFixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;

class AQFFilesLogsRootMountsTest {
    @TempDir
    Path tmp;

    // --- AQFFiles -------------------------------------------------------------------------------

    @Test
    void filesOfTheSample() throws Exception {
        ModuleResult r = run(new AQFFiles(), QfFixtures.sampleFolder());
        assertThat(r.recordCount()).isEqualTo(3);
        assertThat(r.timelineCount()).isEqualTo(6);
        assertThat(r.alerts()).isEmpty();
        @SuppressWarnings("unchecked")
        List<JsonNode> files = (List<JsonNode>) r.results();
        assertThat(files.get(0).get("changed_time").asText()).isEqualTo("2019-02-14 14:47:52.000000");
        assertThat(files.get(0).get("modified_time").asText()).isEqualTo("2020-06-25 18:25:32.000000");
        assertThat(files.get(0).get("size").asInt()).isEqualTo(36);
        assertThat(r.timeline()).contains(
                new TimelineEvent("2020-06-25 18:25:32.000000", "AQFFiles", "MA--",
                        "/sdcard/.profig.os (u:object_r:sdcardfs:s0)"),
                new TimelineEvent("2019-02-14 14:47:52.000000", "AQFFiles", "--C-",
                        "/sdcard/.profig.os (u:object_r:sdcardfs:s0)"));
    }

    @Test
    void filesUseTheDeviceTimeZoneAndJsonLines() throws Exception {
        Path qf = folder(tmp, "getprop.txt", "[persist.sys.timezone]: [Europe/Rome]\n", "files.json",
                "{\"path\":\"/a\",\"mode\":\"-rw\",\"changed_time\":1700000000,\"modified_time\":1700000000,"
                        + "\"access_time\":1700000001.5,\"context\":\"\"}\n\nnot json\n"
                        + "{\"path\":\"/b\",\"modified_time\":0}\n");
        ModuleResult r = run(new AQFFiles(), qf);
        assertThat(r.recordCount()).isEqualTo(2);
        @SuppressWarnings("unchecked")
        List<JsonNode> files = (List<JsonNode>) r.results();
        assertThat(files.get(0).get("modified_time").asText()).isEqualTo("2023-11-14 23:13:20.000000");
        assertThat(files.get(0).get("access_time").asText()).isEqualTo("2023-11-14 23:13:21.500000");
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2023-11-14 23:13:20.000000", "AQFFiles", "M-C-", "/a"),
                new TimelineEvent("2023-11-14 23:13:21.500000", "AQFFiles", "-A--", "/a"),
                new TimelineEvent("1970-01-01 01:00:00.000000", "AQFFiles", "M---", "/b"));
    }

    @Test
    void suspiciousPathOnlyWithIndicatorsAndHashes() throws Exception {
        String json = "[{\"path\":\"/data/local/tmp/payload\",\"mode\":\"-rwxr-xr-x\",\"sha256\":\"\",\"sha1\":\"\","
                + "\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\"},"
                + "{\"path\":\"/data/local/tmp/collector\",\"mode\":\"-rwx\"},"
                + "{\"path\":\"/data/local/tmp/notes\",\"mode\":\"-rw-\"},"
                + "{\"path\":\"/sdcard/evil.bin\",\"mode\":\"-rw-\"}]";
        Path qf = folder(tmp, "files.json", json);
        assertThat(run(new AQFFiles(), qf).alerts()).isEmpty();
        Indicators i = Indicators.builder().add(IndicatorType.FILES_MD5, "d41d8cd98f00b204e9800998ecf8427e", "m", "t")
                .add(IndicatorType.FILE_NAMES, "evil.bin", "m", "t").build();
        List<Alert> alerts = run(new AQFFiles(), qf, i).alerts();
        assertThat(alerts).extracting(Alert::level, Alert::message).containsExactly(
                tuple(Level.HIGH, "Found executable file at suspicious path \"/data/local/tmp/payload\""),
                tuple(Level.CRITICAL, "Found a known suspicious file with hash \"d41d8cd98f00b204e9800998ecf8427e\""
                        + " matching indicators from \"m\""),
                tuple(Level.HIGH, "Found file at suspicious path \"/data/local/tmp/notes\""),
                tuple(Level.CRITICAL, "Found a known suspicious file name \"evil.bin\" matching indicators from \"m\""));
    }

    @Test
    void filesCorruptList() throws Exception {
        Path qf = folder(tmp, "files.json", "[{\"path\":\"/a\"},{\"path\":");
        assertThatThrownBy(() -> run(new AQFFiles(), qf)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("qf/files.json: not valid JSON after 1 files");
    }

    // --- AQFLogTimestamps -----------------------------------------------------------------------

    @Test
    void logTimestampsInDeviceTime() throws Exception {
        Path qf = folder(tmp, "getprop.txt", "[persist.sys.timezone]: [Asia/Tokyo]\n", "logs/logcat.txt", "x",
                "logs/sub/kernel.log", "y");
        Files.setLastModifiedTime(qf.resolve("logs/logcat.txt"), FileTime.from(Instant.parse("2024-03-01T10:00:00Z")));
        Files.setLastModifiedTime(qf.resolve("logs/sub/kernel.log"), FileTime.from(Instant.parse("2024-03-02T10:00:00Z")));
        ModuleResult r = run(new AQFLogTimestamps(), qf);
        assertThat(r.results()).isEqualTo(List.of(
                new AQFLogTimestamps.LogFile("qf/logs/logcat.txt", "2024-03-01 19:00:00.000000"),
                new AQFLogTimestamps.LogFile("qf/logs/sub/kernel.log", "2024-03-02 19:00:00.000000")));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-03-01 19:00:00.000000", "AQFLogTimestamps", "M---", "qf/logs/logcat.txt"),
                new TimelineEvent("2024-03-02 19:00:00.000000", "AQFLogTimestamps", "M---", "qf/logs/sub/kernel.log"));
        var sample = QfFixtures.sampleFolder(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(new AQFLogTimestamps(), sample))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    // --- RootBinaries ---------------------------------------------------------------------------

    @Test
    void rootBinariesOfTheSample() throws Exception {
        ModuleResult r = run(new RootBinaries(), QfFixtures.sampleFolder());
        assertThat(r.results()).isEqualTo(List.of(
                new RootBinaries.RootBinary("/system/bin/su", "su", "SuperUser binary"),
                new RootBinaries.RootBinary("/system/xbin/busybox", "busybox", "BusyBox utilities"),
                new RootBinaries.RootBinary("/data/local/tmp/magisk", "magisk", "Magisk root framework"),
                new RootBinaries.RootBinary("/system/bin/magiskhide", "magiskhide", "Magisk hide utility")));
        assertThat(r.alerts()).hasSize(4).extracting(Alert::level).containsOnly(Level.HIGH);
        assertThat(r.alerts().get(0).message()).isEqualTo("Found root binary \"su\" at path \"/system/bin/su\"");
        assertThat(r.timeline()).hasSize(4).first().isEqualTo(new TimelineEvent("", "RootBinaries",
                "root_binary_found", "Root binary found: /system/bin/su (binary: su)"));
    }

    @Test
    void rootBinariesEdgeCases() throws Exception {
        Path qf = folder(tmp, "root_binaries.json", "[\"/x/Superuser.APK\", \"\", 3, \"/x/other\"]");
        assertThat(run(new RootBinaries(), qf).results()).isEqualTo(List.of(
                new RootBinaries.RootBinary("/x/Superuser.APK", "superuser.apk", "Superuser app"),
                new RootBinaries.RootBinary("/x/other", "other", "Unknown root binary")));
        Path empty = folder(tmp.resolve("e"), "root_binaries.json", "[]");
        ModuleResult r = run(new RootBinaries(), empty);
        assertThat(r.recordCount()).isZero();
        assertThat(r.alerts()).isEmpty();
        Path obj = folder(tmp.resolve("o"), "root_binaries.json", "{\"a\":1}");
        assertThatThrownBy(() -> run(new RootBinaries(), obj)).isInstanceOf(CorruptArtifactException.class);
    }

    // --- Mounts ---------------------------------------------------------------------------------

    @Test
    void mountsParseAndHeuristics() throws Exception {
        Path qf = folder(tmp, "mounts.json", "[\"/dev/block/dm-12 on / type ext4 (ro,seclabel,noatime)\","
                + "\"/dev/block/by-name/system on /system type ext4 (rw,seclabel,noatime)\","
                + "\"/dev/block/by-name/data on /data type f2fs (rw,nosuid,nodev,noatime)\","
                + "\"/dev/block/dm-3 on /vendor type ext4 (ro,seclabel,noatime)\","
                + "\"/dev/block/dm-4 on /product type ext4 (rw,seclabel,noatime)\","
                + "\"tmpfs on /mnt type tmpfs\", \"garbage\"]");
        ModuleResult r = run(new Mounts(), qf);
        assertThat(r.recordCount()).isEqualTo(6);
        @SuppressWarnings("unchecked")
        List<Mounts.Mount> m = (List<Mounts.Mount>) r.results();
        assertThat(m.get(0)).isEqualTo(new Mounts.Mount("/dev/block/dm-12", "/", "ext4", "ro,seclabel,noatime",
                List.of("ro", "seclabel", "noatime"), false, false));
        assertThat(m.get(1).isSystemPartition()).isTrue();
        assertThat(m.get(1).isReadWrite()).isTrue();
        assertThat(m.get(5)).isEqualTo(new Mounts.Mount("tmpfs", "/mnt", "tmpfs", "", List.of(), false, false));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                tuple(Level.HIGH, "Root detected /system partition is mounted as read-write (rw)"),
                tuple(Level.MEDIUM, "Suspicious mount options found for /system: rw, noatime"),
                tuple(Level.HIGH, "System partition /product is mounted as read-write (rw). This may indicate"
                        + " system modifications."));
    }

    @Test
    void mountsIndicatorAndMissingFile() throws Exception {
        Path qf = folder(tmp, "mounts.json", "[\"/dev/block/dm-9 on /data/evil type ext4 (ro)\"]");
        List<Alert> alerts = run(new Mounts(), qf, iocs(IndicatorType.FILE_PATHS, "/data/evil")).alerts();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).matchedIndicator().value()).isEqualTo("/data/evil");
        assertThat(alerts.get(0).message()).contains("file path \"/data/evil\"");
        var sample = QfFixtures.sampleFolder(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(new Mounts(), sample))
                .isInstanceOf(ArtifactNotFoundException.class);
    }
}
