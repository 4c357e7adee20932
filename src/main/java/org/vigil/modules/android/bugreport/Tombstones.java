package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/**
 * Native crash reports ({@code tombstones}, MVT's {@code Tombstones}).
 *
 * <p><b>Artifact</b>: {@code *}{@code /tombstone_*} files of the bug report (in
 * {@code FS/data/tombstones/}), text or protobuf ({@code .pb}, decoded by {@link TombstoneProto}),
 * each at most {@value #MAX_TEXT_BYTES} bytes. A {@code tombstone_NN.pb} next to its text twin
 * {@code tombstone_NN} is the same crash: it is read only when the text one is unreadable, so a
 * crash is never counted twice (MVT counts both). A file that cannot be read is logged and
 * counted, the others are still read; when none can be read the module is unreadable.
 *
 * <p><b>Records</b>: {@code {file_name, file_timestamp, build_fingerprint, revision, arch,
 * timestamp, process_uptime, command_line, pid, tid, process_name, binary_path, selinux_label,
 * uid, signal_info{code, code_name, name, number}, cause, causes, abort_message, extra}} as MVT;
 * {@code timestamp} is the crash's wall-clock time with its offset dropped, cut to microseconds.
 * The first {@code pid:} line (the crashing thread) wins. A file without pid, tid, uid or signal
 * line is skipped with an error in the log.
 *
 * <p><b>Flags</b> (only when indicators are loaded, as MVT): process name or the base name of the
 * command line matching a process indicator (CRITICAL); else a crash of a process running as uid
 * 0, 1000 or 2000 (MEDIUM, MVT's heuristic). <b>Timeline</b>: {@code Tombstone} per crash.
 */
