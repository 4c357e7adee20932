package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.source.SourceKind;

class IntrusionLogSourceTest {
    @TempDir
    Path tmp;

    private static final String DNS = "{\"dns_event\": {\"event_time\": 1000, \"hostname\": \"a.example\"}}";
    private static final String DNS_REORDERED = "{\"dns_event\": {\"hostname\": \"a.example\", \"event_time\": 1000}}";
    private static final String CONNECT = "{\"connect_event\": {\"event_time\": 2000, \"ip_address\": \"/1.2.3.4\"}}";
    private static final String FUTURE = "{\"future_event\": {\"x\": 1}}";

    private static Path write(Path f, String... lines) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private static Path zip(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream o = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(o)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return file;
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> a) {
        return a.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        ((Logger) LoggerFactory.getLogger(IntrusionLogSource.class)).addAppender(a);
        return a;
    }

    private static void release(ListAppender<ILoggingEvent> a) {
        ((Logger) LoggerFactory.getLogger(IntrusionLogSource.class)).detachAppender(a);
    }

    @Test
    void folderIsReadRecursivelyDedupedAcrossFilesAndMalformedLinesCounted() throws Exception {
        Path root = tmp.resolve("intrusion_logs");
        write(root.resolve("2025/a.txt"), DNS, "", "not json", CONNECT, "[1, 2]", "{\"dns_event\": 5}");
        write(root.resolve("b.txt"), DNS_REORDERED, FUTURE, "{\"dns_event\": {\"event_time\": 3000, \"hostname\": \"b\"}}");
        write(root.resolve("ignored.json"), DNS);
        ListAppender<ILoggingEvent> logs = capture();
        try (IntrusionLogSource s = IntrusionLogSource.open(root)) {
            assertThat(s.kind()).isEqualTo(SourceKind.ANDROID_INTRUSION_LOGS);
            assertThat(s.events("dns_event")).extracting(n -> n.get("event_time").asLong()).containsExactly(1000L,
                    3000L);
            assertThat(s.events("connect_event")).hasSize(1);
            assertThat(s.events("security_event")).isEmpty();
            assertThat(s.eventTypes()).containsExactly("dns_event", "connect_event", "future_event");
            assertThat(s.unknownTypes()).containsExactly("future_event");
            assertThat(s.malformedLines()).isEqualTo(Map.of("2025/a.txt", 3));
            assertThat(s.malformedLineCount()).isEqualTo(3);
            assertThat(s.inputFiles()).containsExactly(root.resolve("2025/a.txt"), root.resolve("b.txt"));
            assertThat(s.deviceInfo().get(IntrusionLogSource.DEVICE_TIMEZONE)).isEqualTo("UTC");
            assertThat(warnings(logs)).containsExactly("2025/a.txt: 3 malformed intrusion log line(s) skipped",
                    "Found unknown intrusion logging event type(s): future_event. Please open an issue on GitHub so "
                            + "support can be added for them.");
        } finally {
            release(logs);
        }
    }

    @Test
    void zipIsReadInPlaceAndEscapingEntriesAreRefused() throws Exception {
        Path z = zip(tmp.resolve("logs.zip"), new java.util.LinkedHashMap<>(Map.of(
                "intrusion_logs/a.txt", DNS + "\n" + CONNECT + "\n",
                "intrusion_logs/../escape.txt", "{\"dns_event\": {\"hostname\": \"escaped\"}}\n",
                "/abs.txt", "{\"dns_event\": {\"hostname\": \"absolute\"}}\n")));
        ListAppender<ILoggingEvent> logs = capture();
        try (IntrusionLogSource s = IntrusionLogSource.open(z)) {
            assertThat(s.events("dns_event")).extracting(n -> n.get("hostname").asText()).containsExactly("a.example");
            assertThat(s.events("connect_event")).hasSize(1);
            List<String> names = new java.util.ArrayList<>();
            s.forEachEntry(r -> names.add(r.id()));
            assertThat(names).containsExactly("intrusion_logs/a.txt");
            assertThat(warnings(logs)).contains(z + ": skipping unsafe intrusion log archive entry "
                    + "\"intrusion_logs/../escape.txt\"", z + ": skipping unsafe intrusion log archive entry \"/abs.txt\"");
        } finally {
            release(logs);
        }
        assertThat(Files.exists(tmp.resolve("escape.txt"))).isFalse();
    }

