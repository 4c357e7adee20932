package org.vigil.source.iosfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.Hashing;
import org.vigil.io.archive.ArchiveLimits;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;
import org.vigil.source.UnrecognisedSourceException;
import org.vigil.source.sysdiagnose.TarFixture;

class IosFsSourceTest {
    static final String SMS = "private/var/mobile/Library/SMS/sms.db";
    static final String HOSTS = "private/etc/hosts";

    @TempDir
    Path tmp;

    static FsDumpFixture sample() {
        return new FsDumpFixture()
                .dir("private/var/mobile")
                .file(SMS, "sms content")
                .file(HOSTS, "127.0.0.1 localhost\n")
                .symlink("private/var/link", "/etc/passwd");
    }

    static Stream<Arguments> layouts() {
        List<Arguments> a = new ArrayList<>();
        for (IosFsSource.Layout l : IosFsSource.Layout.values()) {
            a.add(Arguments.of(l, ""));
            a.add(Arguments.of(l, "dump-2024"));
        }
        return a.stream();
    }

    private static List<String> ids(IosFsSource s) {
        List<String> ids = new ArrayList<>();
        s.forEachEntry(r -> ids.add(r.id()));
        return ids;
    }

    private static List<Path> files(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> w = Files.walk(dir)) {
            return w.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}, leading folder \"{1}\"")
    @MethodSource("layouts")
    void everyLayoutListsFoldersFilesAndLinksSorted(IosFsSource.Layout layout, String leading) throws Exception {
        Path dump = sample().write(tmp, layout, leading);
        try (IosFsSource s = IosFsSource.open(dump)) {
            assertThat(s.layout()).isEqualTo(layout);
            assertThat(s.kind()).isEqualTo(SourceKind.IOS_FS);
            assertThat(s.rootPrefix()).isEqualTo(layout == IosFsSource.Layout.FOLDER || leading.isEmpty() ? ""
                    : leading + "/");
            assertThat(ids(s)).containsExactly("private", "private/etc", HOSTS, "private/var", "private/var/link",
                    "private/var/mobile", "private/var/mobile/Library", "private/var/mobile/Library/SMS", SMS);
            ArtifactRef sms = s.byId(SMS).orElseThrow();
            assertThat(sms.domain()).isEmpty();
            assertThat(sms.relativePath()).isEqualTo(SMS);
            assertThat(sms.meta().isRegularFile()).isTrue();
            assertThat(sms.meta().size()).isEqualTo(11);
            assertThat(sms.meta().modified()).isEqualTo(FsDumpFixture.MTIME);
            assertThat(s.hasContent(sms)).isTrue();
            assertThat(Files.readString(s.localFile(sms))).isEqualTo("sms content");
            try (var in = s.open(s.byId(HOSTS).orElseThrow())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("127.0.0.1 localhost\n");
            }
            ArtifactRef link = s.byId("private/var/link").orElseThrow();
            assertThat(link.meta().isSymlink()).isTrue();
            assertThat(s.hasContent(link)).isFalse();
            assertThatThrownBy(() -> s.localFile(link)).isInstanceOf(IOException.class)
                    .hasMessageContaining("symbolic link (not followed)");
            ArtifactRef dir = s.byId("private/var/mobile").orElseThrow();
            assertThat(dir.meta().isDirectory()).isTrue();
            assertThat(s.hasContent(dir)).isFalse();
            assertThat(s.find(ArtifactPattern.anyDomain("private/var/mobile/*/sms.db"))).extracting(ArtifactRef::id)
                    .containsExactly(SMS);
            assertThat(s.find(ArtifactPattern.anyDomain("*hosts"))).extracting(ArtifactRef::id).containsExactly(HOSTS);
            assertThat(s.find(ArtifactPattern.anyDomain("private/var/m*"))).extracting(ArtifactRef::id)
                    .containsExactly("private/var/mobile", "private/var/mobile/Library",
                            "private/var/mobile/Library/SMS", SMS);
            assertThat(s.find(ArtifactPattern.of("HomeDomain", "Library/SMS/sms.db"))).isEmpty();
            assertThat(s.find(ArtifactPattern.anyDomain("private/var/nothing*"))).isEmpty();
            assertThat(s.deviceInfo().get("Dump Layout")).isEqualTo(layout.label());
            assertThat(s.truncated()).isEmpty();
        }
    }

    @Test
    void leadingFolderIsFoundAndOutsideEntriesIgnored() throws Exception {
        Path tar = sample().writeTar(tmp.resolve("d.tar"), "phone", false);
        try (IosFsSource s = IosFsSource.open(tar)) {
            assertThat(s.rootPrefix()).isEqualTo("phone/");
            assertThat(s.byId("phone")).isEmpty();
            assertThat(s.deviceInfo().get("Dump Root")).isEqualTo("phone/");
        }
        // a folder holding the dump folder
        Path outer = tmp.resolve("outer");
        sample().writeFolder(outer, "phone");
        Files.writeString(outer.resolve("notes.txt"), "analyst notes");
        try (IosFsSource s = IosFsSource.open(outer)) {
            assertThat(s.root()).isEqualTo(outer.resolve("phone"));
            assertThat(s.byId("notes.txt")).isEmpty();
            assertThat(s.byId(SMS)).isPresent();
        }
    }

    @Test
    void tarIsReadInPlaceAndOnlyWhatIsAskedIsExtracted() throws Exception {
        byte[] big = new byte[300_000];
        Arrays.fill(big, (byte) 'x');
        Path tar = sample().file("private/var/mobile/Media/big.bin", big)
                .file("private/var/mobile/Library/TCC/TCC.db", "tcc").writeTar(tmp.resolve("d.tar"), "", false);
        try (IosFsSource s = IosFsSource.open(tar)) {
            assertThat(s.workspace()).isNull();
            Path sms = s.localFile(s.byId(SMS).orElseThrow());
            assertThat(sms).startsWith(s.workspace());
            assertThat(files(s.workspace())).containsExactly(sms);
            assertThat(s.localFile(s.byId(SMS).orElseThrow())).isEqualTo(sms);
            Path tcc = s.localFile(s.byId("private/var/mobile/Library/TCC/TCC.db").orElseThrow());
            assertThat(Files.readString(tcc)).isEqualTo("tcc");
            assertThat(files(s.workspace())).containsExactlyInAnyOrder(sms, tcc);
            assertThat(s.inputFiles()).containsExactly(tar);
            Path ws = s.workspace();
            s.close();
            assertThat(ws).doesNotExist();
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void sqliteSidecarsAreExtractedBesideTheirDatabase(IosFsSource.Layout layout, String leading) throws Exception {
        Path dump = sample().file(SMS + "-wal", "wal bytes").file(SMS + "-shm", "shm bytes")
                .write(tmp, layout, leading);
        try (IosFsSource s = IosFsSource.open(dump)) {
            Path db = s.localFile(s.byId(SMS).orElseThrow());
            assertThat(Files.readString(db.resolveSibling(db.getFileName() + "-wal"))).isEqualTo("wal bytes");
            assertThat(Files.readString(db.resolveSibling(db.getFileName() + "-shm"))).isEqualTo("shm bytes");
        }
    }

    @Test
    void tarGzPrefetchesDeclaredPatternsAndBatchesLaterReads() throws Exception {
        Path gz = sample().file("private/var/a/one.txt", "1").file("private/var/a/two.txt", "2")
                .file("private/var/b.db", "b").file("private/var/b.db-wal", "bw")
                .writeTar(tmp.resolve("d.tgz"), "", true);
        IosFsSource.Options options = new IosFsSource.Options(ArchiveLimits.DEFAULT,
                List.of(ArtifactPattern.anyDomain("private/var/b.db")));
        try (IosFsSource s = IosFsSource.open(gz, options)) {
            // the indexing pass extracted b.db and its WAL
            assertThat(files(s.workspace())).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("b.db", "b.db-wal");
            Path b = s.localFile(s.byId("private/var/b.db").orElseThrow());
            assertThat(Files.readString(b.resolveSibling("b.db-wal"))).isEqualTo("bw");
            assertThat(s.extraPasses()).isZero();
            // a module finds two files and reads them: one more pass extracts both
            List<ArtifactRef> found = s.find(ArtifactPattern.anyDomain("private/var/a/*.txt"));
            assertThat(found).hasSize(2);
            assertThat(Files.readString(s.localFile(found.get(0)))).isEqualTo("1");
            assertThat(Files.readString(s.localFile(found.get(1)))).isEqualTo("2");
            assertThat(s.extraPasses()).isEqualTo(1);
            assertThat(Files.readString(s.localFile(s.byId(HOSTS).orElseThrow()))).startsWith("127.0.0.1");
            assertThat(s.extraPasses()).isEqualTo(2);
            assertThat(files(s.workspace())).hasSize(5);
        }
    }

    @Test
    void truncatedTarGzKeepsWhatWasReadAndSaysSo() throws Exception {
        byte[] noise = new byte[200_000];
        new java.util.Random(7).nextBytes(noise);
        Path full = sample().file("private/var/zz/last.bin", noise).writeTar(tmp.resolve("full.tar.gz"), "", true);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(bytes, bytes.length - 50_000));
        try (IosFsSource s = IosFsSource.open(cut)) {
            assertThat(s.truncated()).hasValueSatisfying(t -> assertThat(t).contains("truncated"));
            assertThat(s.deviceInfo().get("Archive Status")).startsWith("truncated: ");
            assertThat(Files.readString(s.localFile(s.find(ArtifactPattern.anyDomain(SMS)).get(0))))
                    .isEqualTo("sms content");
            assertThatThrownBy(() -> s.find(ArtifactPattern.anyDomain("private/var/wireless/*")))
                    .isInstanceOf(IOException.class).hasMessageContaining("is truncated")
                    .hasMessageContaining("may be in the missing part");
        }
        Path header = Files.write(tmp.resolve("h.tar.gz"), Arrays.copyOf(bytes, 12));
        assertThatThrownBy(() -> IosFsSource.open(header)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("h.tar.gz: not a readable tar.gz archive (the gzip stream is truncated");
    }

    @Test
    void truncatedPlainTarIsIndexedBySeekingAndSaysSo() throws Exception {
        byte[] tar = new TarFixture().dir("private/var/").file("private/var/a.txt", "a")
                .file("private/var/b.bin", new byte[5000]).file("private/var/c.txt", "c").tar();
        // cut inside b.bin's data: a.txt readable, the cut reported at the end of the file
        Path data = Files.write(tmp.resolve("data.tar"), Arrays.copyOf(tar, 512 * 5 + 1000));
        try (IosFsSource s = IosFsSource.open(data)) {
            assertThat(s.truncated()).contains("the archive ends inside an entry's data at offset 3560 (after 3"
                    + " entries)");
            assertThat(Files.readString(s.localFile(s.byId("private/var/a.txt").orElseThrow()))).isEqualTo("a");
            assertThatThrownBy(() -> s.localFile(s.byId("private/var/b.bin").orElseThrow()))
                    .isInstanceOf(IOException.class).hasMessageContaining("extends past the end of the archive");
        }
        // cut inside c.txt's header
        Path header = Files.write(tmp.resolve("header.tar"), Arrays.copyOf(tar, 512 * 14 + 100));
        try (IosFsSource s = IosFsSource.open(header)) {
            assertThat(s.truncated()).contains("the archive ends inside a header at offset 7168 (after 3 entries)");
            assertThat(s.byId("private/var/b.bin")).isPresent();
        }
    }

    @Test
    void claimedTenGigabyteEntryIsTruncationNotAnAllocation() throws Exception {
        byte[] tar = new TarFixture().file("private/var/ok.txt", "ok")
                .claimed("private/var/huge.bin", 10_000_000_000L, new byte[4096]).tarWithoutEnd();
        Path gz = Files.write(tmp.resolve("c.tar.gz"), TarFixture.gzip(tar));
        try (IosFsSource s = IosFsSource.open(gz)) {
            assertThat(s.truncated()).contains("the archive ends inside an entry's data at offset 5632"
                    + " (after 2 entries)");
            ArtifactRef huge = s.byId("private/var/huge.bin").orElseThrow();
            assertThat(huge.meta().size()).isEqualTo(10_000_000_000L);
            assertThatThrownBy(() -> s.localFile(huge)).isInstanceOf(IOException.class)
                    .hasMessageContaining("huge.bin is 10000000000 bytes, over the 536870912-byte limit");
            assertThat(s.workspace()).isNull();
            assertThat(Files.readString(s.localFile(s.byId("private/var/ok.txt").orElseThrow()))).isEqualTo("ok");
        }
    }

    /**
     * A gzip of about 1 MB that inflates to 1.1 GB of zeros inside one tar entry: the entry is
     * listed, refused by the per-entry limit, and nothing near its size is written.
     */
    @Test
    void highlyCompressedGigabyteEntryIsBoundedAndReported() throws Exception {
        long size = 1_025L * 1024 * 1024;
        Path gz = zeroBomb(tmp.resolve("bomb.tar.gz"), "private/var/mobile/bomb.bin", size);
        assertThat(Files.size(gz)).isLessThan(4L << 20);
        try (IosFsSource s = IosFsSource.open(gz)) {
            assertThat(s.truncated()).isEmpty();
            ArtifactRef bomb = s.byId("private/var/mobile/bomb.bin").orElseThrow();
            assertThat(bomb.meta().size()).isEqualTo(size);
            // indexed past it (the entries after it are listed) without writing it anywhere
            assertThat(s.byId("private/var/after.txt")).isPresent();
            assertThatThrownBy(() -> s.localFile(bomb)).isInstanceOf(IOException.class)
                    .hasMessageContaining("bomb.bin is " + size + " bytes, over the 536870912-byte limit for one"
                            + " entry; not extracted");
            assertThat(s.workspace()).isNull();
        }
    }

    @Test
    void totalExtractionLimitRefusesWhatWouldPassIt() throws Exception {
        Path tar = sample().file("private/var/a.bin", new byte[600_000]).file("private/var/b.bin", new byte[600_000])
                .writeTar(tmp.resolve("t.tar"), "", false);
        ArchiveLimits tight = new ArchiveLimits(1 << 20, 1_000_000, 1000);
        try (IosFsSource s = IosFsSource.open(tar, new IosFsSource.Options(tight, List.of()))) {
            assertThat(Files.size(s.localFile(s.byId("private/var/a.bin").orElseThrow()))).isEqualTo(600_000);
            assertThatThrownBy(() -> s.localFile(s.byId("private/var/b.bin").orElseThrow()))
                    .isInstanceOf(IOException.class).hasMessageContaining("would exceed the 1000000-byte limit");
            assertThat(files(s.workspace())).hasSize(1);
        }
    }

    /** A tar.gz of: private/var/, one entry of {@code size} zeros, then a small file; gzip members concatenated. */
    private static Path zeroBomb(Path file, String name, long size) throws IOException {
        byte[] zeros64m = gzip(new byte[64 << 20]);
        try (OutputStream out = Files.newOutputStream(file)) {
            TarFixture head = new TarFixture().dir("private/var/");
            byte[] headTar = head.tarWithoutEnd();
            byte[] bombHeader = new TarFixture().claimed(name, size, new byte[0]).tarWithoutEnd();
            out.write(gzip(concat(headTar, bombHeader)));
            long chunks = size / (64 << 20);
            for (long i = 0; i < chunks; i++) {
                out.write(zeros64m);
            }
            long rest = size % (64 << 20);
            byte[] tail = new TarFixture().file("private/var/after.txt", "after").tar();
            out.write(gzip(concat(new byte[(int) (rest + (512 - rest % 512) % 512)], tail)));
        }
        return file;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            g.write(data);
        }
        return bo.toByteArray();
    }

    @Test
    void unsafeNamesAreSkippedAndLinksNeverFollowed() throws Exception {
        Path gz = new TarFixture()
                .dir("private/var/")
                .file("private/var/ok.txt", "ok")
                .file("../escape.txt", "escape")
                .file("/etc/vigil-absolute-evil.txt", "absolute")
                .file("private/var/../../up.txt", "up")
                .symlink("private/var/evil", "/etc/passwd")
                .symlink("private/var/rel", "../../../../etc")
                .file("private/var/evil", "a file after the link")
                .charDevice("private/var/dev")
                .writeTarGz(tmp.resolve("evil.tar.gz"));
        try (IosFsSource s = IosFsSource.open(gz)) {
            assertThat(s.skippedEntries()).isEqualTo(4);
            assertThat(ids(s)).containsExactly("private", "private/var", "private/var/evil", "private/var/ok.txt",
                    "private/var/rel");
            // the later regular file replaces the link (tar semantics); it is extracted under Vigil's name
            Path evil = s.localFile(s.byId("private/var/evil").orElseThrow());
            assertThat(Files.isSymbolicLink(evil)).isFalse();
            assertThat(evil).startsWith(s.workspace());
            assertThat(Files.readString(evil)).isEqualTo("a file after the link");
            ArtifactRef rel = s.byId("private/var/rel").orElseThrow();
            assertThat(rel.meta().isSymlink()).isTrue();
            assertThatThrownBy(() -> s.localFile(rel)).isInstanceOf(IOException.class)
                    .hasMessageContaining("not followed");
        }
        assertThat(tmp.getParent().resolve("escape.txt")).doesNotExist();
        assertThat(tmp.resolve("escape.txt")).doesNotExist();
        assertThat(tmp.getParent().resolve("up.txt")).doesNotExist();
        assertThat(Path.of("/etc/vigil-absolute-evil.txt")).doesNotExist();
    }

    @Test
    void folderSymlinkPointingOutsideIsListedNotFollowed() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "outside");
        Path dump = sample().symlink("private/var/mobile/out.db", secret.toString()).writeFolder(tmp.resolve("d"), "");
        try (IosFsSource s = IosFsSource.open(dump)) {
            ArtifactRef out = s.byId("private/var/mobile/out.db").orElseThrow();
            assertThat(out.meta().isSymlink()).isTrue();
            assertThat(s.hasContent(out)).isFalse();
            assertThatThrownBy(() -> s.localFile(out)).isInstanceOf(IOException.class);
            assertThat(s.inputFiles()).doesNotContain(dump.resolve("private/var/mobile/out.db"));
        }
    }

    @Test
    void nonUtf8NamesAreListedWithReplacementCharacters() throws Exception {
        byte[] name = "private/var/mobile/caf".getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = Arrays.copyOf(name, name.length + 5);
        System.arraycopy(new byte[] {(byte) 0xe9, '.', 'l', 'o', 'g'}, 0, latin1, name.length, 5);
        Path gz = new TarFixture().dir("private/var/").rawName(latin1, "data".getBytes(StandardCharsets.UTF_8))
                .file("private/var/mobile/caf\u00e9.txt", "utf8").writeTarGz(tmp.resolve("n.tar.gz"));
        try (IosFsSource s = IosFsSource.open(gz)) {
            assertThat(ids(s)).contains("private/var/mobile/caf\ufffd.log", "private/var/mobile/caf\u00e9.txt");
            Path local = s.localFile(s.byId("private/var/mobile/caf\ufffd.log").orElseThrow());
            assertThat(local.getFileName().toString()).isEqualTo("caf_.log");
            assertThat(Files.readString(local)).isEqualTo("data");
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void evidenceIsUnchanged(IosFsSource.Layout layout, String leading) throws Exception {
        Path dump = sample().file(SMS + "-wal", "wal").write(tmp, layout, leading);
        Map<Path, String> before = hashes(dump);
        try (IosFsSource s = IosFsSource.open(dump)) {
            s.localFile(s.byId(SMS).orElseThrow());
            s.forEachEntry(r -> { });
        }
        assertThat(hashes(dump)).isEqualTo(before);
    }

    private static Map<Path, String> hashes(Path p) throws IOException {
        Map<Path, String> h = new TreeMap<>();
        if (Files.isDirectory(p)) {
            try (Stream<Path> w = Files.walk(p)) {
                for (Path f : (Iterable<Path>) w.filter(Files::isRegularFile)::iterator) {
                    h.put(f, Hashing.sha256Hex(f) + Files.getLastModifiedTime(f));
                }
            }
        } else {
            h.put(p, Hashing.sha256Hex(p) + Files.getLastModifiedTime(p));
        }
        return h;
    }

    @Test
    void detectionFindsDumpsAndLeavesOtherAcquisitionsAlone() throws Exception {
        SourceDetector detector = SourceDetector.standard();
        for (IosFsSource.Layout l : IosFsSource.Layout.values()) {
            Path d = sample().write(tmp.resolve(l.name()), l, "");
            assertThat(detector.detect(d)).as(l.name()).isEqualTo(SourceKind.IOS_FS);
            Path lead = sample().write(tmp.resolve(l.name() + "-lead"), l, "phone");
            assertThat(detector.detect(lead)).as(l.name() + " with a leading folder").isEqualTo(SourceKind.IOS_FS);
        }
        // a sysdiagnose archive is not a dump
        Path sysdiagnose = new TarFixture().file("sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329/ps.txt",
                "PID").writeTarGz(tmp.resolve("sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329.tar.gz"));
        assertThat(detector.detect(sysdiagnose)).isEqualTo(SourceKind.IOS_SYSDIAGNOSE);
        assertThat(new IosFsProbe().detect(sysdiagnose)).isEmpty();
        // a folder without private/var, a text file
        Path plain = Files.createDirectories(tmp.resolve("plain/private/etc"));
        assertThat(new IosFsProbe().detect(plain.getParent().getParent())).isEmpty();
        Path text = Files.writeString(tmp.resolve("notes.tar"), "not an archive");
        assertThat(new IosFsProbe().detect(text)).isEmpty();
        assertThatThrownBy(() -> IosFsSource.open(plain.getParent().getParent()))
                .isInstanceOf(UnrecognisedSourceException.class)
                .hasMessageContaining("does not appear to be an iOS filesystem dump");
        assertThatThrownBy(() -> IosFsSource.open(text)).isInstanceOf(UnrecognisedSourceException.class);
        Path noDump = new TarFixture().file("etc/hosts", "x").writeTarGz(tmp.resolve("other.tar.gz"));
        assertThatThrownBy(() -> IosFsSource.open(noDump)).isInstanceOf(UnrecognisedSourceException.class)
                .hasMessageContaining("expected private/var at its top or under its only top-level folder");
    }

    @Test
    void openAtTakesTheTopAsRootAndFindsBackupFileIds() throws Exception {
        String id = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";
        Path folder = Files.createDirectories(tmp.resolve("backup/3d"));
        Files.writeString(folder.resolve(id), "db");
        try (IosFsSource s = IosFsSource.openAt(tmp.resolve("backup"), IosFsSource.Options.DEFAULT)) {
            assertThat(ids(s)).containsExactly("3d", "3d/" + id);
            assertThat(s.byId(id)).map(ArtifactRef::id).contains("3d/" + id);
        }
    }

    @Test
    void hardLinksReadTheirTargetAndDuplicatesKeepTheLast() throws Exception {
        Path tar = new TarFixture().dir("private/var/").file("private/var/a.txt", "first")
                .file("private/var/a.txt", "second").hardlink("private/var/b.txt", "private/var/a.txt")
                .hardlink("private/var/c.txt", "/etc/shadow").writeTarGz(tmp.resolve("h.tar.gz"));
        try (IosFsSource s = IosFsSource.open(tar)) {
            assertThat(Files.readString(s.localFile(s.byId("private/var/a.txt").orElseThrow()))).isEqualTo("second");
            assertThat(Files.readString(s.localFile(s.byId("private/var/b.txt").orElseThrow()))).isEqualTo("second");
            ArtifactRef c = s.byId("private/var/c.txt").orElseThrow();
            assertThat(s.hasContent(c)).isFalse();
            assertThatThrownBy(() -> s.localFile(c)).isInstanceOf(IOException.class)
                    .hasMessageContaining("hard link whose target is not in the archive");
        }
    }

    @Test
    void corruptArchivesAreRefusedWithTheReason() throws Exception {
        Path zip = Files.write(tmp.resolve("bad.zip"), "PK\u0003\u0004 not really a zip".getBytes(
                StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> IosFsSource.open(zip)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("bad.zip: not a readable zip archive");
        Path gz = Files.write(tmp.resolve("bad.tar.gz"), TarFixture.gzip("garbage that is no tar".getBytes(
                StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> IosFsSource.open(gz)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("not a readable tar.gz archive (the archive ends inside a header at offset 0");
    }

    @Test
    void entryLimitStopsTheIndexAndSaysSo() throws Exception {
        Path tar = sample().writeTar(tmp.resolve("d.tar"), "", false);
        try (IosFsSource s = IosFsSource.open(tar, new IosFsSource.Options(new ArchiveLimits(1 << 20, 1 << 20, 3),
                List.of()))) {
            assertThat(s.truncated()).contains("more than 3 entries; the rest is not indexed");
        }
    }
}