public final class Tombstones implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Tombstones.class);

    static final ArtifactPattern FILES = ArtifactPattern.anyDomain("*/tombstone_*");
    static final String DELIMITER = "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***";
    static final Set<Integer> SUSPICIOUS_UIDS = Set.of(0, 1000, 2000);
    static final long MAX_TEXT_BYTES = 64L * 1024 * 1024;
    private static final Pattern TIMESTAMP = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d+))?");
    private static final Pattern SIGNAL = Pattern.compile("^signal (-?\\d+)(?: \\(([^)]*)\\))?");
    private static final Pattern CODE = Pattern.compile("code (-?\\d+)(?: \\(([^)]*)\\))?");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "tombstones", "Tombstones", Platform.ANDROID, BugreportModules.KINDS,
            List.of("*/tombstone_*"), List.of(), "Native crashes: indicators, crashes of root/system/shell processes");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = new ArrayList<>(ctx.source().find(FILES));
        if (files.isEmpty()) {
            throw new ArtifactNotFoundException("Unable to find any tombstone files in " + ctx.source().root());
        }
        // one crash per name without ".pb": Android writes tombstone_NN and tombstone_NN.pb for the same
        // crash; the text one is read, the protobuf twin only when the text one is unreadable
        Map<String, List<ArtifactRef>> crashes = new java.util.TreeMap<>();
        for (ArtifactRef f : files) {
            String path = f.relativePath();
            String key = path.endsWith(".pb") ? path.substring(0, path.length() - 3) : path;
            crashes.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        List<String> failures = new ArrayList<>();
        for (List<ArtifactRef> variants : crashes.values()) {
            variants.sort(Comparator.comparing((ArtifactRef f) -> f.relativePath().endsWith(".pb"))
                    .thenComparing(ArtifactRef::relativePath));
            Map<String, Object> t = null;
            for (ArtifactRef f : variants) {
                try {
                    t = read(ctx, f);
                    break;
                } catch (CorruptArtifactException e) {
                    LOG.error("Error parsing tombstone file {}: {}", f.displayName(), e.getMessage());
                    failures.add(e.getMessage());
                }
            }
            if (t == null) {
                continue;
            }
            out.timeline((String) t.get("timestamp"), "Tombstone", timelineData(t));
            if (ctx.hasIndicators()) {
                check(out, t, ctx.indicators());
            }
            out.record(t);
        }
        LOG.info("Extracted a total of {} tombstone files", out.recordCount());
        if (!failures.isEmpty()) {
            LOG.warn("{} tombstone file(s) could not be read", failures.size());
            if (out.recordCount() == 0) {
                throw new CorruptArtifactException("none of the " + files.size() + " tombstone files could be read ("
                        + failures.get(0) + ")");
            }
        }
        return out.build();
    }

    /** One tombstone file, text or protobuf, as MVT's record. */
    private static Map<String, Object> read(ModuleContext ctx, ArtifactRef f) throws IOException,
            CorruptArtifactException {
        String path = f.relativePath();
        String fileName = path.substring(path.lastIndexOf('/') + 1);
        Long modified = f.meta() == null ? null : f.meta().modified();
        String fileTimestamp = modified == null ? "" : Times.fromUnixSeconds(modified);
        byte[] bytes;
        try (InputStream in = ctx.source().open(f)) {
            bytes = in.readNBytes((int) MAX_TEXT_BYTES + 1);
        }
        if (bytes.length > MAX_TEXT_BYTES) {
            throw new CorruptArtifactException(fileName + ": larger than " + MAX_TEXT_BYTES + " bytes; not read");
        }
        if (path.endsWith(".pb")) {
            return TombstoneProto.parse(fileName, fileTimestamp, bytes);
        }
        return parseText(fileName, fileTimestamp, new String(bytes, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    static String timelineData(Map<String, Object> t) {
        Map<String, Object> signal = (Map<String, Object>) t.get("signal_info");
        return "Crash in '" + t.get("process_name") + "' process running as UID '" + t.get("uid") + "' in file '"
                + t.get("file_name") + "' Crash type '" + signal.get("name") + "' with code '"
                + signal.get("code_name") + "'";
    }

    /** MVT's checks (the caller runs them only when indicators are loaded). */
    static void check(ModuleResult.Builder out, Map<String, Object> t, Indicators indicators) {
        String ts = t.get("timestamp") == null ? "" : (String) t.get("timestamp");
        Optional<IndicatorMatch> m = iocMatch(t.get("process_name"), t.get("command_line"), indicators);
        if (m.isPresent()) {
            out.alert(Level.CRITICAL, m.get(), ts, t);
            return;
        }
        Object uid = t.get("uid");
        if (uid instanceof Integer u && SUSPICIOUS_UIDS.contains(u)) {
            out.alert(Level.MEDIUM, "Potentially suspicious crash in process '" + t.get("process_name")
                    + "' running as UID '" + u + "' in tombstone '" + t.get("file_name") + "' at " + ts, ts, t);
        }
    }

    private static Optional<IndicatorMatch> iocMatch(Object processName, Object commandLine, Indicators indicators) {
        if (processName instanceof String p) {
            Optional<IndicatorMatch> m = indicators.checkProcess(p);
            if (m.isPresent()) {
                return m;
            }
        }
        if (commandLine instanceof List<?> cl && !cl.isEmpty() && cl.get(0) instanceof String first) {
            return indicators.checkProcess(first.substring(first.lastIndexOf('/') + 1));
        }
        return Optional.empty();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        for (JsonNode t : results) {
            List<String> cl = new ArrayList<>();
            t.path("command_line").forEach(n -> cl.add(n.asText()));
            Object name = t.path("process_name").isTextual() ? t.path("process_name").asText() : null;
            iocMatch(name, cl, indicators).ifPresent(m -> out.alert(Level.CRITICAL, m,
                    t.path("timestamp").asText(""), t));
        }
        return out.build().alerts();
    }

    /**
     * Parses a text tombstone into MVT's record.
     *
     * @throws CorruptArtifactException when a required field (pid, tid, uid, signal, timestamp,
     *     build fingerprint, revision) is missing or malformed
     */
    static Map<String, Object> parseText(String fileName, String fileTimestamp, String text)
            throws CorruptArtifactException {
        Map<String, Object> t = new LinkedHashMap<>();
        for (String key : List.of("file_name", "file_timestamp", "build_fingerprint", "revision", "arch",
                "timestamp", "process_uptime", "command_line", "pid", "tid", "process_name", "binary_path",
                "selinux_label", "uid", "signal_info", "cause", "causes", "abort_message", "extra")) {
            t.put(key, null);
        }
        t.put("file_name", fileName);
        t.put("file_timestamp", fileTimestamp);
        boolean pidSeen = false;
        for (String line : DumpsysSections.lines(text)) {
            if (line.isBlank() || line.contains(DELIMITER)) {
                continue;
            }
            try {
                if (line.startsWith("Build fingerprint:")) {
                    t.put("build_fingerprint", value(line));
                } else if (line.startsWith("Revision:")) {
                    t.put("revision", value(line));
                } else if (line.startsWith("ABI:")) {
                    t.put("arch", value(line));
                } else if (line.startsWith("Timestamp:")) {
                    t.put("timestamp", timestamp(line.substring(line.indexOf(':') + 1).strip()));
                } else if (line.startsWith("Process uptime:")) {
                    String v = value(line);
                    t.put("process_uptime", Integer.parseInt(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
                } else if (line.startsWith("Cmdline:")) {
                    t.put("command_line", List.of(value(line)));
                } else if (line.startsWith("pid:")) {
                    if (!pidSeen) {
                        pidSeen = true;
                        pidLine(line, t);
                    }
                } else if (line.startsWith("uid:")) {
                    t.put("uid", Integer.parseInt(value(line)));
                } else if (line.startsWith("signal ")) {
                    t.put("signal_info", signal(line));
                } else if (line.startsWith("Cause:")) {
                    t.put("cause", value(line));
                } else if (line.startsWith("Abort message:")) {
                    t.put("abort_message", value(line));
                }
            } catch (RuntimeException e) {
                throw new CorruptArtifactException(fileName + ": cannot read line \"" + line + "\": " + e);
            }
        }
        for (String required : List.of("build_fingerprint", "revision", "timestamp", "pid", "tid", "uid",
                "signal_info")) {
            if (t.get(required) == null) {
                throw new CorruptArtifactException(fileName + ": no " + required + " in the tombstone");
            }
        }
        return t;
    }

    /** The text after the first colon, blanks and single quotes stripped. */
    private static String value(String line) {
        String v = line.substring(line.indexOf(':') + 1).strip();
        int a = 0;
        int b = v.length();
        while (a < b && v.charAt(a) == '\'') {
            a++;
        }
        while (b > a && v.charAt(b - 1) == '\'') {
            b--;
        }
        return v.substring(a, b);
    }

    /** {@code pid: 9850, tid: 9893, name: UsbFfs-worker  >>> /system/bin/adbd <<<}. */
    private static void pidLine(String line, Map<String, Object> t) {
        int arrow = line.indexOf(">>>");
        String info = arrow >= 0 ? line.substring(0, arrow) : line;
        for (String part : info.split(",")) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = part.substring(0, colon).strip();
            String value = part.substring(colon + 1).strip();
            switch (key) {
                case "pid" -> t.put("pid", Integer.parseInt(value));
                case "tid" -> t.put("tid", Integer.parseInt(value));
                case "name" -> t.put("process_name", value);
                default -> { }
            }
        }
        if (arrow >= 0) {
            String path = line.substring(arrow + 3).strip();
            int end = path.length();
            while (end > 0 && (path.charAt(end - 1) == '<' || path.charAt(end - 1) == ' ')) {
                end--;
            }
            t.put("binary_path", path.substring(0, end));
        }
    }

    /** {@code signal 6 (SIGABRT), code -1 (SI_QUEUE), fault addr --------}. */
    private static Map<String, Object> signal(String line) {
        Matcher s = SIGNAL.matcher(line);
        Matcher c = CODE.matcher(line);
        if (!s.find() || !c.find(s.end())) {
            throw new IllegalArgumentException("not a signal line");
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("code", Integer.parseInt(c.group(1)));
        info.put("code_name", c.group(2) == null ? "UNKNOWN" : c.group(2));
        info.put("name", s.group(2) == null ? "UNKNOWN" : s.group(2));
        info.put("number", Integer.parseInt(s.group(1)));
        return info;
    }

    /** The wall-clock date and time, offset dropped, fraction cut to microseconds. */
    static String timestamp(String text) {
        Matcher m = TIMESTAMP.matcher(text);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("unrecognised timestamp");
        }
        String frac = m.group(3) == null ? "" : m.group(3);
        frac = (frac + "000000").substring(0, 6);
        return m.group(1) + " " + m.group(2) + "." + frac;
    }
}