    private static byte[] zipBytes(Map<String, byte[]> entries) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    @Test
    void nestedZipsAreWalkedInPlaceWithTheSameChecks() throws Exception {
        byte[] innermost = zipBytes(new java.util.LinkedHashMap<>(Map.of(
                "c.txt", (CONNECT + "\n").getBytes(StandardCharsets.UTF_8))));
        byte[] inner = zipBytes(new java.util.LinkedHashMap<>(Map.of(
                "b.txt", (DNS + "\nbroken\n").getBytes(StandardCharsets.UTF_8),
                "../evil.txt", FUTURE.getBytes(StandardCharsets.UTF_8),
                "deeper.zip", innermost)));
        Path root = tmp.resolve("logs");
        Files.createDirectories(root);
        Files.write(root.resolve("day1.zip"), inner);
        try (IntrusionLogSource s = IntrusionLogSource.open(root)) {
            assertThat(s.events("dns_event")).hasSize(1);
            assertThat(s.events("connect_event")).hasSize(1);
            assertThat(s.eventTypes()).doesNotContain("future_event");
            assertThat(s.malformedLines()).isEqualTo(Map.of("day1.zip!/b.txt", 1));
            List<String> names = new java.util.ArrayList<>();
            s.forEachEntry(r -> names.add(r.id()));
            assertThat(names).containsExactlyInAnyOrder("day1.zip!/b.txt", "day1.zip!/deeper.zip!/c.txt");
        }
        Path z = zip(tmp.resolve("outer.zip"), Map.of("x.txt", "\n"));
        Files.write(z, zipBytes(Map.of("nested/day1.zip", inner)));
        try (IntrusionLogSource s = IntrusionLogSource.open(z)) {
            assertThat(s.events("dns_event")).hasSize(1);
            assertThat(s.events("connect_event")).hasSize(1);
        }
    }

    @Test
    void nestedEntryBeyondTheCapIsRefused() throws Exception {
        byte[] inner = zipBytes(Map.of("big.txt", new byte[10_000]));
        Path root = tmp.resolve("logs");
        Files.createDirectories(root);
        Files.write(root.resolve("n.zip"), inner);
        assertThatThrownBy(() -> IntrusionLogSource.open(root, 5_000, 1_000_000)).isInstanceOf(IOException.class)
                .hasMessage("n.zip!/big.txt: larger than 5000 bytes; refused");
    }

    @Test
    void oversizedFileIsRefusedNamingIt() throws Exception {
        Path root = tmp.resolve("logs");
        write(root.resolve("big.txt"), DNS, DNS, DNS);
        assertThatThrownBy(() -> IntrusionLogSource.open(root, 50, 1000)).isInstanceOf(IOException.class)
                .hasMessage("big.txt: larger than 50 bytes; refused");
    }

    @Test
    void missingPathAndNonZipFile() throws Exception {
        assertThatThrownBy(() -> IntrusionLogSource.open(tmp.resolve("none")))
                .isInstanceOf(ArtifactNotFoundException.class);
        Path junk = write(tmp.resolve("junk.bin"), "hello");
        assertThatThrownBy(() -> IntrusionLogSource.open(junk)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("junk.bin: not a folder nor a readable zip archive");
    }

    @Test
    void probeRecognisesFoldersAndZipsOfIntrusionLogsOnly() throws Exception {
        IntrusionLogProbe probe = new IntrusionLogProbe();
        Path root = tmp.resolve("logs");
        write(root.resolve("sub/a.txt"), "", CONNECT);
        assertThat(probe.detect(root)).isEqualTo(Optional.of(SourceKind.ANDROID_INTRUSION_LOGS));
        Path other = tmp.resolve("other");
        write(other.resolve("notes.txt"), "{\"something\": {}}");
        assertThat(probe.detect(other)).isEmpty();
        Path qf = tmp.resolve("qf");
        write(qf.resolve("getprop.txt"), "[a]: [b]");
        write(qf.resolve("intrusion_logs/a.txt"), DNS);
        assertThat(probe.detect(qf)).isEmpty();
        Path z = zip(tmp.resolve("l.zip"), Map.of("x/a.txt", DNS + "\n"));
        assertThat(probe.detect(z)).isEqualTo(Optional.of(SourceKind.ANDROID_INTRUSION_LOGS));
        Path slip = zip(tmp.resolve("s.zip"), Map.of("../a.txt", DNS + "\n"));
        assertThat(probe.detect(slip)).isEmpty();
        try (var s = probe.open(z, SourceKind.ANDROID_INTRUSION_LOGS)) {
            assertThat(((IntrusionLogSource) s).events("dns_event")).hasSize(1);
        }
    }
}
