package org.vigil.report.folder;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.model.Alert;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.IndicatorRef;
import org.vigil.core.model.InputHash;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.TimelineEvent;

/**
 * Reads a result folder written by Vigil or by MVT. Every file is optional; a file that cannot
 * be read becomes a {@linkplain ResultFolder#problems() problem} naming it and the cause (the
 * report then never calls the result complete). Memory is bounded: alerts.json and timeline.csv
 * are streamed, every row is counted, and only {@code keepAlerts} alerts and the
 * {@code keepRows} most recent timeline rows are kept.
 */
public final class FolderReader {
    private static final Logger LOG = LoggerFactory.getLogger(FolderReader.class);
    /** Default number of timeline rows kept for the table. */
    public static final int DEFAULT_ROWS = 5_000;
    /** Files read whole (info.json, coverage.json) larger than this are refused. */
    static final long MAX_TREE_BYTES = 256L << 20;
    /** Longest CSV field kept (longer ones are cut). */
    static final int MAX_FIELD = 64 * 1024;
    private static final Set<String> RUN_FILES = Set.of("alerts.json", "info.json", "coverage.json", "urls.json");

    private final ObjectMapper mapper = new ObjectMapper();
    private final int keepAlerts;
    private final int keepRows;

    /** A reader with the default bounds. */
    public FolderReader() {
        this(AlertSummary.DEFAULT_KEPT, DEFAULT_ROWS);
    }

    /** A reader keeping at most {@code keepAlerts} alerts and {@code keepRows} timeline rows. */
    public FolderReader(int keepAlerts, int keepRows) {
        this.keepAlerts = keepAlerts;
        this.keepRows = keepRows;
    }

    /**
     * Reads {@code dir}.
     *
     * @throws IOException when {@code dir} is not a readable folder
     */
    public ResultFolder read(Path dir) throws IOException {
        return read(dir, null);
    }

