package org.vigil.ioc.update;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.ioc.update.HttpDownloader.Download;
import org.vigil.ioc.update.HttpDownloader.DownloadException;
import org.vigil.ioc.update.IndicatorStore.StoredEntry;
import org.vigil.ioc.update.UpdateResult.EntryResult;
import org.vigil.ioc.update.UpdateResult.Status;

/**
 * {@code vigil iocs update}: reads an index ({@link IndicatorIndex}) and downloads every listed
 * STIX file into the store's indicators folder (MVT's {@code download-iocs}, mvt-behaviour.md 4.6).
 *
 * <p>Each download goes to a temporary file in the same folder, must parse as JSON with a
 * top-level {@code objects} array, and then replaces the previous file with an atomic move. A
 * failed download (network error, HTTP status other than 200, over the size cap, timeout) or
 * invalid content leaves the previous file untouched and is reported for that entry; the other
 * entries go on. When at least one entry succeeded, the time is recorded in
 * {@code latest_indicators_update} and {@code index.json} is rewritten (entries from earlier
 * updates whose files still exist are kept).
 *
 * <p>Differences from MVT: MVT writes whatever the server answered (an HTML error page included)
 * over the previous file, without validation or size limit; here nothing invalid is saved.
 */
public final class IndicatorUpdater {
    private static final Logger LOG = LoggerFactory.getLogger(IndicatorUpdater.class);

    /** Default connect and response timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default time allowed for one whole download. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(5);
    /** Default size cap of one indicator file. */
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;
    /** Size cap of an index. */
    static final long MAX_INDEX_BYTES = 5L * 1024 * 1024;

    private final IndicatorStore store;
    private final Clock clock;
    private final HttpDownloader downloader;
    private final HttpDownloader indexDownloader;

    /** An updater with the default timeouts and size cap. */
    public IndicatorUpdater(IndicatorStore store, Clock clock) {
        this(store, clock, DEFAULT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_BYTES);
    }

