package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * iOS update history from the analytics journals ({@code ios_version_history}, MVT's
 * {@code IOSVersionHistory}).
 *
 * <p><b>Artifact</b>: {@value #GLOB} (every one), filesystem dumps only. Only the first line of
 * each is read (at most {@value #MAX_LINE} bytes): a JSON object with {@code timestamp}
 * ({@code 2021-06-14 11:51:47.00 +0200}) and {@code os_version}
 * ({@code iPhone OS 14.6 (18F72)}).
 *
 * <p><b>Records</b>: {@code {isodate (UTC; "" when the time is absent or unparsable), os_version}},
 * sorted by {@code isodate}.
 *
 * <p><b>Flags</b>: none. <b>Timeline</b>: {@code ios_version} "Recorded iOS version V".
 *
 * <p>Bad input: a journal whose first line is not a JSON object, or has no {@code os_version},
 * is logged and the others are still read (unreadable when none can be). MVT stopped at the
 * first such file.
 */
public final class IOSVersionHistory implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(IOSVersionHistory.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String GLOB = "private/var/db/analyticsd/Analytics-Journal-*.ips";
    /** Longest first line read, in bytes. */
    static final int MAX_LINE = 1 << 20;

    /** Python's {@code %Y-%m-%d %H:%M:%S.%f %z} (the fraction optional, the offset with or without colon). */
    static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .appendLiteral(' ')
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "ios_version_history", "IOSVersionHistory", Platform.IOS, Set.of(SourceKind.IOS_FS),
            List.of(GLOB + " (first line)"), List.of(),
            "iOS versions recorded by the analytics journals (update history)");

    /**
     * One journal.
     *
     * @param isodate the journal's time in UTC, "" when unknown
     * @param osVersion the OS version line ({@code iPhone OS 14.6 (18F72)})
     */
    @JsonPropertyOrder({"isodate", "os_version"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Version(@JsonProperty("isodate") String isodate, @JsonProperty("os_version") String osVersion) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = FsArtifacts.requireFiles(ctx.source(), List.of(GLOB), "Analytics journal (" + GLOB + ")");
        List<Version> versions = new ArrayList<>();
        FsArtifacts.Failures failures = new FsArtifacts.Failures(DESCRIPTOR.slug());
        for (ArtifactRef ref : files) {
            try {
                versions.add(read(ctx.source(), ref));
                failures.ok();
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                failures.failed(e);
            }
        }
        failures.throwIfNothingRead();
        versions.sort(Comparator.comparing(Version::isodate));
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        versions.forEach(out::record);
        for (Version v : versions) {
            out.timeline(v.isodate(), "ios_version", "Recorded iOS version " + v.osVersion());
        }
        return out.build();
    }

    static Version read(AcquisitionSource source, ArtifactRef ref) throws IOException, CorruptArtifactException,
            UnsupportedSchemaException {
        String name = ref.relativePath();
        String line;
        try (InputStream in = new java.io.BufferedInputStream(source.open(ref))) {
            line = firstLine(in, name);
        }
        JsonNode first;
        try {
            first = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CorruptArtifactException(name + ": first line is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (first == null || !first.isObject()) {
            throw new CorruptArtifactException(name + ": first line is not a JSON object");
        }
        JsonNode os = first.get("os_version");
        if (os == null || os.isNull() || os.isContainerNode()) {
            throw new UnsupportedSchemaException(name + ": no os_version in the first line");
        }
        String isodate = "";
        JsonNode ts = first.get("timestamp");
        if (ts != null && ts.isTextual()) {
            isodate = utc(ts.asText());
            if (isodate.isEmpty()) {
                LOG.warn("{}: unparsable timestamp \"{}\"", name, ts.asText());
            }
        } else {
            LOG.warn("{}: no timestamp in the first line", name);
        }
        return new Version(isodate, os.asText());
    }

    /** The journal's time in UTC ISO, "" when unparsable. */
    static String utc(String text) {
        try {
            return Times.format(OffsetDateTime.parse(text.strip(), TIMESTAMP).toInstant());
        } catch (DateTimeParseException e) {
            return "";
        }
    }

    private static String firstLine(InputStream in, String name) throws IOException, CorruptArtifactException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (buf.size() >= MAX_LINE) {
                throw new CorruptArtifactException(name + ": first line longer than " + MAX_LINE + " bytes");
            }
            buf.write(b);
        }
        if (buf.size() == 0) {
            throw new CorruptArtifactException(name + ": empty first line");
        }
        return buf.toString(StandardCharsets.UTF_8).strip();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of(); // no indicator checks (MVT has none either)
    }
}
