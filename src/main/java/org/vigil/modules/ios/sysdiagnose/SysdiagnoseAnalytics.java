package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Analytics (CoreAnalytics) journals of a sysdiagnose ({@code sysdiagnose_analytics}; no MVT
 * equivalent).
 *
 * <p><b>Artifacts</b>, anywhere in the archive: {@code Analytics-*.ips} (among them
 * {@code Analytics-Journal-*.ips} and {@code Analytics-90Day-*.ips}),
 * {@code Analytics-*.ips.ca.synced} and {@code *.core_analytics}. Each is a first-line JSON header
 * ({@code timestamp} "YYYY-MM-DD HH:MM:SS.ss +ZZZZ", {@code os_version}, {@code bug_type} ...)
 * followed by one JSON object per line: marker lines ({@code _marker}, with a
 * {@code startTimestamp} or {@code timestamp}) and events (an event name in {@code name},
 * {@code eventName} or {@code event}, and a payload, usually {@code message}). Lines are capped at
 * {@value #MAX_LINE} characters and files at {@value #MAX_LINES} lines; a line that is not a JSON
 * object is counted and skipped; a file with no JSON line is unreadable (logged); the module is
 * unreadable only when no file reads.
 *
 * <p><b>Records</b>, one per event: {@code file}, {@code line}, {@code timestamp} (UTC: the line's
 * own time, else the latest header or marker time before it; "" when none), {@code event},
 * {@code os_version} (of the file's header), and the string values found anywhere in the line (at
 * most {@value #MAX_DEPTH} levels deep, {@value #MAX_VALUES} per kind): {@code processes} (keys
 * such as {@code processName}, {@code procName}, {@code appName}), {@code bundle_ids}
 * ({@code bundleId}, {@code bundleID}, {@code CFBundleIdentifier} ...), {@code paths} (any value
 * that is an absolute path) and {@code urls} (any value that is an http(s)/ws(s) URL, and the values
 * of domain and host keys).
 *
 * <p><b>Flags</b>: process against process indicators, bundle id against app-id indicators, path
 * against file-path and file-name indicators, URL or domain against domain and URL indicators: all
 * CRITICAL; a process indicator naming a component of a path: HIGH. Once per event and value.
 *
 * <p><b>Timeline</b>: {@code analytics_event} per dated event.
 */
public final class SysdiagnoseAnalytics implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseAnalytics.class);

    public static final List<String> PATTERNS = List.of("*Analytics-*.ips", "*Analytics-*.ips.ca.synced",
            "*.core_analytics");
    static final int MAX_LINE = 256 * 1024;
    static final int MAX_LINES = 200_000;
    static final int MAX_DEPTH = 16;
    static final int MAX_VALUES = 32;
    static final int MAX_VALUE_LENGTH = 2048;
    static final int MAX_DATA = 300;

    static final Set<String> PROCESS_KEYS = lower("processName", "process", "procName", "process_name",
            "appName", "app_name", "executableName", "executable", "responsibleProcess", "responsibleProcessName",
            "clientName", "daemonName", "binaryName", "parentProcessName");
    static final Set<String> BUNDLE_KEYS = lower("bundleId", "bundleID", "bundle_id", "bundleIdentifier",
            "CFBundleIdentifier", "appBundleId", "appBundleID", "clientBundleId", "clientBundleID",
            "hostBundleId", "hostBundleID", "responsibleBundleId", "responsibleBundleID", "bundle");
    static final Set<String> DOMAIN_KEYS = lower("domain", "host", "hostname", "hostName", "url", "URL",
            "domainName", "serverHost", "remoteHost");
    static final Set<String> EVENT_KEYS = Set.of("name", "eventName", "event");
    static final Set<String> TIME_KEYS = Set.of("timestamp", "startTimestamp", "eventTime", "time");

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build());

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sysdiagnose_analytics", "SysdiagnoseAnalytics", Platform.IOS,
            Set.of(SourceKind.IOS_SYSDIAGNOSE), PATTERNS, List.of(),
            "Analytics journals: processes, bundle ids, paths and URLs of analytics events against indicators");

    /**
     * One analytics event.
     *
     * @param file journal path in the sysdiagnose
     * @param line 1-based line number
     * @param timestamp event time, UTC, or ""
     * @param event event name, or ""
     * @param os_version OS version of the journal header, or ""
     * @param processes process names found in the event
     * @param bundle_ids bundle ids found in the event
     * @param paths absolute paths found in the event
     * @param urls URLs and domains found in the event
     */
    @JsonPropertyOrder({"file", "line", "timestamp", "event", "os_version", "processes", "bundle_ids", "paths",
            "urls"})
    public record Event(String file, int line, String timestamp, String event, String os_version,
            List<String> processes, List<String> bundle_ids, List<String> paths, List<String> urls) {
        public Event {
            processes = List.copyOf(processes);
            bundle_ids = List.copyOf(bundle_ids);
            paths = List.copyOf(paths);
            urls = List.copyOf(urls);
        }
    }

    /** One journal: its events and how many lines were skipped. */
    record Journal(List<Event> events, int parsed, int malformed, long truncated) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        Map<String, ArtifactRef> files = new TreeMap<>();
        for (String p : PATTERNS) {
            for (ArtifactRef ref : ctx.source().find(ArtifactPattern.anyDomain(p))) {
                files.putIfAbsent(ref.relativePath(), ref);
            }
        }
        if (files.isEmpty()) {
            throw new ArtifactNotFoundException("no analytics journal found (" + String.join(", ", PATTERNS) + ")");
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        List<String> failures = new ArrayList<>();
        int read = 0;
        for (ArtifactRef ref : files.values()) {
            Journal j;
            try (InputStream in = ctx.source().open(ref)) {
                j = parse(in, ref.relativePath());
            } catch (IOException e) {
                LOG.warn("{}: unreadable analytics journal: {}", ref.displayName(), e.getMessage());
                failures.add(ref.relativePath() + ": " + e.getMessage());
                continue;
            }
            if (j.parsed() == 0) {
                LOG.warn("{}: unreadable analytics journal: no JSON line ({} malformed)", ref.displayName(),
                        j.malformed());
                failures.add(ref.relativePath() + ": no JSON line");
                continue;
            }
            if (j.malformed() > 0 || j.truncated() > 0) {
                LOG.warn("{}: {} malformed lines skipped, {} lines cut at {} characters", ref.displayName(),
                        j.malformed(), j.truncated(), MAX_LINE);
            }
            read++;
            for (Event e : j.events()) {
                out.record(e);
                if (!e.timestamp().isEmpty()) {
                    out.timeline(e.timestamp(), "analytics_event", summary(e));
                }
                if (indicators != null) {
                    alert(out, indicators, e, e.timestamp(), e);
                }
            }
        }
        if (read == 0) {
            throw new CorruptArtifactException("no analytics journal could be read: " + String.join("; ", failures));
        }
        LOG.info("Extracted {} analytics events from {} journals", out.recordCount(), read);
        return out.build();
    }

    private static void alert(ModuleResult.Builder out, Indicators indicators, Event e, String time, Object record) {
        for (LevelledMatch m : iocMatches(indicators, e)) {
            out.alert(m.level(), m.match(), time, record);
        }
    }

    /** A match and its level. */
    record LevelledMatch(Level level, IndicatorMatch match) {}

    /** Indicator matches of one event, at most one per value. */
    static List<LevelledMatch> iocMatches(Indicators indicators, Event e) {
        List<LevelledMatch> out = new ArrayList<>();
        for (String p : e.processes()) {
            indicators.checkProcess(p).ifPresent(m -> out.add(new LevelledMatch(Level.CRITICAL, m)));
        }
        for (String b : e.bundle_ids()) {
            indicators.checkAppId(b).ifPresent(m -> out.add(new LevelledMatch(Level.CRITICAL, m)));
        }
        for (String p : e.paths()) {
            Optional<IndicatorMatch> m = indicators.checkFilePath(p);
            if (m.isPresent()) {
                out.add(new LevelledMatch(Level.CRITICAL, m.get()));
            } else {
                indicators.checkFilePathProcess(p).ifPresent(x -> out.add(new LevelledMatch(Level.HIGH, x)));
            }
        }
        for (String u : e.urls()) {
            indicators.checkUrl(u).ifPresent(m -> out.add(new LevelledMatch(Level.CRITICAL, m)));
        }
        return out;
    }

    /** Reads one journal; never fails on its content. */
    static Journal parse(InputStream in, String file) throws IOException {
        LogLines lines = new LogLines(in, MAX_LINE);
        List<Event> events = new ArrayList<>();
        String osVersion = "";
        String current = "";
        int parsed = 0;
        int malformed = 0;
        int n = 0;
        String line;
        while (n < MAX_LINES && (line = lines.next()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = json(line);
            if (node == null) {
                malformed++;
                continue;
            }
            parsed++;
            if (parsed == 1 && (node.has("os_version") || node.has("bug_type"))) {
                // the header (a file without one starts with events)
                osVersion = str(node, "os_version");
                current = firstTime(node, current);
                continue;
            }
            String own = firstTime(node, "");
            if (node.has("_marker")) {
                current = own.isEmpty() ? current : own;
                continue;
            }
            String time = own.isEmpty() ? current : own;
            events.add(event(node, file, n, time, osVersion));
        }
        if (n >= MAX_LINES && lines.next() != null) {
            LOG.warn("{}: more than {} lines, the rest is not read", file, MAX_LINES);
        }
        return new Journal(events, parsed, malformed, lines.truncated());
    }

    static Event event(JsonNode node, String file, int line, String time, String osVersion) {
        String name = "";
        for (String k : EVENT_KEYS) {
            name = str(node, k);
            if (!name.isEmpty()) {
                break;
            }
        }
        if (name.isEmpty()) {
            name = str(node.path("message"), "name");
        }
        Set<String> processes = new LinkedHashSet<>();
        Set<String> bundles = new LinkedHashSet<>();
        Set<String> paths = new LinkedHashSet<>();
        Set<String> urls = new LinkedHashSet<>();
        walk(node, null, 0, processes, bundles, paths, urls);
        return new Event(file, line, time, cap(name), osVersion, List.copyOf(processes), List.copyOf(bundles),
                List.copyOf(paths), List.copyOf(urls));
    }

    private static void walk(JsonNode n, String key, int depth, Set<String> processes, Set<String> bundles,
            Set<String> paths, Set<String> urls) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                walk(f.getValue(), f.getKey(), depth + 1, processes, bundles, paths, urls);
            }
        } else if (n.isArray()) {
            for (JsonNode c : n) {
                walk(c, key, depth + 1, processes, bundles, paths, urls);
            }
        } else if (n.isTextual()) {
            String v = n.asText().strip();
            if (v.isEmpty() || v.length() > MAX_VALUE_LENGTH) {
                return;
            }
            String k = key == null ? "" : key.toLowerCase(Locale.ROOT);
            if (isUrl(v)) {
                add(urls, v);
            } else if (isPath(v)) {
                add(paths, v);
            } else if (PROCESS_KEYS.contains(k)) {
                add(processes, v);
            } else if (BUNDLE_KEYS.contains(k)) {
                add(bundles, v);
            } else if (DOMAIN_KEYS.contains(k) && v.indexOf('.') > 0 && v.indexOf(' ') < 0) {
                add(urls, v);
            }
        }
    }

    private static void add(Set<String> set, String v) {
        if (set.size() < MAX_VALUES) {
            set.add(v);
        }
    }

    static boolean isPath(String v) {
        return v.length() > 1 && v.charAt(0) == '/' && v.charAt(1) != '/' && v.indexOf('\n') < 0;
    }

    static boolean isUrl(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        return (l.startsWith("http://") || l.startsWith("https://") || l.startsWith("ws://")
                || l.startsWith("wss://")) && v.indexOf(' ') < 0;
    }

    /** The first time found in the node's top-level time keys, UTC, else {@code fallback}. */
    private static String firstTime(JsonNode node, String fallback) {
        for (String k : TIME_KEYS) {
            String t = time(node.get(k));
            if (!t.isEmpty()) {
                return t;
            }
        }
        return fallback;
    }

    /**
     * A time as an analytics journal writes it, to UTC: "YYYY-MM-DD HH:MM:SS.ss +ZZZZ",
     * ISO-8601 with an offset, or a Unix time in seconds or milliseconds; "" otherwise.
     */
    static String time(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            if (d <= 0 || Double.isNaN(d)) {
                return "";
            }
            long ms = d > 1e11 ? (long) d : (long) (d * 1000);
            if (ms > 4102444800000L) { // after 2100: not a time
                return "";
            }
            return Times.format(Instant.ofEpochMilli(ms));
        }
        String s = v.asText("").strip();
        if (s.isEmpty()) {
            return "";
        }
        String t = SysdiagnoseCrashes.time(s);
        if (!t.isEmpty()) {
            return t;
        }
        try {
            return Times.format(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    private static JsonNode json(String s) {
        String t = s.strip();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(t);
            return n != null && n.isObject() ? n : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String str(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText("").strip();
    }

    private static String cap(String s) {
        return s.length() > MAX_VALUE_LENGTH ? s.substring(0, MAX_VALUE_LENGTH) : s;
    }

    static String summary(Event e) {
        StringBuilder sb = new StringBuilder("Analytics event ");
        sb.append(e.event().isEmpty() ? "(unnamed)" : e.event());
        List<String> parts = new ArrayList<>();
        parts.addAll(e.processes());
        parts.addAll(e.bundle_ids());
        parts.addAll(e.paths());
        parts.addAll(e.urls());
        if (!parts.isEmpty()) {
            sb.append(": ").append(String.join(", ", parts));
        }
        return sb.length() > MAX_DATA ? sb.substring(0, MAX_DATA - 3) + "..." : sb.toString();
    }

    private static Set<String> lower(String... keys) {
        Set<String> out = new LinkedHashSet<>();
        for (String k : keys) {
            out.add(k.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            Event e = new Event(r.path("file").asText(""), r.path("line").asInt(0), r.path("timestamp").asText(""),
                    r.path("event").asText(""), r.path("os_version").asText(""), strings(r.path("processes")),
                    strings(r.path("bundle_ids")), strings(r.path("paths")), strings(r.path("urls")));
            alert(out, indicators, e, e.timestamp(), r);
        }
        return out.build().alerts();
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a.isArray()) {
            for (JsonNode v : a) {
                if (v.isTextual()) {
                    out.add(v.asText());
                }
            }
        }
        return out;
    }
}
