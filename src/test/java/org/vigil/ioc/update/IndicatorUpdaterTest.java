package org.vigil.ioc.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.ioc.update.IndicatorStore.StoredEntry;
import org.vigil.ioc.update.UpdateResult.EntryResult;
import org.vigil.ioc.update.UpdateResult.Status;

class IndicatorUpdaterTest {
    static final long NOW = 1_795_000_000L;
    static final String BUNDLE = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
            + "{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"Test\"},"
            + "{\"type\":\"indicator\",\"id\":\"indicator--1\","
            + "\"pattern\":\"[domain-name:value = 'evil.example']\"}]}";
    static final String BUNDLE2 = BUNDLE.replace("evil.example", "bad.example");

    @TempDir
    Path tmp;

    LocalServer server;
    IndicatorStore store;
    Path dir;
    Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    @BeforeEach
    void setUp() throws IOException {
        server = new LocalServer();
        store = new IndicatorStore(tmp.resolve("data"));
        dir = store.indicatorsDirectory();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private String entry(String name, String path) {
        return "  - type: url\n    name: " + name + "\n    download_url: " + server.url(path) + "\n";
    }

    /** The expected file name: scheme stripped, ':' and '/' replaced (paths here end .stix2). */
    private String fileOf(String path) {
        return "127.0.0.1_" + server.url(path).substring("http://127.0.0.1:".length())
                .replace(':', '_').replace('/', '_');
    }

    private IndicatorUpdater updater() {
        return new IndicatorUpdater(store, clock);
    }

    private List<String> filesInDir() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void savesValidFilesAndReportsFailuresKeepingPreviousFiles() throws Exception {
        server.serve("/index.yaml", 200, "indicators:\n" + entry("Good", "/good.stix2")
                        + entry("Missing", "/missing.stix2") + entry("Html", "/html.stix2")
                        + entry("NoObjects", "/noobjects.stix2"))
                .serve("/good.stix2", 200, BUNDLE)
                .serve("/html.stix2", 200, "<html>Service unavailable</html>")
                .serve("/noobjects.stix2", 200, "{\"type\":\"bundle\",\"objects\":{}}");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(fileOf("/html.stix2")), "PREVIOUS");
        Files.writeString(dir.resolve(fileOf("/missing.stix2")), BUNDLE2);

        UpdateResult r = updater().update(server.url("/index.yaml"));

        assertThat(r.entries()).extracting(EntryResult::name, EntryResult::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Good", Status.UPDATED),
                        org.assertj.core.groups.Tuple.tuple("Missing", Status.FAILED),
                        org.assertj.core.groups.Tuple.tuple("Html", Status.FAILED),
                        org.assertj.core.groups.Tuple.tuple("NoObjects", Status.FAILED));
        EntryResult good = r.entries().get(0);
        assertThat(good.sha256()).isEqualTo(sha256(BUNDLE));
        assertThat(good.size()).isEqualTo(BUNDLE.length());
        assertThat(good.fileName()).isEqualTo(fileOf("/good.stix2"));
        assertThat(good.url()).isEqualTo(server.url("/good.stix2"));
        assertThat(r.entries().get(1).reason()).isEqualTo("HTTP status 404");
        assertThat(r.entries().get(2).reason()).startsWith("not valid JSON: Unexpected character ('<'");
        assertThat(r.entries().get(3).reason()).isEqualTo("no 'objects' array (not a STIX bundle)");
        assertThat(r.allSucceeded()).isFalse();
        assertThat(r.count(Status.FAILED)).isEqualTo(3);
        assertThat(r.updatedAt()).contains(Instant.ofEpochSecond(NOW));
        assertThat(r.directory()).isEqualTo(dir);

        assertThat(Files.readString(dir.resolve(fileOf("/good.stix2")))).isEqualTo(BUNDLE);
        assertThat(Files.readString(dir.resolve(fileOf("/html.stix2")))).isEqualTo("PREVIOUS");
        assertThat(Files.readString(dir.resolve(fileOf("/missing.stix2")))).isEqualTo(BUNDLE2);
        assertThat(filesInDir()).containsExactlyInAnyOrder("index.json", fileOf("/good.stix2"),
                fileOf("/html.stix2"), fileOf("/missing.stix2"));
        assertThat(Files.readString(store.lastUpdateFile())).isEqualTo(Long.toString(NOW));
        assertThat(store.lastUpdate()).contains(Instant.ofEpochSecond(NOW));
        assertThat(store.entries()).containsExactly(Map.entry("Good", new StoredEntry(
                fileOf("/good.stix2"), server.url("/good.stix2"), sha256(BUNDLE), NOW)));
        JsonNode json = new ObjectMapper().readTree(store.indexFile().toFile());
        assertThat(json.at("/entries/Good/downloaded_at").asLong()).isEqualTo(NOW);
        assertThat(store.nameOfFile(fileOf("/good.stix2"))).contains("Good");
        assertThat(Files.list(store.dataDirectory()).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("indicators", "latest_indicators_update");
    }

    @Test
    void sameContentIsUnchangedAndChangedContentIsReplaced() throws Exception {
        server.serve("/index.yaml", 200, "indicators:\n" + entry("A", "/a.stix2"))
                .serve("/a.stix2", 200, BUNDLE);
        assertThat(updater().update(server.url("/index.yaml")).entries().get(0).status())
                .isEqualTo(Status.UPDATED);

        UpdateResult again = updater().update(server.url("/index.yaml"));
        assertThat(again.entries().get(0).status()).isEqualTo(Status.UNCHANGED);
        assertThat(again.allSucceeded()).isTrue();

        server.serve("/a.stix2", 200, BUNDLE2);
        UpdateResult third = updater().update(server.url("/index.yaml"));
        assertThat(third.entries().get(0).status()).isEqualTo(Status.UPDATED);
        assertThat(third.entries().get(0).sha256()).isEqualTo(sha256(BUNDLE2));
        assertThat(Files.readString(dir.resolve(fileOf("/a.stix2")))).isEqualTo(BUNDLE2);
        assertThat(filesInDir()).containsExactly(fileOf("/a.stix2"), "index.json");
    }

    @Test
    void indexMayBeALocalFile() throws Exception {
        server.serve("/a.stix2", 200, BUNDLE);
        Path index = tmp.resolve("my-index.yaml");
        Files.writeString(index, "indicators:\n" + entry("A", "/a.stix2"));

        UpdateResult r = updater().update(index.toString());

        assertThat(r.index()).isEqualTo(index.toString());
        assertThat(r.entries()).extracting(EntryResult::status).containsExactly(Status.UPDATED);
        assertThat(server.requests).containsExactly("/a.stix2");
        assertThat(Files.readString(dir.resolve(fileOf("/a.stix2")))).isEqualTo(BUNDLE);
    }

    @Test
    void redirectsAreFollowed() throws Exception {
        server.serve("/index.yaml", 200, "indicators:\n" + entry("A", "/moved.stix2"))
                .redirect("/moved.stix2", server.url("/real.stix2"))
                .serve("/real.stix2", 200, BUNDLE);

        UpdateResult r = updater().update(server.url("/index.yaml"));

        assertThat(r.entries().get(0).status()).isEqualTo(Status.UPDATED);
        assertThat(Files.readString(dir.resolve(fileOf("/moved.stix2")))).isEqualTo(BUNDLE);
        assertThat(server.requests).containsExactly("/index.yaml", "/moved.stix2", "/real.stix2");
    }

    @Test
    void filesOverTheSizeCapAreRefused() throws Exception {
        String big = BUNDLE.replace("Test", "x".repeat(500));
        server.serve("/index.yaml", 200, "indicators:\n" + entry("Declared", "/declared.stix2")
                        + entry("Chunked", "/chunked.stix2") + entry("Small", "/small.stix2"))
                .serve("/declared.stix2", 200, big)
                .serve("/chunked.stix2", new LocalServer.Answer(200,
                        big.getBytes(StandardCharsets.UTF_8), Map.of(), true))
                .serve("/small.stix2", 200, BUNDLE);
        IndicatorUpdater capped = new IndicatorUpdater(store, clock, Duration.ofSeconds(30),
                Duration.ofMinutes(2), 300);

        UpdateResult r = capped.update(server.url("/index.yaml"));

        assertThat(r.entries()).extracting(EntryResult::status)
                .containsExactly(Status.FAILED, Status.FAILED, Status.UPDATED);
        assertThat(r.entries().get(0).reason()).isEqualTo("larger than the limit of 300 bytes ("
                + big.length() + " declared)");
        assertThat(r.entries().get(1).reason()).isEqualTo("larger than the limit of 300 bytes");
        assertThat(filesInDir()).containsExactly(fileOf("/small.stix2"), "index.json");
    }

    @Test
    void nothingRecordedWhenEveryEntryFails() throws Exception {
        server.serve("/index.yaml", 200, "indicators:\n" + entry("Gone", "/gone.stix2")
                + "  - type: github\n    name: Broken\n    github: {owner: o}\n");

        UpdateResult r = updater().update(server.url("/index.yaml"));

        assertThat(r.entries()).extracting(EntryResult::name, EntryResult::status,
                        EntryResult::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Gone", Status.FAILED,
                                "HTTP status 404"),
                        org.assertj.core.groups.Tuple.tuple("Broken", Status.FAILED,
                                "github.repo is missing"));
        assertThat(r.updatedAt()).isEmpty();
        assertThat(Files.exists(store.lastUpdateFile())).isFalse();
        assertThat(store.lastUpdate()).isEmpty();
        assertThat(filesInDir()).isEmpty();
    }

