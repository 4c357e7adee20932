package org.vigil.ioc.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.ioc.update.IndicatorStore.StoredEntry;

class IndicatorStoreTest {
    @TempDir
    Path tmp;

    @Test
    void layoutInsideTheDataDirectory() {
        IndicatorStore store = new IndicatorStore(tmp);
        assertThat(store.indicatorsDirectory()).isEqualTo(tmp.resolve("indicators"));
        assertThat(store.indexFile()).isEqualTo(tmp.resolve("indicators/index.json"));
        assertThat(store.lastUpdateFile()).isEqualTo(tmp.resolve("latest_indicators_update"));
    }

    @Test
    void lastUpdateReadsUnixSecondsAndToleratesJunk() throws Exception {
        IndicatorStore store = new IndicatorStore(tmp);
        assertThat(store.lastUpdate()).isEmpty();
        Files.writeString(store.lastUpdateFile(), "1700000000\n");
        assertThat(store.lastUpdate()).contains(Instant.ofEpochSecond(1_700_000_000L));
        Files.writeString(store.lastUpdateFile(), "1700000000.75");
        assertThat(store.lastUpdate()).contains(Instant.ofEpochSecond(1_700_000_000L));
        Files.writeString(store.lastUpdateFile(), "yesterday");
        assertThat(store.lastUpdate()).isEmpty();
    }

    @Test
    void entriesRoundTripSortedByName() throws Exception {
        IndicatorStore store = new IndicatorStore(tmp);
        assertThat(store.entries()).isEmpty();
        StoredEntry b = new StoredEntry("b.stix2", "https://h/b", "bb", 2);
        StoredEntry a = new StoredEntry("a.stix2", "https://h/a", "aa", 1);
        store.writeEntries(Map.of("B", b, "A", a));

        assertThat(store.entries()).containsExactly(Map.entry("A", a), Map.entry("B", b));
        assertThat(store.nameOfFile("b.stix2")).contains("B");
        assertThat(store.nameOfFile("c.stix2")).isEmpty();
        assertThat(Files.readString(store.indexFile())).startsWith("{\n  \"entries\" : {\n"
                + "    \"A\" : {\n      \"file\" : \"a.stix2\",");
        try (var s = Files.list(store.indicatorsDirectory())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("index.json");
        }
    }

    @Test
    void invalidIndexGivesNoEntries() throws Exception {
        IndicatorStore store = new IndicatorStore(tmp);
        Files.createDirectories(store.indicatorsDirectory());
        Files.writeString(store.indexFile(), "{not json");
        assertThat(store.entries()).isEmpty();
        Files.writeString(store.indexFile(), "{\"entries\": {\"X\": {\"file\": \"x.stix2\"}}}");
        assertThat(store.entries()).isEmpty();
    }
}
