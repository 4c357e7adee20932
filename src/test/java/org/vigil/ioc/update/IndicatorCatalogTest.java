package org.vigil.ioc.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.ioc.update.IndicatorCatalog.Item;
import org.vigil.ioc.update.IndicatorCatalog.Listing;
import org.vigil.ioc.update.IndicatorSources.Origin;
import org.vigil.ioc.update.IndicatorStore.StoredEntry;

class IndicatorCatalogTest {
    @TempDir
    Path tmp;

    @Test
    void listsFilesWithNamesSizesAndDigests() throws Exception {
        Path data = tmp.resolve("data");
        IndicatorStore store = new IndicatorStore(data);
        Files.createDirectories(store.indicatorsDirectory());
        Path downloaded = store.indicatorsDirectory().resolve("h_x.stix2");
        Files.writeString(downloaded, IndicatorUpdaterTest.BUNDLE);
        Path unnamed = store.indicatorsDirectory().resolve("manual.stix2");
        Files.writeString(unnamed, IndicatorUpdaterTest.BUNDLE2);
        store.writeEntries(Map.of("Collection X", new StoredEntry("h_x.stix2", "https://h/x",
                "00", 10)));
        store.writeLastUpdate(Instant.ofEpochSecond(1_700_000_000L));
        Path mine = tmp.resolve("mine.json");
        Files.writeString(mine, "{}");
        UserEnvironment env = new UserEnvironment(Map.of("VIGIL_DATA_DIR", data.toString(),
                "VIGIL_IOCS", tmp.resolve("gone") + File.pathSeparator), tmp, "Linux");

        Listing l = IndicatorCatalog.list(new IndicatorSources(env), List.of(mine));

        assertThat(l.items()).extracting(Item::path, Item::origin, Item::indexName, Item::size)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(mine, Origin.OPTION,
                                Optional.empty(), 2L),
                        org.assertj.core.groups.Tuple.tuple(downloaded, Origin.DOWNLOADED,
                                Optional.of("Collection X"),
                                (long) IndicatorUpdaterTest.BUNDLE.length()),
                        org.assertj.core.groups.Tuple.tuple(unnamed, Origin.DOWNLOADED,
                                Optional.empty(), (long) IndicatorUpdaterTest.BUNDLE2.length()));
        assertThat(l.items().get(1).sha256())
                .isEqualTo(IndicatorUpdaterTest.sha256(IndicatorUpdaterTest.BUNDLE));
        assertThat(l.lastUpdate()).contains(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(l.warnings()).containsExactly("VIGIL_IOCS entry does not exist: "
                + tmp.resolve("gone"));
        assertThat(l.dataDirectory()).isEqualTo(data);
    }

    @Test
    void emptyWhenNothingWasDownloaded() throws Exception {
        UserEnvironment env = new UserEnvironment(Map.of("VIGIL_DATA_DIR",
                tmp.resolve("none").toString()), tmp, "Linux");
        Listing l = IndicatorCatalog.list(new IndicatorSources(env), List.of());
        assertThat(l.items()).isEmpty();
        assertThat(l.lastUpdate()).isEmpty();
        assertThat(l.totalIndicators()).isZero();
        assertThat(l.loadErrors()).isEmpty();
    }

    @Test
    void missingOptionPathIsAnError() {
        UserEnvironment env = new UserEnvironment(Map.of("VIGIL_DATA_DIR",
                tmp.resolve("none").toString()), tmp, "Linux");
        assertThatThrownBy(() -> IndicatorCatalog.list(new IndicatorSources(env),
                List.of(tmp.resolve("x.stix2"))))
                .isInstanceOf(IndicatorSourceException.class)
                .hasMessage("No indicators file or folder exists at path " + tmp.resolve("x.stix2"));
    }
}
