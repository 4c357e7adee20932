package org.vigil.ioc.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.ioc.Indicators;
import org.vigil.ioc.update.IndicatorSources.Origin;
import org.vigil.ioc.update.IndicatorSources.SourceFile;

/**
 * What {@code vigil iocs list} shows: every indicator file a run would load
 * ({@link IndicatorSources}), with its index name when it was downloaded, its size and digest, and
 * what {@link Indicators#load} found in it; plus the time of the last update.
 */
public final class IndicatorCatalog {
    private IndicatorCatalog() {}

    /**
     * One indicator file.
     *
     * @param path absolute path
     * @param origin where it came from
     * @param indexName the index entry it was downloaded for, if known
     * @param size bytes, -1 when unreadable
     * @param sha256 digest (lower-case hex), empty when unreadable
     * @param loaded what the loader reported for this file, if it loaded it
     */
    public record Item(Path path, Origin origin, Optional<String> indexName, long size,
            String sha256, Optional<IndicatorFileInfo> loaded) {
        public Item {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(indexName, "indexName");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(loaded, "loaded");
        }
    }

    /**
     * The listing.
     *
     * @param items files in load order
     * @param warnings problems met while finding the files
     * @param loadErrors one message per file the loader could not use
     * @param totalIndicators indicators loaded from all files
     * @param lastUpdate time of the last successful update, empty if never
     * @param dataDirectory the data directory used
     */
    public record Listing(List<Item> items, List<String> warnings, List<String> loadErrors,
            int totalIndicators, Optional<Instant> lastUpdate, Path dataDirectory) {
        public Listing {
            items = List.copyOf(items);
            warnings = List.copyOf(warnings);
            loadErrors = List.copyOf(loadErrors);
            Objects.requireNonNull(lastUpdate, "lastUpdate");
        }
    }

    /**
     * Lists the files of a run.
     *
     * @param sources the sources of this environment
     * @param options {@code --iocs} paths
     * @throws IndicatorSourceException when an {@code --iocs} path is missing
     */
    public static Listing list(IndicatorSources sources, List<Path> options)
            throws IndicatorSourceException {
        IndicatorSources.Resolution res = sources.resolve(options);
        IndicatorStore store = sources.store();
        Indicators.LoadResult load = Indicators.load(res.paths());
        Map<String, IndicatorFileInfo> infos = new HashMap<>();
        for (IndicatorFileInfo info : load.indicators().files()) {
            infos.put(key(Path.of(info.path())), info);
        }
        Map<String, String> names = new HashMap<>();
        store.entries().forEach((name, e) -> names.putIfAbsent(e.file(), name));
        Path downloads = store.indicatorsDirectory().toAbsolutePath().normalize();

        List<Item> items = new ArrayList<>();
        for (SourceFile f : res.files()) {
            Path p = f.path();
            Optional<String> name = Optional.empty();
            if (p.getParent() != null && p.getParent().equals(downloads)) {
                name = Optional.ofNullable(names.get(p.getFileName().toString()));
            }
            long size = -1;
            String sha = "";
            try {
                size = Files.size(p);
                sha = IndicatorUpdater.sha256(p);
            } catch (IOException e) {
                // reported by the loader; shown as unreadable
            }
            IndicatorFileInfo info = infos.get(key(p));
            if (info == null) {
                info = infos.get(p.toString());
            }
            items.add(new Item(p, f.origin(), name, size, sha, Optional.ofNullable(info)));
        }
        return new Listing(items, res.warnings(), load.errors(), load.indicators().totalCount(),
                store.lastUpdate(), store.dataDirectory());
    }

    private static String key(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath().toString();
        } catch (IOException e) {
            return abs.toString();
        }
    }
}
