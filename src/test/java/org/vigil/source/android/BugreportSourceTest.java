package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
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

class BugreportSourceTest {
    @TempDir
    Path tmp;

    static Path sample() {
        return SharedData.require("testdata/mvt-artifacts/android_data/bugreport");
    }

    /** A zip of the given name to content entries, written in order. */
    static Path zip(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zos = new ZipOutputStream(os)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zos.putNextEntry(new ZipEntry(e.getKey()));
                zos.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zos.closeEntry();
            }
        }
        return file;
    }

    /** The sample folder zipped (entries sorted by path). */
    static Path zipOfSample(Path dir, Path file) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                entries.put(dir.relativize(p).toString().replace('\\', '/'),
                        Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zos = new ZipOutputStream(os)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setTimeLocal(java.time.LocalDateTime.of(2023, 8, 21, 23, 30, 10));
                zos.putNextEntry(ze);
                zos.write(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
                zos.closeEntry();
            }
        }
        return file;
    }

    @Test
    void folderSampleResolvesDumpstateFromMainEntry() throws Exception {
        Path dir = sample();
        try (BugreportSource s = BugreportSource.open(dir)) {
            assertThat(s.kind()).isEqualTo(SourceKind.ANDROID_BUGREPORT);
            assertThat(s.isZip()).isFalse();
            assertThat(s.byId(BugreportSource.DUMPSTATE_ID)).map(ArtifactRef::relativePath).contains("dumpstate.txt");
            assertThat(s.find(ArtifactPattern.anyDomain("FS/*"))).extracting(ArtifactRef::relativePath)
                    .containsExactly("FS/data/tombstones/tombstone_00", "FS/data/tombstones/tombstone_01");
            assertThat(s.inputFiles()).hasSize(4);
            ArtifactRef ref = s.byId("dumpstate.txt").orElseThrow();
            assertThat(s.localFile(ref)).isEqualTo(dir.resolve("dumpstate.txt").toRealPath());
            try (InputStream in = s.open(ref)) {
                assertThat(new String(in.readNBytes(28), StandardCharsets.UTF_8)).isEqualTo("Currently running services:\n");
            }
        }
    }

    @Test
    void zipSampleIsReadInPlaceAndExtractedEntriesAreDeletedOnClose() throws Exception {
        Path z = zipOfSample(sample(), tmp.resolve("bugreport.zip"));
        Path local;
        try (BugreportSource s = BugreportSource.open(z)) {
            assertThat(s.isZip()).isTrue();
            assertThat(s.inputFiles()).containsExactly(z.toAbsolutePath().normalize());
            ArtifactRef ds = s.dumpstate().orElseThrow();
            assertThat(ds.relativePath()).isEqualTo("dumpstate.txt");
            assertThat(ds.meta().size()).isEqualTo(Files.size(sample().resolve("dumpstate.txt")));
            ArtifactRef t = s.byId("FS/data/tombstones/tombstone_01").orElseThrow();
            assertThat(t.meta().modified()).isEqualTo(
                    java.time.LocalDateTime.of(2023, 8, 21, 23, 30, 10).toEpochSecond(java.time.ZoneOffset.UTC));
            local = s.localFile(t);
            assertThat(local).exists();
            assertThat(Files.readString(local)).isEqualTo(Files.readString(sample().resolve(t.relativePath())));
            assertThat(s.localFile(t)).isEqualTo(local);
            assertThat(local.startsWith(z.getParent())).isFalse();
        }
        assertThat(local).doesNotExist();
        assertThat(local.getParent()).doesNotExist();
    }

    @Test
    void notAZipIsAnInvalidArchive() throws Exception {
        Path f = Files.writeString(tmp.resolve("bugreport.zip"), "this is not a zip");
        assertThatThrownBy(() -> BugreportSource.open(f))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("Invalid bugreport archive: " + f.toAbsolutePath().normalize() + ": ");
    }

    @Test
    void missingPathIsNotFound() {
        Path p = tmp.resolve("none.zip");
        assertThatThrownBy(() -> BugreportSource.open(p)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(p + ": no such file or directory");
    }

    @Test
    void zipSlipEntriesAreSkipped() throws Exception {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("../evil.txt", "x");
        e.put("/abs/evil.txt", "x");
        e.put("FS/../../evil2.txt", "x");
        e.put("a\\..\\b.txt", "x");
        e.put("main_entry.txt", "dumpstate.txt");
        e.put("dumpstate.txt", "DUMP OF SERVICE x:\n");
        Path z = zip(tmp.resolve("b.zip"), e);
        try (BugreportSource s = BugreportSource.open(z)) {
            List<String> names = s.find(ArtifactPattern.anyDomain("*")).stream().map(ArtifactRef::relativePath).toList();
            assertThat(names).containsExactly("main_entry.txt", "dumpstate.txt");
            assertThat(s.byId("../evil.txt")).isEmpty();
        }
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
    }

    @Test
    void mainEntryEscapingTheRootIsIgnoredAndFallsBackToDumpStateLog() throws Exception {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("main_entry.txt", "../outside.txt\n");
        e.put("dumpState_G960F_2022.log", "log");
        e.put("x/dumpsys.txt", "dumpsys");
        try (BugreportSource s = BugreportSource.open(zip(tmp.resolve("b.zip"), e))) {
            assertThat(s.dumpstate()).map(ArtifactRef::relativePath).contains("dumpState_G960F_2022.log");
        }
    }

    @Test
    void dumpsysTxtIsTheLastFallback() throws Exception {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("readme.txt", "x");
        e.put("x/dumpsys.txt", "dumpsys");
        try (BugreportSource s = BugreportSource.open(zip(tmp.resolve("b.zip"), e))) {
            assertThat(s.dumpstate()).map(ArtifactRef::relativePath).contains("x/dumpsys.txt");
        }
        Map<String, String> none = Map.of("readme.txt", "x");
        try (BugreportSource s = BugreportSource.open(zip(tmp.resolve("c.zip"), none))) {
            assertThat(s.dumpstate()).isEmpty();
            assertThat(s.byId(BugreportSource.DUMPSTATE_ID)).isEmpty();
        }
    }

    @Test
    void mainEntryMayNameANestedFileInside() throws Exception {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("main_entry.txt", "./sub/../dumpstate-2024.txt");
        e.put("dumpstate-2024.txt", "d");
        try (BugreportSource s = BugreportSource.open(zip(tmp.resolve("b.zip"), e))) {
            assertThat(s.dumpstate()).map(ArtifactRef::relativePath).contains("dumpstate-2024.txt");
        }
    }

    @Test
    void folderSymlinkOutsideIsNotListedNorOpened() throws Exception {
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
        Path dir = Files.createDirectories(tmp.resolve("br"));
        Files.writeString(dir.resolve("main_entry.txt"), "link.txt");
        Files.createSymbolicLink(dir.resolve("link.txt"), outside);
        try (BugreportSource s = BugreportSource.open(dir)) {
            assertThat(s.find(ArtifactPattern.anyDomain("*"))).extracting(ArtifactRef::relativePath)
                    .containsExactly("main_entry.txt");
            assertThat(s.dumpstate()).isEmpty();
            ArtifactRef forged = new ArtifactRef("link.txt", "", "link.txt", null);
            assertThatThrownBy(() -> s.open(forged)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        }
    }

    @Test
    void boundedStreamStopsAtTheCap() throws Exception {
        InputStream in = ZipOrFolder.capped(new java.io.ByteArrayInputStream(new byte[100]), 64, "big");
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class)
                .hasMessage("big: more than 64 bytes; refused (size cap)");
    }

    @Test
    void safeNamesAndNormalisation() {
        assertThat(BugreportSource.isSafeName("FS/data/x")).isTrue();
        assertThat(BugreportSource.isSafeName("FS/../x")).isFalse();
        assertThat(BugreportSource.isSafeName("C:/x")).isFalse();
        assertThat(BugreportSource.normalise("a/./b/../c.txt")).isEqualTo("a/c.txt");
        assertThat(BugreportSource.normalise("a/../../c.txt")).isNull();
        assertThat(BugreportSource.normalise("/etc/passwd")).isNull();
    }

    @Test
    void probeRecognisesFoldersAndZipsWithMarkers() throws Exception {
        BugreportProbe probe = new BugreportProbe();
        assertThat(probe.detect(sample())).contains(SourceKind.ANDROID_BUGREPORT);
        Path z = zip(tmp.resolve("a.zip"), Map.of("dumpstate-2024-01-01.txt", "d", "FS/x", "y"));
        assertThat(probe.detect(z)).contains(SourceKind.ANDROID_BUGREPORT);
        Path z2 = zip(tmp.resolve("b.zip"), Map.of("dumpState_G960F.log", "d"));
        assertThat(probe.detect(z2)).contains(SourceKind.ANDROID_BUGREPORT);
        Path other = zip(tmp.resolve("c.zip"), Map.of("sub/dumpstate.txt", "d", "readme.txt", "r"));
        assertThat(probe.detect(other)).isEqualTo(Optional.empty());
        Path notZip = Files.writeString(tmp.resolve("d.zip"), "PK but not really a zip");
        assertThat(probe.detect(notZip)).isEmpty();
        Path emptyDir = Files.createDirectories(tmp.resolve("empty"));
        assertThat(probe.detect(emptyDir)).isEmpty();
        try (var s = probe.open(sample(), SourceKind.ANDROID_BUGREPORT)) {
            assertThat(s).isInstanceOf(BugreportSource.class);
        }
    }
}
