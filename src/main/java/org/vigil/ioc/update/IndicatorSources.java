package org.vigil.ioc.update;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the indicator files of a run, in MVT's order (mvt-behaviour.md 4.1):
 * <ol>
 *   <li>each {@code --iocs FILE|DIR}: a file is taken whatever its extension; a folder is searched
 *       recursively for {@code *.stix2} and {@code *.json} (case-insensitive); a missing path is an
 *       error naming it;</li>
 *   <li>the downloaded set, {@code <data>/indicators/*.stix2} (case-insensitive, not
 *       recursive);</li>
 *   <li>{@code VIGIL_IOCS}: entries separated by {@link File#pathSeparator}, each handled like
 *       {@code --iocs}; an invalid entry is a warning, not an error.</li>
 * </ol>
 * A file reached twice (same real path, e.g. through a symlink or an overlapping folder) is kept
 * once, at its first position. Folders are walked in name order, depth first, without following
 * symlinked folders; a symlinked file is taken only when its target lies inside the folder being
 * searched. The store's own {@code index.json} is never taken as an indicator file.
 *
 * <p>Differences from MVT: MVT's {@code MVT_STIX2} folders only yield {@code *.stix2}; here
 * {@code *.json} too. MVT logs a missing {@code -i} file and goes on; here it is an error.
 */
public final class IndicatorSources {
    private static final Logger LOG = LoggerFactory.getLogger(IndicatorSources.class);

    /** Deepest folder level searched below a given folder. */
    static final int MAX_DEPTH = 32;

    private final UserEnvironment env;
    private final IndicatorStore store;

    /** Sources for this environment (its data directory and {@code VIGIL_IOCS}). */
    public IndicatorSources(UserEnvironment env) {
        this.env = Objects.requireNonNull(env, "env");
        this.store = IndicatorStore.of(env);
    }

    /** Where a file came from. */
    public enum Origin {
        /** {@code --iocs}. */
        OPTION,
        /** The downloaded set in the data directory. */
        DOWNLOADED,
        /** The {@code VIGIL_IOCS} environment variable. */
        ENVIRONMENT
    }

    /**
     * One indicator file.
     *
     * @param path absolute, normalised path (as reached, not the symlink target)
     * @param origin where it came from
     */
    public record SourceFile(Path path, Origin origin) {
        public SourceFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /**
     * The files of a run and the warnings met while finding them.
     *
     * @param files files in load order, without duplicates
     * @param warnings problems that did not stop the resolution (bad {@code VIGIL_IOCS} entries,
     *     skipped symlinks, unreadable folders), each naming the path
     */
    public record Resolution(List<SourceFile> files, List<String> warnings) {
        public Resolution {
            files = List.copyOf(files);
            warnings = List.copyOf(warnings);
        }

        /** The paths, in load order (what {@code Indicators.load} takes). */
        public List<Path> paths() {
            return files.stream().map(SourceFile::path).toList();
        }
    }

    /** The store whose downloaded set is used. */
    public IndicatorStore store() {
        return store;
    }

    /**
     * Resolves the files for a run.
     *
     * @param options the {@code --iocs} paths, in command-line order
     * @throws IndicatorSourceException when an {@code --iocs} path does not exist or cannot be read
     */
    public Resolution resolve(List<Path> options) throws IndicatorSourceException {
        Collector c = new Collector();
        for (Path p : options) {
            Path abs = p.toAbsolutePath().normalize();
            if (!Files.exists(abs)) {
                throw new IndicatorSourceException("No indicators file or folder exists at path "
                        + abs);
            }
            try {
                addFileOrFolder(abs, Origin.OPTION, c);
            } catch (IOException e) {
                throw new IndicatorSourceException("Cannot read indicators at " + abs + ": "
                        + e.getMessage(), e);
            }
        }
        addDownloaded(c);
        env.get(UserEnvironment.IOCS_VARIABLE).ifPresent(value -> addEnvironment(value, c));
        return new Resolution(c.files, c.warnings);
    }

    private void addDownloaded(Collector c) {
        Path dir = store.indicatorsDirectory();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            for (Path p : sortedChildren(dir)) {
                if (Files.isRegularFile(p) && hasExtension(p, ".stix2")) {
                    c.add(p, Origin.DOWNLOADED);
                }
            }
        } catch (IOException e) {
            c.warn("Cannot list downloaded indicators in " + dir + ": " + e.getMessage());
        }
    }

    private void addEnvironment(String value, Collector c) {
        for (String entry : value.split(java.util.regex.Pattern.quote(File.pathSeparator))) {
            if (entry.isBlank()) {
                continue;
            }
            Path abs;
            try {
                abs = Path.of(entry.strip()).toAbsolutePath().normalize();
            } catch (RuntimeException e) {
                c.warn(UserEnvironment.IOCS_VARIABLE + " entry is not a valid path: " + entry);
                continue;
            }
            if (!Files.exists(abs)) {
                c.warn(UserEnvironment.IOCS_VARIABLE + " entry does not exist: " + abs);
                continue;
            }
            try {
                addFileOrFolder(abs, Origin.ENVIRONMENT, c);
            } catch (IOException e) {
                c.warn(UserEnvironment.IOCS_VARIABLE + " entry cannot be read: " + abs + ": "
                        + e.getMessage());
            }
        }
    }

    private void addFileOrFolder(Path abs, Origin origin, Collector c) throws IOException {
        if (Files.isDirectory(abs)) {
            Path root = abs.toRealPath();
            walk(abs, root, 0, origin, c);
        } else {
            c.add(abs, origin);
        }
    }

    private void walk(Path dir, Path realRoot, int depth, Origin origin, Collector c)
            throws IOException {
        if (depth > MAX_DEPTH) {
            c.warn("Not searching deeper than " + MAX_DEPTH + " folders: " + dir);
            return;
        }
        List<Path> children;
        try {
            children = sortedChildren(dir);
        } catch (IOException e) {
            if (depth == 0) {
                throw e;
            }
            c.warn("Cannot list folder " + dir + ": " + e.getMessage());
            return;
        }
        for (Path p : children) {
            if (Files.isSymbolicLink(p)) {
                addSymlink(p, realRoot, origin, c);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                walk(p, realRoot, depth + 1, origin, c);
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && isIndicatorFile(p)
                    && !isStoreIndex(p)) {
                c.add(p, origin);
            }
        }
    }

    private void addSymlink(Path link, Path realRoot, Origin origin, Collector c) {
        if (!isIndicatorFile(link)) {
            return;
        }
        Path target;
        try {
            target = link.toRealPath();
        } catch (IOException e) {
            c.warn("Skipping broken symlink " + link);
            return;
        }
        if (!target.startsWith(realRoot)) {
            c.warn("Skipping symlink pointing outside the searched folder: " + link + " -> "
                    + target);
            return;
        }
        if (Files.isRegularFile(target) && !isStoreIndex(target)) {
            c.add(link, origin);
        }
    }

    private boolean isStoreIndex(Path p) {
        try {
            Path index = store.indexFile();
            return Files.exists(index) && Files.isSameFile(p, index);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isIndicatorFile(Path p) {
        return hasExtension(p, ".stix2") || hasExtension(p, ".json");
    }

    private static boolean hasExtension(Path p, String ext) {
        Path name = p.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(ext);
    }

    /** Children of a folder sorted by file name (code-point order), for stable results. */
    private static List<Path> sortedChildren(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        out.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return out;
    }

    /** Accumulates files in order, dropping repeats by real path. */
    private static final class Collector {
        final List<SourceFile> files = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Set<Path> seen = new HashSet<>();

        void add(Path p, Origin origin) {
            Path abs = p.toAbsolutePath().normalize();
            Path key;
            try {
                key = abs.toRealPath();
            } catch (IOException e) {
                key = abs;
            }
            if (seen.add(key)) {
                files.add(new SourceFile(abs, origin));
            } else {
                LOG.debug("Indicator file already listed: {}", abs);
            }
        }

        void warn(String message) {
            LOG.warn(message);
            warnings.add(message);
        }
    }
}
