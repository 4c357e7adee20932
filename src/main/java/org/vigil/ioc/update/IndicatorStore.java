package org.vigil.ioc.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downloaded indicators in the user's data directory:
 * <ul>
 *   <li>{@code <data>/indicators/*.stix2}: one file per index entry;</li>
 *   <li>{@code <data>/indicators/index.json}: entry name to file name, source URL, SHA-256 and
 *       download time (unix seconds), so listings can show collection names;</li>
 *   <li>{@code <data>/latest_indicators_update}: unix seconds of the last successful update (the
 *       file MVT also keeps).</li>
 * </ul>
 * Every write goes to a temporary file in the same folder, then replaces the target atomically.
 */
public final class IndicatorStore {
    private static final Logger LOG = LoggerFactory.getLogger(IndicatorStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Name of the indicators folder inside the data directory. */
    public static final String INDICATORS_FOLDER = "indicators";
    /** Name of the index file inside the indicators folder. */
    public static final String INDEX_FILE = "index.json";
    /** Name of the last-update file inside the data directory (as MVT). */
    public static final String LAST_UPDATE_FILE = "latest_indicators_update";

    private final Path dataDirectory;

    /** A store rooted at a data directory (not created until something is written). */
    public IndicatorStore(Path dataDirectory) {
        this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
    }

    /** The store in the data directory of this environment. */
    public static IndicatorStore of(UserEnvironment env) {
        return new IndicatorStore(env.dataDirectory());
    }

    /** The data directory. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** {@code <data>/indicators}. */
    public Path indicatorsDirectory() {
        return dataDirectory.resolve(INDICATORS_FOLDER);
    }

    /** {@code <data>/indicators/index.json}. */
    public Path indexFile() {
        return indicatorsDirectory().resolve(INDEX_FILE);
    }

    /** {@code <data>/latest_indicators_update}. */
    public Path lastUpdateFile() {
        return dataDirectory.resolve(LAST_UPDATE_FILE);
    }

    /**
     * One downloaded entry as recorded in index.json.
     *
     * @param file file name inside the indicators folder
     * @param url the URL it was downloaded from
     * @param sha256 digest of the saved file (lower-case hex)
     * @param downloadedAt unix seconds of the download
     */
    public record StoredEntry(String file, String url, String sha256, long downloadedAt) {
        public StoredEntry {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * The time of the last successful update, if one was recorded. A file that does not hold a
     * number is logged and treated as absent.
     */
    public Optional<Instant> lastUpdate() {
        Path f = lastUpdateFile();
        try {
            String text = Files.readString(f, StandardCharsets.UTF_8).trim();
            long seconds = (long) Double.parseDouble(text);
            return Optional.of(Instant.ofEpochSecond(seconds));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Ignoring unreadable last-update file {}: {}", f, e.toString());
            return Optional.empty();
        }
    }

    /** Records the time of a successful update (unix seconds). */
    void writeLastUpdate(Instant when) throws IOException {
        writeAtomically(lastUpdateFile(),
                Long.toString(when.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The entries recorded in index.json, sorted by entry name. A missing file gives an empty map;
     * an invalid one is logged and gives an empty map.
     */
    public SortedMap<String, StoredEntry> entries() {
        SortedMap<String, StoredEntry> out = new TreeMap<>();
        Path f = indexFile();
        JsonNode root;
        try {
            root = JSON.readTree(f.toFile());
        } catch (IOException e) {
            if (Files.exists(f)) {
                LOG.warn("Ignoring unreadable indicator index {}: {}", f, e.toString());
            }
            return out;
        }
        JsonNode entries = root == null ? null : root.get("entries");
        if (entries == null || !entries.isObject()) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : entries.properties()) {
            JsonNode v = e.getValue();
            String file = v.path("file").asText(null);
            String url = v.path("url").asText(null);
            if (file == null || url == null) {
                continue;
            }
            out.put(e.getKey(), new StoredEntry(file, url, v.path("sha256").asText(""),
                    v.path("downloaded_at").asLong(0)));
        }
        return out;
    }

    /** The index entry name recorded for a file of the indicators folder, if any. */
    public Optional<String> nameOfFile(String fileName) {
        for (Map.Entry<String, StoredEntry> e : entries().entrySet()) {
            if (e.getValue().file().equals(fileName)) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** Replaces index.json with these entries (sorted by name for stable bytes). */
    void writeEntries(Map<String, StoredEntry> entries) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode node = root.putObject("entries");
        for (Map.Entry<String, StoredEntry> e : new TreeMap<>(entries).entrySet()) {
            StoredEntry s = e.getValue();
            ObjectNode n = node.putObject(e.getKey());
            n.put("file", s.file());
            n.put("url", s.url());
            n.put("sha256", s.sha256());
            n.put("downloaded_at", s.downloadedAt());
        }
        byte[] bytes = JSON.writeValueAsBytes(root);
        writeAtomically(indexFile(), bytes);
    }

    /** Writes a small file through a temporary sibling and an atomic replace. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".vigil-", ".tmp");
        try {
            Files.write(tmp, bytes);
            replace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Moves {@code tmp} over {@code target} atomically when the file system can. */
    static void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.warn("Atomic move not supported for {}; replacing it non-atomically", target);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