    /**
     * Reads {@code dir}, taking {@code timeline} as the digest of its timeline.csv instead of
     * reading the file (null: read it). A check passes the digest it built while writing the file
     * ({@link TimelineDigestBuilder}), which is what reading it back would give.
     *
     * @throws IOException when {@code dir} is not a readable folder
     */
    public ResultFolder read(Path dir, TimelineDigest timeline) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a folder");
        }
        List<String> problems = new ArrayList<>();
        Path coverageFile = dir.resolve("coverage.json");
        List<ModuleCoverage> coverage = null;
        if (isFile(coverageFile)) {
            try {
                coverage = coverage(tree(coverageFile));
            } catch (IOException | RuntimeException e) {
                problems.add(problem(coverageFile, e));
                coverage = List.of(); // written by Vigil, but unreadable: nothing is known to be checked
            }
        }
        RunDescription run = run(dir, coverage != null || isFile(coverageFile), problems);
        AlertSummary alerts = alerts(dir, problems);
        if (timeline == null) {
            timeline = timeline(dir.resolve("timeline.csv"), problems);
        }
        Map<String, Long> results = coverage == null ? resultFiles(dir, problems) : Map.of();
        return new ResultFolder(run, coverage, alerts, timeline, new TreeMap<>(results), problems);
    }

    private static boolean isFile(Path p) {
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static String problem(Path file, Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        String msg = file.getFileName() + ": " + (m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m));
        LOG.warn("Report: {}", msg);
        return msg;
    }

    private JsonNode tree(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_TREE_BYTES) {
            throw new IOException("too large to read (" + size + " bytes)");
        }
        JsonNode n = mapper.readTree(file.toFile());
        if (n == null) {
            throw new IOException("empty file");
        }
        return n;
    }

    private static List<ModuleCoverage> coverage(JsonNode root) throws IOException {
        JsonNode modules = root.get("modules");
        if (modules == null || !modules.isArray()) {
            throw new IOException("no \"modules\" list");
        }
        List<ModuleCoverage> out = new ArrayList<>();
        for (JsonNode m : modules) {
            String slug = m.path("module").asText("");
            if (slug.isEmpty()) {
                continue;
            }
            ModuleStatus status;
            try {
                status = ModuleStatus.valueOf(m.path("status").asText("").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // an unknown status is not "checked"
                status = ModuleStatus.FAILED;
            }
            out.add(new ModuleCoverage(slug, status, m.path("reason").asText(""), m.path("records").asLong(0),
                    m.path("alerts").asLong(0), m.path("timeline_events").asLong(0)));
        }
        return out;
    }

    private RunDescription run(Path dir, boolean vigilFolder, List<String> problems) {
        Path file = dir.resolve("info.json");
        JsonNode info = null;
        if (isFile(file)) {
            try {
                info = tree(file);
                if (!info.isObject()) {
                    throw new IOException("not a JSON object");
                }
            } catch (IOException | RuntimeException e) {
                problems.add(problem(file, e));
                info = null;
            }
        } else {
            problems.add("info.json: not in the folder (what was checked, and with which indicators, is unknown)");
        }
        JsonNode n = info == null ? mapper.createObjectNode() : info;
        boolean vigil = n.has("vigil_version") || (vigilFolder && !n.has("mvt_version"));
        String version = text(n, vigil ? "vigil_version" : "mvt_version");
        Map<String, String> device = new TreeMap<>();
        n.path("device").fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                device.put(e.getKey(), e.getValue().asText());
            }
        });
        if (device.isEmpty() && !vigil) {
            device.putAll(mvtDevice(dir, problems));
        }
        List<IndicatorFileInfo> iocs = new ArrayList<>();
        if (n.path("indicator_files").isArray()) {
            for (JsonNode f : n.get("indicator_files")) {
                Map<String, Integer> types = new TreeMap<>();
                f.path("types").fields().forEachRemaining(e -> types.put(e.getKey(), e.getValue().asInt()));
                List<String> cols = new ArrayList<>();
                f.path("collections").forEach(c -> cols.add(c.asText()));
                Map<String, Integer> skipped = new TreeMap<>();
                f.path("skipped_patterns").fields().forEachRemaining(e -> skipped.put(e.getKey(), e.getValue().asInt()));
                iocs.add(new IndicatorFileInfo(text(f, "path"), text(f, "sha256"), f.path("indicators").asInt(-1),
                        types, cols, skipped, text(f, "updated")));
            }
        } else if (n.path("ioc_files").isArray()) {
            for (JsonNode f : n.get("ioc_files")) {
                iocs.add(new IndicatorFileInfo(f.asText(), "", -1, Map.of(), List.of(), Map.of(), ""));
            }
        }
        List<InputHash> hashes = new ArrayList<>();
        for (JsonNode h : n.path("hashes")) {
            hashes.add(new InputHash(text(h, "file_path"), text(h, "sha256")));
        }
        return new RunDescription(vigil ? "Vigil" : "MVT", version, text(n, "date"), text(n, "command"),
                text(n, "target_path"), text(n, "source_kind"), device, iocs, hashes);
    }

    /** MVT keeps no device properties in info.json; its backup_info.json (iOS) has them. */
    private Map<String, String> mvtDevice(Path dir, List<String> problems) {
        Path file = dir.resolve("backup_info.json");
        Map<String, String> device = new TreeMap<>();
        if (!isFile(file)) {
            return device;
        }
        try {
            JsonNode n = tree(file);
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    device.put(e.getKey(), e.getValue().asText());
                }
            });
        } catch (IOException | RuntimeException e) {
            problems.add(problem(file, e));
        }
        return device;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? "" : v.asText();
    }

    private AlertSummary alerts(Path dir, List<String> problems) throws IOException {
        AlertSummary summary = new AlertSummary(keepAlerts);
        Path all = dir.resolve("alerts.json");
        if (isFile(all)) {
            readAlerts(all, null, summary, problems);
            return summary;
        }
        // MVT before alerts.json, or a folder without it: the per-module files
        List<Path> detected;
        try (Stream<Path> s = Files.list(dir)) {
            detected = s.filter(p -> p.getFileName().toString().endsWith("_detected.json") && isFile(p))
                    .sorted().toList();
        }
        for (Path p : detected) {
            String name = p.getFileName().toString();
            readAlerts(p, name.substring(0, name.length() - "_detected.json".length()), summary, problems);
        }
        return summary;
    }

    /** Streams one file of alerts (a JSON list) into {@code summary}. */
    private void readAlerts(Path file, String slug, AlertSummary summary, List<String> problems) {
        try (JsonParser p = mapper.getFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("not a JSON list");
            }
            int unknownLevels = 0;
            while (p.nextToken() == JsonToken.START_OBJECT) {
                JsonNode a = mapper.readTree(p);
                Alert alert = alert(a, slug);
                if (alert == null) {
                    unknownLevels++;
                    alert = new Alert(Level.HIGH, moduleOf(a, slug), text(a, "message"), text(a, "event_time"),
                            a.get("event"), indicator(a.get("matched_indicator")));
                }
                summary.add(alert);
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
                throw new IOException("an alert is not a JSON object");
            }
            if (unknownLevels > 0) {
                problems.add(file.getFileName() + ": " + unknownLevels + " alert(s) with an unknown level, counted as HIGH");
            }
        } catch (IOException | RuntimeException e) {
            problems.add(problem(file, e));
        }
    }

    private static String moduleOf(JsonNode a, String slug) {
        String m = text(a, "module");
        return m.isEmpty() && slug != null ? slug : m;
    }

    /**
     * One alert: MVT's alert shape; or, in an old-style {@code <slug>_detected.json} (a list of
     * detected records), the record itself: CRITICAL when it names its indicator, else HIGH.
     * Null when the level is not a known level.
     */
    private static Alert alert(JsonNode a, String slug) {
        if (!a.has("level") && slug != null) {
            JsonNode ind = a.get("matched_indicator");
            IndicatorRef ref = indicator(ind);
            String time = text(a, "isodate");
            return new Alert(ref != null ? Level.CRITICAL : Level.HIGH, slug, "", time, a, ref);
        }
        Level level;
        try {
            level = Level.parse(text(a, "level"));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new Alert(level, moduleOf(a, slug), text(a, "message"), text(a, "event_time"), a.get("event"),
                indicator(a.get("matched_indicator")));
    }

    private static IndicatorRef indicator(JsonNode m) {
        if (m == null || !m.isObject() || text(m, "value").isEmpty()) {
            return null;
        }
        return new IndicatorRef(text(m, "value"), text(m, "type"), text(m, "name"), text(m, "stix2_file_name"));
    }

    /**
     * The timeline's digest in two passes: the day counts from the timestamps alone (scanned as
     * bytes, the rest of each row skipped), then every field of the most recent rows only, read
     * from where the first pass saw them start.
     */
    private TimelineDigest timeline(Path file, List<String> problems) {
        if (!isFile(file)) {
            return TimelineDigest.absent();
        }
        TimelineDigestBuilder digest = null;
        List<TimelineEvent> last = List.of();
        try {
            long[] starts = new long[Math.max(1, keepRows)];
            try (InputStream in = Files.newInputStream(file)) {
                CsvFirstFields csv = new CsvFirstFields(in, MAX_FIELD);
                String first = csv.next();
                if (first == null) {
                    return new TimelineDigest(true, false, 0, 0, new DayCounts(), List.of());
                }
                first = first.startsWith("\ufeff") ? first.substring(1) : first;
                if (!first.endsWith("Timestamp")) {
                    throw new IOException("no timeline header (found \"" + cut(first) + "\")");
                }
                digest = new TimelineDigestBuilder(keepRows, first.startsWith("Device Local"));
                for (String ts = csv.next(); ts != null; ts = csv.next()) {
                    if (csv.wasBlank()) {
                        continue; // blank line
                    }
                    starts[(int) (digest.count(ts) % starts.length)] = csv.rowStart();
                }
            }
            long total = digest.total();
            long kept = Math.min(total, keepRows);
            if (kept > 0) {
                long from = starts[(int) ((total - kept) % starts.length)];
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                    ch.position(from);
                    last = TimelineDigestBuilder.parse(java.nio.channels.Channels.newInputStream(ch), kept);
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(problem(file, e));
        }
        return digest == null ? new TimelineDigest(true, false, 0, 0, new DayCounts(), List.of())
                : digest.finish(last);
    }

    private static String cut(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Records per {@code <slug>.json} (a list's length, an object's key count). */
    private Map<String, Long> resultFiles(Path dir, List<String> problems) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") && !n.endsWith("_detected.json") && !RUN_FILES.contains(n) && isFile(p);
            }).sorted().toList();
        }
        for (Path p : files) {
            String n = p.getFileName().toString();
            out.put(n.substring(0, n.length() - ".json".length()), count(p, problems));
        }
        return out;
    }

    private long count(Path file, List<String> problems) {
        try (JsonParser p = mapper.getFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON list or object");
            }
            JsonToken end = t == JsonToken.START_ARRAY ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
            long n = 0;
            for (JsonToken x = p.nextToken(); x != end; x = p.nextToken()) {
                if (x == null) {
                    throw new IOException("truncated");
                }
                if (x == JsonToken.FIELD_NAME) {
                    x = p.nextToken();
                }
                p.skipChildren();
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            problems.add(problem(file, e));
            return -1;
        }
    }
}