    /**
     * An updater with explicit bounds.
     *
     * @param store where files are saved
     * @param clock gives the recorded times
     * @param timeout connect and response-headers timeout
     * @param deadline time allowed for one whole download
     * @param maxBytes largest accepted indicator file
     */
    public IndicatorUpdater(IndicatorStore store, Clock clock, Duration timeout, Duration deadline,
            long maxBytes) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.downloader = new HttpDownloader(timeout, deadline, maxBytes);
        this.indexDownloader = new HttpDownloader(timeout, deadline, MAX_INDEX_BYTES);
    }

    /**
     * Updates from an index.
     *
     * @param indexLocation an {@code http(s)} URL or a local file path; see
     *     {@link IndicatorIndex#DEFAULT_INDEX}
     * @throws IndicatorUpdateException when the index cannot be read or parsed, or the data folder
     *     cannot be written; nothing is changed then
     * @throws InterruptedException when interrupted while downloading
     */
    public UpdateResult update(String indexLocation)
            throws IndicatorUpdateException, InterruptedException {
        Path dir = store.indicatorsDirectory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IndicatorUpdateException("Cannot create the indicators folder " + dir + ": "
                    + e.getMessage(), e);
        }
        IndicatorIndex index = IndicatorIndex.parse(readIndex(indexLocation), indexLocation);
        LOG.info("Indicator index {}: {} entries ({} unusable)", indexLocation,
                index.entries().size(), index.rejected().size());

        List<EntryResult> results = new ArrayList<>();
        Map<String, StoredEntry> stored = new TreeMap<>();
        store.entries().forEach((name, e) -> {
            if (Files.isRegularFile(dir.resolve(e.file()))) {
                stored.put(name, e);
            }
        });
        Map<String, EntryResult> byFile = new HashMap<>();
        for (IndicatorIndex.Entry entry : index.entries()) {
            String fileName = entry.fileName();
            EntryResult earlier = byFile.get(fileName);
            EntryResult r;
            if (earlier != null) {
                r = earlier.status() == Status.FAILED
                        ? EntryResult.failed(entry.name(), entry.url().toString(), fileName,
                                "same URL as '" + earlier.name() + "', which failed")
                        : new EntryResult(entry.name(), entry.url().toString(), fileName,
                                Status.UNCHANGED, "same URL as '" + earlier.name() + "'",
                                earlier.sha256(), earlier.size());
            } else {
                r = fetch(entry, dir.resolve(fileName));
                byFile.put(fileName, r);
            }
            if (r.status() != Status.FAILED) {
                stored.put(entry.name(), new StoredEntry(fileName, entry.url().toString(),
                        r.sha256(), clock.instant().getEpochSecond()));
                LOG.info("Indicators '{}' {}: {}", entry.name(),
                        r.status().name().toLowerCase(Locale.ROOT), fileName);
            } else {
                LOG.warn("Indicators '{}' not updated from {}: {}", entry.name(), entry.url(),
                        r.reason());
            }
            results.add(r);
        }
        for (IndicatorIndex.Rejected rej : index.rejected()) {
            LOG.warn("Index entry {} ('{}') skipped: {}", rej.position(), rej.name(),
                    rej.reason());
            results.add(EntryResult.failed(rej.name(), "", "", rej.reason()));
        }

        Optional<Instant> updatedAt = Optional.empty();
        if (results.stream().anyMatch(r -> r.status() != Status.FAILED)) {
            Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
            try {
                store.writeEntries(stored);
                store.writeLastUpdate(now);
            } catch (IOException e) {
                throw new IndicatorUpdateException("Cannot record the update in "
                        + store.dataDirectory() + ": " + e.getMessage(), e);
            }
            updatedAt = Optional.of(now);
        }
        return new UpdateResult(indexLocation, dir, results, updatedAt);
    }

    private EntryResult fetch(IndicatorIndex.Entry entry, Path target)
            throws InterruptedException {
        String url = entry.url().toString();
        String fileName = target.getFileName().toString();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.getParent(), ".vigil-", ".tmp");
            Download d = downloader.download(entry.url(), tmp);
            String invalid = stixProblem(tmp);
            if (invalid != null) {
                return EntryResult.failed(entry.name(), url, fileName, invalid);
            }
            if (Files.isRegularFile(target) && d.sha256().equals(sha256(target))) {
                return new EntryResult(entry.name(), url, fileName, Status.UNCHANGED, "",
                        d.sha256(), d.size());
            }
            IndicatorStore.replace(tmp, target);
            return new EntryResult(entry.name(), url, fileName, Status.UPDATED, "", d.sha256(),
                    d.size());
        } catch (DownloadException e) {
            return EntryResult.failed(entry.name(), url, fileName, e.getMessage());
        } catch (IOException e) {
            return EntryResult.failed(entry.name(), url, fileName,
                    "cannot save " + target + ": " + e.getMessage());
        } finally {
            deleteQuietly(tmp);
        }
    }

    private byte[] readIndex(String location)
            throws IndicatorUpdateException, InterruptedException {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri;
            try {
                uri = new URI(location);
            } catch (java.net.URISyntaxException e) {
                throw new IndicatorUpdateException("Invalid index URL " + location + ": "
                        + e.getReason(), e);
            }
            Path tmp = null;
            try {
                tmp = Files.createTempFile(store.indicatorsDirectory(), ".vigil-index-", ".tmp");
                indexDownloader.download(uri, tmp);
                return Files.readAllBytes(tmp);
            } catch (DownloadException e) {
                throw new IndicatorUpdateException("Cannot download the indicator index "
                        + location + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IndicatorUpdateException("Cannot read the indicator index " + location
                        + ": " + e.getMessage(), e);
            } finally {
                deleteQuietly(tmp);
            }
        }
        if (location.matches("(?s)^[A-Za-z][A-Za-z0-9+.-]+://.*")) {
            throw new IndicatorUpdateException("Unsupported index location " + location
                    + " (give an http(s) URL or a file path)");
        }
        Path file = Path.of(location).toAbsolutePath().normalize();
        try {
            if (!Files.isRegularFile(file)) {
                throw new IndicatorUpdateException("No indicator index file at " + file);
            }
            if (Files.size(file) > MAX_INDEX_BYTES) {
                throw new IndicatorUpdateException("Indicator index " + file
                        + " is larger than " + MAX_INDEX_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IndicatorUpdateException("Cannot read the indicator index " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Why a downloaded file is not a STIX bundle, or null when it is one: it must be one JSON
     * object holding an {@code objects} array, with nothing after it.
     */
    static String stixProblem(Path file) {
        JsonFactory factory = new JsonFactory();
        try (JsonParser p = factory.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object (not a STIX bundle)";
            }
            boolean objects = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("objects".equals(name) && value == JsonToken.START_ARRAY) {
                    objects = true;
                }
                p.skipChildren();
            }
            if (t != JsonToken.END_OBJECT) {
                return "not valid JSON";
            }
            if (p.nextToken() != null) {
                return "not valid JSON: content after the top-level object";
            }
            return objects ? null : "no 'objects' array (not a STIX bundle)";
        } catch (IOException e) {
            String m = e instanceof com.fasterxml.jackson.core.JacksonException je
                    ? je.getOriginalMessage() : e.getMessage();
            return "not valid JSON: " + m;
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("Cannot delete temporary file {}: {}", p, e.toString());
        }
    }
}
