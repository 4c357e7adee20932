package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
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
 * Crash and diagnostic reports of a sysdiagnose ({@code sysdiagnose_crashes}; no MVT equivalent).
 *
 * <p><b>Artifact</b>: {@value #PATTERN} (subfolders included), relative to the sysdiagnose's top
 * folder. An {@code .ips} report is a one-line JSON header ({@code bug_type}, {@code app_name} or
 * {@code name}, {@code bundleID}, {@code timestamp} "YYYY-MM-DD HH:MM:SS.ss +ZZZZ",
 * {@code os_version}) followed by a body that is JSON (iOS 15 and later: {@code procName},
 * {@code procPath}, {@code bundleInfo.CFBundleIdentifier}, {@code exception.type},
 * {@code captureTime}) or text (older: {@code Process:}, {@code Path:}, {@code Identifier:},
 * {@code Exception Type:}, {@code Date/Time:} lines). At most {@value #MAX_BYTES} bytes of a report
 * are read; an unreadable header or body leaves the fields it would give empty (the report is
 * still listed).
 *
 * <p><b>Records</b>: {@code file}, {@code timestamp} (UTC, "" when absent), {@code bug_type},
 * {@code process} (body {@code procName}, else header {@code app_name}/{@code name}, else
 * {@code Process:}), {@code path}, {@code bundle_id}, {@code exception_type},
 * {@code os_version}; sorted by time then file.
 *
 * <p><b>Flags</b>: the path against file-path and file-name indicators, else the process name
 * against process indicators; the bundle id against app-id indicators (CRITICAL). Heuristic
 * (field notes H13; Citizen Lab's FORCEDENTRY and BLASTPASS reports): zero-click exploits go
 * through the message and image parsers, whose crashes they leave behind: each crash report
 * (bug type 109 or 309, or a report with an exception) of {@code IMTranscoderAgent},
 * {@code MessagesBlastDoorService}, {@code imagent} or WebContent
 * ({@code com.apple.WebKit.WebContent}) is LOW; {@value #CLUSTER_SIZE} or more of them within
 * 24 hours of the first are one MEDIUM "cluster" alert.
 *
 * <p><b>Timeline</b>: {@code crash} per dated report.
 */
public final class SysdiagnoseCrashes implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseCrashes.class);

    public static final String PATTERN = "crashes_and_spins/*.ips";
    static final int MAX_BYTES = 8 << 20;
    static final int CLUSTER_SIZE = 3;
    static final Duration CLUSTER_WINDOW = Duration.ofHours(24);
    static final Set<String> PARSERS = Set.of("IMTranscoderAgent", "MessagesBlastDoorService", "imagent",
            "WebContent", "com.apple.WebKit.WebContent");
    static final String WEBCONTENT_BUNDLE = "com.apple.WebKit.WebContent";
    static final Set<String> CRASH_BUG_TYPES = Set.of("109", "309");

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build()).build());
    private static final DateTimeFormatter IPS_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .appendLiteral(' ').appendOffset("+HHMM", "+0000").toFormatter();

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sysdiagnose_crashes", "SysdiagnoseCrashes", Platform.IOS,
            Set.of(SourceKind.IOS_SYSDIAGNOSE), List.of(PATTERN), List.of(),
            "Crash and diagnostic reports: processes, paths and bundle ids against indicators, crashes of"
                    + " message and image parsers");

    /**
     * One report.
     *
     * @param file report path in the sysdiagnose
     * @param timestamp report time, UTC, or ""
     * @param bug_type report type (309 crash, 288 stackshot, ...), or ""
     * @param process process name, or ""
     * @param path executable path, or ""
     * @param bundle_id bundle id, or ""
     * @param exception_type exception type of a crash (EXC_BAD_ACCESS, ...), or ""
     * @param os_version OS version, or ""
     */
    @JsonPropertyOrder({"file", "timestamp", "bug_type", "process", "path", "bundle_id", "exception_type",
            "os_version"})
    public record Report(String file, String timestamp, String bug_type, String process, String path,
            String bundle_id, String exception_type, String os_version) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = ctx.source().find(ArtifactPattern.anyDomain(PATTERN));
        if (files.isEmpty()) {
            throw new ArtifactNotFoundException("no crash report found (" + PATTERN + ")");
        }
        List<Report> reports = new ArrayList<>();
        for (ArtifactRef ref : files) {
            try (InputStream in = ctx.source().open(ref)) {
                reports.add(parse(in.readNBytes(MAX_BYTES), ref.relativePath()));
            } catch (IOException e) {
                LOG.warn("{}: unreadable crash report: {}", ref.displayName(), e.getMessage());
            }
        }
        reports.sort(Comparator.comparing(Report::timestamp).thenComparing(Report::file));

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        List<Report> parserCrashes = new ArrayList<>();
        for (Report r : reports) {
            out.record(r);
            if (!r.timestamp().isEmpty()) {
                out.timeline(r.timestamp(), "crash", summary(r));
            }
            if (indicators != null) {
                for (IndicatorMatch m : iocMatches(indicators, r.path(), r.process(), r.bundle_id())) {
                    out.alert(Level.CRITICAL, m, r.timestamp(), r);
                }
            }
            if (isParserCrash(r)) {
                parserCrashes.add(r);
                out.alert(Level.LOW, "Crash of " + shownName(r) + ", a message and image parser that zero-click"
                        + " exploits go through, on " + when(r.timestamp()) + " (" + r.file() + ")", r.timestamp(), r);
            }
        }
        for (List<Report> cluster : clusters(parserCrashes)) {
            Report first = cluster.get(0);
            Report last = cluster.get(cluster.size() - 1);
            Set<String> names = new LinkedHashSet<>();
            cluster.forEach(c -> names.add(shownName(c)));
            out.alert(Level.MEDIUM, "Cluster of " + cluster.size() + " crashes of message and image parsers within"
                    + " 24 hours, from " + first.timestamp() + " to " + last.timestamp() + ": "
                    + String.join(", ", names), first.timestamp(), cluster.stream().map(Report::file).toList());
        }
        LOG.info("Extracted {} crash and diagnostic reports", out.recordCount());
        return out.build();
    }

    private static String when(String t) {
        return t.isEmpty() ? "an unknown date" : t;
    }

    private static String shownName(Report r) {
        return r.process().isEmpty() ? r.bundle_id() : r.process();
    }

    static String summary(Report r) {
        StringBuilder sb = new StringBuilder("Report");
        if (!r.bug_type().isEmpty()) {
            sb.append(" (bug type ").append(r.bug_type()).append(')');
        }
        sb.append(" of ").append(r.process().isEmpty() ? "an unknown process" : r.process());
        if (!r.bundle_id().isEmpty()) {
            sb.append(" (").append(r.bundle_id()).append(')');
        }
        if (!r.exception_type().isEmpty()) {
            sb.append(": ").append(r.exception_type());
        }
        return sb.toString();
    }

    /** A crash (not a spin or resource report) of one of the watched parsers. */
    static boolean isParserCrash(Report r) {
        boolean parser = PARSERS.contains(r.process()) || WEBCONTENT_BUNDLE.equals(r.bundle_id());
        boolean crash = CRASH_BUG_TYPES.contains(r.bug_type()) || !r.exception_type().isEmpty();
        return parser && crash;
    }

    /** Groups of CLUSTER_SIZE or more dated crashes within CLUSTER_WINDOW of the group's first. */
    static List<List<Report>> clusters(List<Report> crashes) {
        List<Report> dated = crashes.stream().filter(r -> !r.timestamp().isEmpty()).toList();
        List<List<Report>> out = new ArrayList<>();
        int i = 0;
        while (i < dated.size()) {
            LocalDateTime start = LocalDateTime.parse(dated.get(i).timestamp().replace(' ', 'T'));
            int j = i + 1;
            while (j < dated.size() && !LocalDateTime.parse(dated.get(j).timestamp().replace(' ', 'T'))
                    .isAfter(start.plus(CLUSTER_WINDOW))) {
                j++;
            }
            if (j - i >= CLUSTER_SIZE) {
                out.add(List.copyOf(dated.subList(i, j)));
                i = j;
            } else {
                i++;
            }
        }
        return out;
    }

    /** Parses one report; never fails on its content. */
    static Report parse(byte[] data, String file) {
        String text = new String(data, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String headerLine = nl < 0 ? text : text.substring(0, nl);
        String body = nl < 0 ? "" : text.substring(nl + 1);
        JsonNode header = json(headerLine, file);
        JsonNode b = body.stripLeading().startsWith("{") ? json(body, file) : null;

        String timestamp = time(str(header, "timestamp"));
        String process = "";
        String path = "";
        String bundle = str(header, "bundleID");
        String exception = "";
        if (b != null) {
            process = str(b, "procName");
            path = str(b, "procPath");
            if (bundle.isEmpty()) {
                bundle = str(b.path("bundleInfo"), "CFBundleIdentifier");
            }
            exception = str(b.path("exception"), "type");
            if (timestamp.isEmpty()) {
                timestamp = time(str(b, "captureTime"));
            }
        } else {
            for (String line : body.split("\n", 400)) {
                String l = line.strip();
                if (process.isEmpty() && l.startsWith("Process:")) {
                    process = textProcess(l.substring("Process:".length()).strip());
                } else if (path.isEmpty() && l.startsWith("Path:")) {
                    path = l.substring("Path:".length()).strip();
                } else if (bundle.isEmpty() && l.startsWith("Identifier:")) {
                    bundle = l.substring("Identifier:".length()).strip();
                } else if (exception.isEmpty() && l.startsWith("Exception Type:")) {
                    exception = textException(l.substring("Exception Type:".length()).strip());
                } else if (timestamp.isEmpty() && l.startsWith("Date/Time:")) {
                    timestamp = time(l.substring("Date/Time:".length()).strip());
                }
            }
        }
        if (process.isEmpty()) {
            process = str(header, "app_name");
        }
        if (process.isEmpty()) {
            process = str(header, "name");
        }
        return new Report(file, timestamp, str(header, "bug_type"), process, path, bundle, exception,
                str(header, "os_version"));
    }

    private static JsonNode json(String s, String file) {
        try {
            JsonNode n = MAPPER.readTree(s);
            return n != null && n.isObject() ? n : null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: not JSON: {}", file, e.getMessage());
            return null;
        }
    }

    private static String str(JsonNode n, String field) {
        if (n == null) {
            return "";
        }
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText("").strip();
    }

    /** "IMTranscoderAgent [1234]" -> "IMTranscoderAgent". */
    private static String textProcess(String v) {
        int bracket = v.lastIndexOf(" [");
        return bracket > 0 ? v.substring(0, bracket).strip() : v;
    }

    /** "EXC_BAD_ACCESS (SIGSEGV)" -> "EXC_BAD_ACCESS". */
    private static String textException(String v) {
        int paren = v.indexOf(" (");
        return paren > 0 ? v.substring(0, paren).strip() : v;
    }

    /** "2023-09-07 10:11:12.00 +0200" to UTC; "" when unparsable. */
    static String time(String text) {
        if (text.isEmpty()) {
            return "";
        }
        try {
            return Times.format(OffsetDateTime.parse(text, IPS_TIME).toInstant());
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Indicator matches: path (else process name), then bundle id. */
    static List<IndicatorMatch> iocMatches(Indicators indicators, String path, String process, String bundle) {
        List<IndicatorMatch> out = new ArrayList<>();
        Optional<IndicatorMatch> m = path.isEmpty() ? Optional.empty() : indicators.checkFilePath(path);
        if (m.isEmpty() && !process.isEmpty()) {
            m = indicators.checkProcess(process);
        }
        m.ifPresent(out::add);
        if (!bundle.isEmpty()) {
            indicators.checkAppId(bundle).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            String t = r.path("timestamp").asText("");
            for (IndicatorMatch m : iocMatches(indicators, r.path("path").asText(""), r.path("process").asText(""),
                    r.path("bundle_id").asText(""))) {
                out.alert(Level.CRITICAL, m, t, r);
            }
        }
        return out.build().alerts();
    }
}
