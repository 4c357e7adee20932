package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;
import org.vigil.source.android.AndroidQfSource;

/** What the androidqf modules share: artifact lookup, bounded reads, the device time zone. */
final class Aqf {
    static final Set<SourceKind> KINDS = Set.of(SourceKind.ANDROID_QF);
    static final ObjectMapper JSON = new ObjectMapper();
    /** Cap on one artifact read into memory. */
    static final long MAX_BYTES = 512L << 20;

    private Aqf() {}

    /** Every file matching the MVT pattern, in the source's order. */
    static List<ArtifactRef> all(AcquisitionSource source, String pattern) throws IOException {
        return source.find(ArtifactPattern.anyDomain(pattern));
    }

    /** The first file matching the MVT pattern, or ArtifactNotFoundException naming it. */
    static ArtifactRef first(AcquisitionSource source, String pattern, String what) throws IOException,
            ArtifactNotFoundException {
        List<ArtifactRef> refs = all(source, pattern);
        if (refs.isEmpty()) {
            throw new ArtifactNotFoundException(what + " not found in this androidqf acquisition (" + pattern + ")");
        }
        return refs.get(0);
    }

    /** The whole file, capped. */
    static byte[] bytes(AcquisitionSource source, ArtifactRef ref) throws IOException {
        if (source instanceof AndroidQfSource qf) {
            return qf.readBytes(ref, MAX_BYTES);
        }
        try (InputStream in = source.open(ref)) {
            byte[] b = in.readNBytes((int) Math.min(MAX_BYTES + 1, Integer.MAX_VALUE - 8));
            if (b.length > MAX_BYTES) {
                throw new IOException(ref.displayName() + ": larger than " + MAX_BYTES + " bytes; refused");
            }
            return b;
        }
    }

    /** The whole file as UTF-8 text (malformed bytes replaced). */
    static String text(AcquisitionSource source, ArtifactRef ref) throws IOException {
        return new String(bytes(source, ref), StandardCharsets.UTF_8);
    }

    /** The file parsed as one JSON document. */
    static JsonNode json(AcquisitionSource source, ArtifactRef ref) throws IOException, CorruptArtifactException {
        try {
            JsonNode n = JSON.readTree(bytes(source, ref));
            if (n == null || n.isMissingNode()) {
                throw new CorruptArtifactException(ref.displayName() + ": empty file, no JSON");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new CorruptArtifactException(ref.displayName() + ": not valid JSON (" + e.getOriginalMessage()
                    + ")", e);
        }
    }

    /** The device's time zone (persist.sys.timezone), UTC when unknown, as MVT. */
    static ZoneId zone(AcquisitionSource source) {
        if (source instanceof AndroidQfSource qf) {
            return qf.deviceZone().orElse(ZoneOffset.UTC);
        }
        String tz = source.deviceInfo().get(AndroidQfSource.DEVICE_TIMEZONE);
        if (tz != null) {
            try {
                return ZoneId.of(tz);
            } catch (DateTimeException e) {
                return ZoneOffset.UTC;
            }
        }
        return ZoneOffset.UTC;
    }

    /** A JSON value as text: "" for missing/null, the text of a string, else its JSON. */
    static String str(JsonNode n, String key) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || v.isNull()) {
            return "";
        }
        return v.isTextual() ? v.asText() : v.toString();
    }
}
