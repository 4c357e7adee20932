package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;
import org.vigil.testing.SharedData;

class AndroidQfSourceTest {
    @TempDir
    Path tmp;

    /** Writes a zip of name, content pairs (an entry's content null = a directory). */
    static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTimeLocal(LocalDateTime.of(2024, 5, 6, 7, 8, 10));
                z.putNextEntry(ze);
                if (e.getValue() != null) {
                    z.write(e.getValue());
                }
                z.closeEntry();
            }
        }
        return file;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sampleFolderListsNamesRelativeToTheParent() throws Exception {
        Path dir = SharedData.require("testdata/mvt-artifacts/androidqf");
        try (AndroidQfSource s = AndroidQfSource.open(dir)) {
            assertThat(s.kind()).isEqualTo(SourceKind.ANDROID_QF);
            assertThat(s.isZip()).isFalse();
            assertThat(s.fileNames()).containsExactly("androidqf/backup.ab", "androidqf/dumpsys.txt",
                    "androidqf/files.json", "androidqf/getprop.txt", "androidqf/packages.json", "androidqf/ps.txt",
                    "androidqf/root_binaries.json", "androidqf/settings_random.txt");
            List<ArtifactRef> refs = s.find(ArtifactPattern.anyDomain("*/packages.json"));
            assertThat(refs).extracting(ArtifactRef::id).containsExactly("androidqf/packages.json");
            assertThat(refs.get(0).meta().size()).isEqualTo(11359);
            assertThat(s.readText(refs.get(0), 1 << 20)).startsWith("[");
            assertThat(s.localFile(refs.get(0))).isEqualTo(dir.toRealPath().resolve("packages.json"));
            assertThat(s.deviceZone()).isEmpty();
            assertThat(s.acquisitionContext()).isEmpty();
            assertThat(s.deviceInfo().properties()).isEmpty();
            assertThat(s.inputFiles()).hasSize(8);
        }
    }

    @Test
    void sampleZipListsEntryNames() throws Exception {
        Path zip = SharedData.require("testdata/mvt-artifacts/androidqf.zip");
        try (AndroidQfSource s = AndroidQfSource.open(zip)) {
            assertThat(s.isZip()).isTrue();
            assertThat(s.fileNames()).containsExactly("androidqfzip/getprop.txt");
            assertThat(s.find(ArtifactPattern.anyDomain("*/getprop.txt"))).hasSize(1);
            assertThat(s.inputFiles()).containsExactly(zip.toAbsolutePath().normalize());
        }
    }

    @Test
    void contextFromGetpropAndAcquisitionJson() throws Exception {
        Path qf = tmp.resolve("qf");
        Files.createDirectories(qf);
        Files.writeString(qf.resolve("getprop.txt"), "[persist.sys.timezone]: [Europe/Paris]\n"
                + "[ro.product.model]: [Pixel 8]\n[ro.build.version.security_patch]: [2025-05-05]\n");
        Files.writeString(qf.resolve("acquisition.json"),
                "{\"uuid\":\"x\",\"started\":\"2025-06-20T18:00:00Z\",\"adb_host_public_key\":\"QUJDRA== user@host\"}");
        Files.writeString(qf.resolve("adb_host_key.pub"), "ignored\n");
        try (AndroidQfSource s = AndroidQfSource.open(qf)) {
            assertThat(s.deviceZone()).contains(ZoneId.of("Europe/Paris"));
            assertThat(s.acquisitionContext()).contains(
                    new AndroidQfSource.AcquisitionContext("2025-06-20T18:00:00Z", "QUJDRA== user@host"));
            assertThat(s.deviceInfo().properties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "Device Timezone", "Europe/Paris", "Model", "Pixel 8", "Security Patch", "2025-05-05",
                    "Acquisition Started", "2025-06-20T18:00:00Z"));
        }
    }

    @Test
    void adbHostKeyFallbackKeepsTheNewlineAndBadZoneIsUtc() throws Exception {
        Path qf = tmp.resolve("qf");
        Files.createDirectories(qf);
        Files.writeString(qf.resolve("getprop.txt"), "[persist.sys.timezone]: [Mars/Olympus]\n");
        Files.writeString(qf.resolve("adb_host_key.pub"), "QUJDRA== user@host\n");
        try (AndroidQfSource s = AndroidQfSource.open(qf)) {
            assertThat(s.deviceZone()).isEmpty();
            assertThat(s.acquisitionContext()).contains(
                    new AndroidQfSource.AcquisitionContext(null, "QUJDRA== user@host\n"));
        }
    }

    @Test
    void zipSlipNamesAreNeverListed() throws Exception {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("qf/", null);
        entries.put("qf/getprop.txt", b("[a]: [b]\n"));
        entries.put("../evil.txt", b("x"));
        entries.put("/abs.txt", b("x"));
        entries.put("qf/../../up.txt", b("x"));
        entries.put("C:/win.txt", b("x"));
        entries.put("qf\\..\\back.txt", b("x"));
        entries.put("qf/intrusion_logs/../x", b("x"));
        Path z = zip(tmp.resolve("a.zip"), entries);
        try (AndroidQfSource s = AndroidQfSource.open(z)) {
            assertThat(s.fileNames()).containsExactly("qf/getprop.txt");
            assertThat(s.byId("../evil.txt")).isEmpty();
        }
        assertThat(AndroidQfSource.isSafeEntryName("a/b..c/d")).isTrue();
        assertThat(AndroidQfSource.isSafeEntryName("a/../d")).isFalse();
    }

    @Test
    void extractionIsBoundedPrivateAndDeletedOnClose() throws Exception {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("qf/small.db", b("0123456789"));
        entries.put("qf/big.bin", new byte[5000]);
        entries.put("qf/other.db", b("abcdefghij"));
        Path z = zip(tmp.resolve("b.zip"), entries);
        Path workspace;
        try (AndroidQfSource s = AndroidQfSource.open(z, 1000, 15)) {
            ArtifactRef small = s.byId("qf/small.db").orElseThrow();
            Path local = s.localFile(small);
            workspace = s.workspace();
            assertThat(local.getParent()).isEqualTo(workspace);
            assertThat(local.getFileName().toString()).isEqualTo("0-small.db");
            assertThat(Files.readString(local)).isEqualTo("0123456789");
            assertThat(s.localFile(small)).isEqualTo(local);
            ArtifactRef big = s.byId("qf/big.bin").orElseThrow();
            assertThatThrownBy(() -> s.readBytes(big, Long.MAX_VALUE)).isInstanceOf(IOException.class)
                    .hasMessageContaining("exceeds the cap of 1000 bytes");
            ArtifactRef other = s.byId("qf/other.db").orElseThrow();
            assertThatThrownBy(() -> s.localFile(other)).isInstanceOf(IOException.class)
                    .hasMessageContaining("entry of 10 bytes exceeds the cap of 5 bytes");
            assertThat(workspace.resolve("1-other.db")).doesNotExist();
        }
        assertThat(workspace).doesNotExist();
    }

    @Test
    void cappedReadRefusesAnEntryLargerThanItClaims() throws Exception {
        Path qf = tmp.resolve("qf");
        Files.createDirectories(qf);
        Files.write(qf.resolve("files.json"), new byte[2048]);
        try (AndroidQfSource s = AndroidQfSource.open(qf, 1024, 1024)) {
            ArtifactRef ref = s.byId("qf/files.json").orElseThrow();
            assertThatThrownBy(() -> {
                try (InputStream in = s.open(ref)) {
                    in.readAllBytes();
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("more than 1024 bytes");
        }
    }

    @Test
    void symlinksAreNotFollowed() throws Exception {
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
        Path qf = tmp.resolve("qf");
        Files.createDirectories(qf);
        Files.writeString(qf.resolve("getprop.txt"), "");
        Files.createSymbolicLink(qf.resolve("packages.json"), outside);
        Files.createSymbolicLink(qf.resolve("logs"), tmp);
        try (AndroidQfSource s = AndroidQfSource.open(qf)) {
            assertThat(s.fileNames()).containsExactly("qf/getprop.txt");
        }
    }

    @Test
    void zipTimesDosAsIsExtendedInDeviceZone() throws Exception {
        Path z = tmp.resolve("t.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z))) {
            out.putNextEntry(new ZipEntry("qf/getprop.txt"));
            out.write(b("[persist.sys.timezone]: [Asia/Tokyo]\n"));
            ZipEntry dos = new ZipEntry("qf/logs/a.log");
            dos.setTimeLocal(LocalDateTime.of(2024, 5, 6, 7, 8, 10));
            out.putNextEntry(dos);
            ZipEntry ext = new ZipEntry("qf/logs/b.log");
            ext.setLastModifiedTime(FileTime.from(Instant.parse("2024-05-06T00:00:00Z")));
            out.putNextEntry(ext);
            out.closeEntry();
        }
        try (AndroidQfSource s = AndroidQfSource.open(z)) {
            assertThat(s.modifiedLocal(s.byId("qf/logs/a.log").orElseThrow()))
                    .contains(LocalDateTime.of(2024, 5, 6, 7, 8, 10));
            assertThat(s.modifiedLocal(s.byId("qf/logs/b.log").orElseThrow()))
                    .contains(LocalDateTime.of(2024, 5, 6, 9, 0, 0));
        }
    }

    @Test
    void badInputs() throws Exception {
        Path notZip = Files.writeString(tmp.resolve("x.zip"), "this is not a zip");
        assertThatThrownBy(() -> AndroidQfSource.open(notZip)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("x.zip: not a readable zip archive");
        assertThatThrownBy(() -> AndroidQfSource.open(tmp.resolve("missing")))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void evidenceIsNotWritten() throws Exception {
        Path dir = SharedData.require("testdata/mvt-artifacts/androidqf");
        Map<String, FileTime> before = new java.util.TreeMap<>();
        try (var w = Files.list(dir)) {
            for (Path p : w.toList()) {
                before.put(p.getFileName().toString(), Files.getLastModifiedTime(p));
            }
        }
        try (AndroidQfSource s = AndroidQfSource.open(dir)) {
            for (ArtifactRef r : s.find(ArtifactPattern.anyDomain("*"))) {
                try (OutputStream sink = OutputStream.nullOutputStream(); InputStream in = s.open(r)) {
                    in.transferTo(sink);
                }
            }
        }
        try (var w = Files.list(dir)) {
            assertThat(w.count()).isEqualTo(before.size());
        }
        for (Map.Entry<String, FileTime> e : before.entrySet()) {
            assertThat(Files.getLastModifiedTime(dir.resolve(e.getKey()))).isEqualTo(e.getValue());
        }
    }
}
