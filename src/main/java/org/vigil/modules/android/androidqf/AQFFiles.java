package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.vigil.source.ArtifactRef;

/**
 * Files listed by androidqf's collector ({@code aqf_files}, MVT's {@code AQFFiles}).
 *
 * <p><b>Artifact</b>: the first {@code *}{@code /files.json}, a JSON list or JSON lines of
 * {@code {path, size, mode, user_id, user_name, group_id, group_name, changed_time, modified_time,
 * access_time, error, context, sha1, sha256, sha512, md5}}. The three times (Unix seconds) become
 * device-local times ({@code persist.sys.timezone} of getprop.txt, UTC when unknown), MVT's
 * "Device Local Timestamp". Records are streamed (a list of 50,000 files is read entry by entry);
 * malformed JSON lines are skipped and counted in the log.
 *
 * <p><b>Flags</b> (only with indicators, as MVT): the path against file paths and names
 * (CRITICAL, nothing more checked for that file); a file under {@code /data/local/tmp/} other than
 * androidqf's own {@code /data/local/tmp/collector} (HIGH, "executable" when the mode has an
 * {@code x}); the first of sha256, sha1, md5 that matches a file hash (CRITICAL).
 *
 * <p><b>Timeline</b>: one row per distinct time, event MAC flags ({@code M}, {@code A},
 * {@code C} or {@code -}, then {@code -}), data {@code path (context)}.
 */
public final class AQFFiles implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(AQFFiles.class);
    static final String PATTERN = "*/files.json";
    static final String SUSPICIOUS_PATH = "/data/local/tmp/";
    static final String COLLECTOR = "/data/local/tmp/collector";
    static final List<String> TIMES = List.of("access_time", "changed_time", "modified_time");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("aqf_files", "AQFFiles",
            Platform.ANDROID, Aqf.KINDS, List.of(PATTERN), List.of(),
            "Files on the device: paths and hashes against indicators, files in /data/local/tmp");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = Aqf.first(ctx.source(), PATTERN, "files.json");
        ZoneId zone = Aqf.zone(ctx.source());
        byte[] data = Aqf.bytes(ctx.source(), ref);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators iocs = ctx.hasIndicators() ? ctx.indicators() : null;
        int bad = 0;
        if (firstNonBlank(data) == '[') {
            try (JsonParser p = Aqf.JSON.getFactory().createParser(data)) {
                p.nextToken();
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    add(out, Aqf.JSON.readTree(p), zone, iocs);
                }
                if (p.currentToken() != JsonToken.END_ARRAY) {
                    throw new CorruptArtifactException(ref.displayName() + ": unexpected "
                            + p.currentToken() + " in the list of files");
                }
            } catch (JsonProcessingException e) {
                throw new CorruptArtifactException(ref.displayName() + ": not valid JSON after "
                        + out.recordCount() + " files (" + e.getOriginalMessage() + ")", e);
            }
        } else {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(data),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n;
                    try {
                        n = Aqf.JSON.readTree(line);
                    } catch (JsonProcessingException e) {
                        bad++;
                        continue;
                    }
                    if (n != null && n.isObject()) {
                        add(out, n, zone, iocs);
                    } else {
                        bad++;
                    }
                }
            }
        }
        if (bad > 0) {
            LOG.warn("{}: {} malformed line(s) skipped", ref.displayName(), bad);
        }
        LOG.info("Found a total of {} files", out.recordCount());
        return out.build();
    }

    private static int firstNonBlank(byte[] data) {
        for (byte b : data) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t' && b != (byte) 0xEF && b != (byte) 0xBB
                    && b != (byte) 0xBF) {
                return b;
            }
        }
        return -1;
    }

    private static void add(ModuleResult.Builder out, JsonNode node, ZoneId zone, Indicators iocs) {
        if (!node.isObject()) {
            return;
        }
        ObjectNode file = ((ObjectNode) node).deepCopy();
        for (String key : TIMES) {
            JsonNode v = file.get(key);
            if (v != null && v.isNumber()) {
                file.put(key, local(v.decimalValue(), zone));
            }
        }
        out.record(file);
        timeline(out, file);
        if (iocs != null) {
            for (Pending a : check(file, iocs)) {
                out.alert(a.level(), a.message(), a.match(), "", file);
            }
        }
    }

    /** Unix seconds (possibly fractional) as a device-local ISO time. */
    static String local(BigDecimal seconds, ZoneId zone) {
        try {
            long s = seconds.longValue();
            int nanos = seconds.subtract(BigDecimal.valueOf(s)).movePointRight(9).intValue();
            Instant i = Instant.ofEpochSecond(s, nanos);
            return Times.format(LocalDateTime.ofInstant(i, zone));
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return "";
        }
    }

    private static void timeline(ModuleResult.Builder out, JsonNode file) {
        String m = Aqf.str(file, "modified_time");
        String a = Aqf.str(file, "access_time");
        String c = Aqf.str(file, "changed_time");
        String data = Aqf.str(file, "path");
        String context = Aqf.str(file, "context");
        if (!context.isEmpty()) {
            data += " (" + context + ")";
        }
        Set<String> times = new LinkedHashSet<>(List.of(m, a, c));
        for (String ts : times) {
            if (ts.isEmpty()) {
                continue;
            }
            String macb = (ts.equals(m) ? "M" : "-") + (ts.equals(a) ? "A" : "-") + (ts.equals(c) ? "C" : "-") + "-";
            out.timeline(ts, macb, data);
        }
    }

    /** An alert to raise. */
    record Pending(Level level, String message, IndicatorMatch match) {}

    static List<Pending> check(JsonNode file, Indicators iocs) {
        List<Pending> found = new ArrayList<>();
        String path = Aqf.str(file, "path");
        Optional<IndicatorMatch> byPath = iocs.checkFilePath(path);
        if (byPath.isPresent()) {
            found.add(new Pending(Level.CRITICAL, byPath.get().message(), byPath.get()));
            return found;
        }
        if (path.equals(COLLECTOR)) {
            return found;
        }
        if (path.startsWith(SUSPICIOUS_PATH)) {
            String type = Aqf.str(file, "mode").contains("x") ? "executable " : "";
            String msg = "Found " + type + "file at suspicious path \"" + path + "\"";
            LOG.warn("{}", msg);
            found.add(new Pending(Level.HIGH, msg, null));
        }
        for (String key : List.of("sha256", "sha1", "md5")) {
            Optional<IndicatorMatch> h = iocs.checkFileHash(Aqf.str(file, key));
            if (h.isPresent()) {
                found.add(new Pending(Level.CRITICAL, h.get().message(), h.get()));
                break;
            }
        }
        return found;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode f : results) {
                for (Pending a : check(f, indicators)) {
                    if (a.match() != null) {
                        out.alert(a.level(), a.message(), a.match(), "", f);
                    }
                }
            }
        }
        return out.build().alerts();
    }
}