    @Test
    void duplicateUrlsAreDownloadedOnce() throws Exception {
        server.serve("/index.yaml", 200, "indicators:\n" + entry("First", "/a.stix2")
                        + entry("Second", "/a.stix2"))
                .serve("/a.stix2", 200, BUNDLE);

        UpdateResult r = updater().update(server.url("/index.yaml"));

        assertThat(r.entries()).extracting(EntryResult::status, EntryResult::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Status.UPDATED, ""),
                        org.assertj.core.groups.Tuple.tuple(Status.UNCHANGED,
                                "same URL as 'First'"));
        assertThat(server.requests).containsExactly("/index.yaml", "/a.stix2");
        assertThat(store.entries().keySet()).containsExactly("First", "Second");
    }

    @Test
    void entriesOfEarlierUpdatesAreKeptWhileTheirFilesExist() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("old.stix2"), BUNDLE2);
        store.writeEntries(Map.of(
                "Old", new StoredEntry("old.stix2", "https://x.example/old.stix2", "aa", 5),
                "Deleted", new StoredEntry("deleted.stix2", "https://x.example/d.stix2", "bb", 6)));
        server.serve("/index.yaml", 200, "indicators:\n" + entry("New", "/new.stix2"))
                .serve("/new.stix2", 200, BUNDLE);

        updater().update(server.url("/index.yaml"));

        assertThat(store.entries().keySet()).containsExactly("New", "Old");
        assertThat(store.entries().get("Old").downloadedAt()).isEqualTo(5);
    }

    @Test
    void unreadableIndexIsAnErrorAndChangesNothing() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("keep.stix2"), BUNDLE);

        assertThatThrownBy(() -> updater().update(server.url("/none.yaml")))
                .isInstanceOf(IndicatorUpdateException.class)
                .hasMessage("Cannot download the indicator index " + server.url("/none.yaml")
                        + ": HTTP status 404");
        server.serve("/bad.yaml", 200, "just: text\n");
        assertThatThrownBy(() -> updater().update(server.url("/bad.yaml")))
                .isInstanceOf(IndicatorUpdateException.class)
                .hasMessage("Invalid indicator index " + server.url("/bad.yaml")
                        + ": no 'indicators' list");
        Path missing = tmp.resolve("missing.yaml");
        assertThatThrownBy(() -> updater().update(missing.toString()))
                .isInstanceOf(IndicatorUpdateException.class)
                .hasMessage("No indicator index file at " + missing);
        assertThatThrownBy(() -> updater().update("ftp://example.org/index.yaml"))
                .isInstanceOf(IndicatorUpdateException.class)
                .hasMessage("Unsupported index location ftp://example.org/index.yaml "
                        + "(give an http(s) URL or a file path)");

        assertThat(filesInDir()).containsExactly("keep.stix2");
        assertThat(Files.exists(store.lastUpdateFile())).isFalse();
    }

    @Test
    void stixValidation() throws Exception {
        Path f = tmp.resolve("f.json");
        Files.writeString(f, BUNDLE);
        assertThat(IndicatorUpdater.stixProblem(f)).isNull();
        Files.writeString(f, "[1,2]");
        assertThat(IndicatorUpdater.stixProblem(f)).isEqualTo("not a JSON object (not a STIX bundle)");
        Files.writeString(f, BUNDLE + " trailing");
        assertThat(IndicatorUpdater.stixProblem(f)).startsWith("not valid JSON: ");
        Files.writeString(f, BUNDLE.substring(0, 40));
        assertThat(IndicatorUpdater.stixProblem(f)).startsWith("not valid JSON: ");
        Files.writeString(f, "{\"objects\": [], \"extra\": {\"objects\": 1}}");
        assertThat(IndicatorUpdater.stixProblem(f)).isNull();
        Files.writeString(f, "{\"inner\": {\"objects\": []}}");
        assertThat(IndicatorUpdater.stixProblem(f)).isEqualTo("no 'objects' array (not a STIX bundle)");
        Files.writeString(f, "");
        assertThat(IndicatorUpdater.stixProblem(f)).isEqualTo("not a JSON object (not a STIX bundle)");
    }
}
