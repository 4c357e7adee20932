package org.vigil.source.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.Hashing;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;
import org.vigil.source.UnrecognisedSourceException;

class SysdiagnoseSourceTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final String LOG_LINE = "Archive: /var/mobile/Library/Logs/CrashReporter/DiagnosticLogs/sysdiagnose/"
            + "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329.tar.gz\n";
    static final String SHUTDOWN = "system_logs.logarchive/Extra/shutdown.log";

    @TempDir
    Path tmp;

    private TarFixture sample() {
        return new TarFixture().dir(TOP + "/").file(TOP + "/sysdiagnose.log", LOG_LINE)
                .dir(TOP + "/system_logs.logarchive/")
                .file(TOP + "/" + SHUTDOWN, "SIGTERM: [1700000000]\n")
                .file(TOP + "/ps.txt", "USER PID COMMAND\n")
                .file(TOP + "/crashes_and_spins/report.ips", "{\"bug_type\":\"210\"}\n");
    }

    private Path folder() throws IOException {
        Path top = tmp.resolve("in").resolve(TOP);
        Files.createDirectories(top.resolve("system_logs.logarchive/Extra"));
        Files.createDirectories(top.resolve("crashes_and_spins"));
        Files.writeString(top.resolve("sysdiagnose.log"), LOG_LINE);
        Files.writeString(top.resolve(SHUTDOWN), "SIGTERM: [1700000000]\n");
        Files.writeString(top.resolve("ps.txt"), "USER PID COMMAND\n");
        Files.writeString(top.resolve("crashes_and_spins/report.ips"), "{\"bug_type\":\"210\"}\n");
        return top;
    }

    private static List<String> ids(SysdiagnoseSource s) {
        List<String> ids = new ArrayList<>();
        s.forEachEntry(r -> ids.add(r.id()));
        return ids;
    }

    // --- folder ----------------------------------------------------------------------------------

    @Test
    void folderGivenDirectlyOrByItsParent() throws Exception {
        Path top = folder();
        for (Path given : List.of(top, top.getParent())) {
            try (SysdiagnoseSource s = SysdiagnoseSource.open(given)) {
                assertThat(s.kind()).isEqualTo(SourceKind.IOS_SYSDIAGNOSE);
                assertThat(s.isArchive()).isFalse();
                assertThat(s.root()).isEqualTo(top);
                assertThat(s.topFolder()).isEqualTo(TOP);
                assertThat(s.timezoneOffsetSeconds()).isEqualTo(7200);
                assertThat(ids(s)).containsExactly("crashes_and_spins/report.ips", "ps.txt", "sysdiagnose.log",
                        SHUTDOWN);
                List<ArtifactRef> found = s.find(ArtifactPattern.anyDomain("system_logs.logarchive/Extra/shutdown*"));
                assertThat(found).extracting(ArtifactRef::relativePath).containsExactly(SHUTDOWN);
                assertThat(s.localFile(found.get(0))).isEqualTo(top.resolve(SHUTDOWN).toRealPath());
                assertThat(s.deviceInfo().properties()).containsEntry("Sysdiagnose", TOP)
                        .containsEntry("Timezone Offset", "7200").containsEntry("Build Version", "21A329");
                assertThat(s.inputFiles()).hasSize(4);
            }
        }
    }

    @Test
    void folderSymlinkPointingOutsideIsNotFollowed() throws Exception {
        Path top = folder();
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "outside");
        Files.createSymbolicLink(top.resolve("link.txt"), secret);
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThat(s.byId("link.txt")).isEmpty();
            assertThat(s.skippedEntries()).isEqualTo(1);
        }
    }

    @Test
    void folderThatIsNotASysdiagnoseIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("other/a"));
        Files.writeString(dir.resolve("x.txt"), "x");
        assertThatThrownBy(() -> SysdiagnoseSource.open(tmp.resolve("other")))
                .isInstanceOf(UnrecognisedSourceException.class)
                .hasMessageContaining("does not appear to be a sysdiagnose folder");
        assertThatThrownBy(() -> SysdiagnoseSource.open(tmp.resolve("missing")))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    // --- archive ---------------------------------------------------------------------------------

    @Test
    void archiveIsIndexedInPlaceAndExtractsOnlyWhatIsAsked() throws Exception {
        Path gz = sample().writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        String before = Hashing.sha256Hex(gz);
        Path workspace;
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz)) {
            assertThat(s.isArchive()).isTrue();
            assertThat(s.root()).isEqualTo(gz);
            assertThat(s.topFolder()).isEqualTo(TOP);
            assertThat(s.timezoneOffsetSeconds()).isEqualTo(7200);
            assertThat(s.truncated()).isEmpty();
            assertThat(s.fileCount()).isEqualTo(4);
            assertThat(ids(s)).containsExactly("crashes_and_spins/report.ips", "ps.txt", "sysdiagnose.log", SHUTDOWN);
            assertThat(s.workspace()).isNull();
            ArtifactRef ref = s.find(ArtifactPattern.anyDomain("*/Extra/shutdown.log")).get(0);
            assertThat(ref.meta().size()).isEqualTo(22);
            assertThat(ref.meta().modified()).isEqualTo(1700000000L);
            Path local = s.localFile(ref);
            workspace = s.workspace();
            assertThat(local).startsWith(workspace);
            assertThat(local.getFileName().toString()).isEqualTo("shutdown.log");
            assertThat(Files.readString(local)).isEqualTo("SIGTERM: [1700000000]\n");
            assertThat(s.localFile(ref)).isEqualTo(local);
            try (InputStream in = s.open(s.byId("ps.txt").orElseThrow())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("USER PID COMMAND\n");
            }
            try (Stream<Path> w = Files.walk(workspace)) {
                assertThat(w.filter(Files::isRegularFile).count()).isEqualTo(2);
            }
            assertThat(s.inputFiles()).containsExactly(gz);
        }
        assertThat(workspace).doesNotExist();
        assertThat(Hashing.sha256Hex(gz)).isEqualTo(before);
    }

    @Test
    void timezoneFromTheNameWhenTheLogIsAbsentElseUtc() throws Exception {
        Path gz = new TarFixture().file("sysdiagnose_2023.06.15_10-21-12-0430_iPhone-OS_iPhone_20F66/ps.txt", "x")
                .writeTarGz(tmp.resolve("a.tar.gz"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz)) {
            assertThat(s.timezoneOffsetSeconds()).isEqualTo(-(4 * 3600 + 30 * 60));
            assertThat(s.timezoneOffset().getId()).isEqualTo("-04:30");
        }
        Path plain = new TarFixture().file("export/ps.txt", "x").writeTarGz(tmp.resolve("b.tar.gz"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(plain)) {
            assertThat(s.timezoneOffsetSeconds()).isZero();
            assertThat(s.topFolder()).isEqualTo("export");
        }
    }

    @Test
    void longNamesUstarPrefixGnuAndPax() throws Exception {
        String deep = TOP + "/logs/" + "a".repeat(60) + "/" + "b".repeat(60) + "/deep.log";
        String gnu = TOP + "/logs/" + "c".repeat(120) + "/gnu.log";
        String pax = TOP + "/logs/" + "d".repeat(200) + "/pax.log";
        Path gz = new TarFixture().file(deep, "ustar").gnuLongName(gnu, "gnu").paxName(pax, "pax")
                .writeTarGz(tmp.resolve("long.tar.gz"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz)) {
            assertThat(ids(s)).containsExactly(deep.substring(TOP.length() + 1), gnu.substring(TOP.length() + 1),
                    pax.substring(TOP.length() + 1));
            assertThat(Files.readString(s.localFile(s.byId(pax.substring(TOP.length() + 1)).orElseThrow())))
                    .isEqualTo("pax");
            assertThat(Files.readString(s.localFile(s.byId(gnu.substring(TOP.length() + 1)).orElseThrow())))
                    .isEqualTo("gnu");
            assertThat(Files.readString(s.localFile(s.byId(deep.substring(TOP.length() + 1)).orElseThrow())))
                    .isEqualTo("ustar");
        }
    }

    @Test
    void unsafeEntriesAreSkippedAndNothingIsWrittenOutside() throws Exception {
        Path gz = sample()
                .file(TOP + "/../../evil.txt", "escape")
                .file("/tmp/vigil-absolute-evil.txt", "absolute")
                .symlink(TOP + "/link", "/etc/passwd")
                .file(TOP + "/link", "through the link")
                .hardlink(TOP + "/hard", "/etc/shadow")
                .charDevice(TOP + "/dev")
                .writeTarGz(tmp.resolve("evil.tar.gz"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz)) {
            assertThat(s.skippedEntries()).isEqualTo(5);
            assertThat(ids(s)).containsExactly("crashes_and_spins/report.ips", "link", "ps.txt", "sysdiagnose.log",
                    SHUTDOWN);
            Path link = s.localFile(s.byId("link").orElseThrow());
            assertThat(Files.isSymbolicLink(link)).isFalse();
            assertThat(Files.readString(link)).isEqualTo("through the link");
            assertThat(link).startsWith(s.workspace());
        }
        assertThat(tmp.resolve("evil.txt")).doesNotExist();
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
        assertThat(Path.of("/tmp/vigil-absolute-evil.txt")).doesNotExist();
        assertThat(SysdiagnoseSource.unsafe("a/../b")).contains("\"..\" component");
        assertThat(SysdiagnoseSource.unsafe("a\\..\\b")).contains("\"..\" component");
        assertThat(SysdiagnoseSource.unsafe("C:/x")).contains("absolute path");
        assertThat(SysdiagnoseSource.unsafe("a/..b/c")).isEmpty();
    }

    @Test
    void entryClaimingTenGigabytesIsBounded() throws Exception {
        long tenGb = 10L * 1000 * 1000 * 1000;
        byte[] tar = new TarFixture().file(TOP + "/ps.txt", "ok").claimed(TOP + "/huge.bin", tenGb, new byte[4096])
                .tarWithoutEnd();
        Path gz = Files.write(tmp.resolve(TOP + ".tar.gz"), TarFixture.gzip(tar));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz)) {
            assertThat(s.truncated()).hasValueSatisfying(t -> assertThat(t)
                    .isEqualTo("the archive ends inside an entry's data at offset 5632 (after 2 files)"));
            ArtifactRef huge = s.byId("huge.bin").orElseThrow();
            assertThat(huge.meta().size()).isEqualTo(tenGb);
            assertThatThrownBy(() -> s.localFile(huge)).isInstanceOf(IOException.class)
                    .hasMessageContaining("huge.bin is 10000000000 bytes, over the 536870912-byte limit");
            assertThat(s.workspace()).isNull();
            assertThat(Files.readString(s.localFile(s.byId("ps.txt").orElseThrow()))).isEqualTo("ok");
        }
    }

    @Test
    void perEntryAndTotalLimits() throws Exception {
        byte[] kb = new byte[800];
        Arrays.fill(kb, (byte) 'z');
        Path gz = new TarFixture().file(TOP + "/a", kb).file(TOP + "/b", kb).file(TOP + "/big", new byte[4096])
                .writeTarGz(tmp.resolve("l.tar.gz"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz, new SysdiagnoseSource.Limits(1024, 1000, 100))) {
            assertThat(Files.size(s.localFile(s.byId("a").orElseThrow()))).isEqualTo(800);
            assertThatThrownBy(() -> s.localFile(s.byId("b").orElseThrow())).isInstanceOf(IOException.class)
                    .hasMessageContaining("would exceed the 1000-byte limit on extracted data");
            assertThatThrownBy(() -> s.localFile(s.byId("big").orElseThrow())).isInstanceOf(IOException.class)
                    .hasMessageContaining("big is 4096 bytes, over the 1024-byte limit for one entry");
        }
        assertThatThrownBy(() -> SysdiagnoseSource.open(gz, new SysdiagnoseSource.Limits(1024, 1000, 2)))
                .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("more than 2 entries");
    }

    @Test
    void truncatedArchiveKeepsWhatWasReadAndSaysSo() throws Exception {
        byte[] full = TarFixture.gzip(sample().file(TOP + "/last.txt", "z".repeat(20000)).tar());
        // cut inside the deflate data of the last entry
        Path cut = Files.write(tmp.resolve(TOP + ".tar.gz"), Arrays.copyOf(full, full.length - 40));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(cut)) {
            assertThat(s.truncated()).isPresent();
            assertThat(s.truncated().get()).contains("truncated");
            assertThat(s.deviceInfo().get("Archive Status")).startsWith("truncated: ");
            assertThat(Files.readString(s.localFile(s.find(ArtifactPattern.anyDomain(SHUTDOWN)).get(0))))
                    .isEqualTo("SIGTERM: [1700000000]\n");
            assertThatThrownBy(() -> s.find(ArtifactPattern.anyDomain("logs/MobileInstallation/*")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("is truncated").hasMessageContaining("may be in the missing part");
        }
        Path header = Files.write(tmp.resolve("h.tar.gz"), Arrays.copyOf(full, 12));
        assertThatThrownBy(() -> SysdiagnoseSource.open(header)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("not a readable gzip-compressed tar archive (the gzip stream is truncated");
    }

    @Test
    void notAGzipTarOrSeveralTopFoldersIsCorrupt() throws Exception {
        Path text = Files.writeString(tmp.resolve("sysdiagnose_x.tar.gz"), "hello, not gzip");
        assertThatThrownBy(() -> SysdiagnoseSource.open(text)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageEndingWith("sysdiagnose_x.tar.gz: not a readable gzip-compressed tar archive (the gzip stream"
                        + " is corrupt (Not in GZIP format) after 0 files)");
        Path notTar = Files.write(tmp.resolve("n.tar.gz"), TarFixture.gzip(new byte[] {1, 2, 3, 4}));
        assertThatThrownBy(() -> SysdiagnoseSource.open(notTar)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("not a readable gzip-compressed tar archive (the archive ends inside a header");
        Path two = new TarFixture().file("a/x", "1").file("b/y", "2").writeTarGz(tmp.resolve("two.tar.gz"));
        assertThatThrownBy(() -> SysdiagnoseSource.open(two)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("exactly one top-level folder; found 2 top-level names \"a\", \"b\"");
        Path flat = new TarFixture().file("a/x", "1").file("top.txt", "2").writeTarGz(tmp.resolve("f.tar.gz"));
        assertThatThrownBy(() -> SysdiagnoseSource.open(flat)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("found files at the top level and 2 top-level names");
    }

    @Test
    void nonUtf8NamesAreReadAndExtractedUnderASafeName() throws Exception {
        byte[] name = (TOP + "/logs/caf\u00e9-").getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = Arrays.copyOf(name, name.length + 5);
        System.arraycopy(new byte[] {(byte) 0xe9, '.', 'l', 'o', 'g'}, 0, latin1, name.length, 5);
        Path gz = new TarFixture().rawName(latin1, "data".getBytes(StandardCharsets.UTF_8))
                .writeTarGz(tmp.resolve("n.tar.gz"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz)) {
            assertThat(ids(s)).containsExactly("logs/caf\u00e9-\ufffd.log");
            Path local = s.localFile(s.byId("logs/caf\u00e9-\ufffd.log").orElseThrow());
            assertThat(local.getFileName().toString()).isEqualTo("caf_-_.log");
            assertThat(Files.readString(local)).isEqualTo("data");
        }
    }

    @Test
    void corruptHeaderMidArchiveStopsTheIndexWithAClearStatus() throws Exception {
        byte[] tar = sample().file(TOP + "/after.txt", "later").tar();
        int header = tar.length - 1024 - 1024; // the last entry's header (512 header + 512 data)
        tar[header + 5] ^= 0x55;
        Path gz = Files.write(tmp.resolve("c.tar.gz"), TarFixture.gzip(tar));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(gz)) {
            assertThat(s.truncated()).contains("not a tar archive, or corrupt: bad header checksum at offset "
                    + header + " (after 4 files)");
            assertThat(s.byId("after.txt")).isEmpty();
            assertThat(s.fileCount()).isEqualTo(4);
        }
    }

    @Test
    void folderEvidenceIsUntouched() throws Exception {
        Path top = folder();
        Map<Path, String> before = hashes(top);
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            for (ArtifactRef r : s.find(ArtifactPattern.anyDomain("*"))) {
                try (InputStream in = s.open(r)) {
                    in.readAllBytes();
                }
            }
            assertThat(s.workspace()).isNull();
        }
        assertThat(hashes(top)).isEqualTo(before);
    }

    private static Map<Path, String> hashes(Path dir) throws IOException {
        Map<Path, String> h = new java.util.TreeMap<>();
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.filter(Files::isRegularFile).toList()) {
                h.put(p, Hashing.sha256Hex(p) + Files.getLastModifiedTime(p));
            }
        }
        return h;
    }

    // --- probe -----------------------------------------------------------------------------------

    @Test
    void probeRecognisesArchivesAndFolders() throws Exception {
        SysdiagnoseProbe probe = new SysdiagnoseProbe();
        Path named = sample().writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        Path renamed = sample().writeTarGz(tmp.resolve("phone.tgz"));
        Path other = new TarFixture().file("private/var/x", "1").writeTarGz(tmp.resolve("dump.tar.gz"));
        Path top = folder();
        assertThat(probe.detect(named)).contains(SourceKind.IOS_SYSDIAGNOSE);
        assertThat(probe.detect(renamed)).contains(SourceKind.IOS_SYSDIAGNOSE);
        assertThat(probe.detect(other)).isEqualTo(Optional.empty());
        assertThat(probe.detect(top)).contains(SourceKind.IOS_SYSDIAGNOSE);
        assertThat(probe.detect(top.getParent())).contains(SourceKind.IOS_SYSDIAGNOSE);
        assertThat(probe.detect(Files.createDirectories(tmp.resolve("empty")))).isEmpty();
        try (var s = probe.open(renamed, SourceKind.IOS_SYSDIAGNOSE)) {
            assertThat(s.kind()).isEqualTo(SourceKind.IOS_SYSDIAGNOSE);
            assertThat(((SysdiagnoseSource) s).timezoneOffsetSeconds()).isEqualTo(7200);
        }
    }
}
