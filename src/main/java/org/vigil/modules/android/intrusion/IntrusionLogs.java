package org.vigil.modules.android.intrusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.io.Times;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceKind;
import org.vigil.source.android.IntrusionLogSource;

/** What the intrusion-log modules share: the buckets, timestamps, Python-style texts. */
final class IntrusionLogs {
    static final Set<SourceKind> KINDS = Set.of(SourceKind.ANDROID_INTRUSION_LOGS);

    private IntrusionLogs() {}

    /** The events of this type from the source, or ArtifactNotFoundException for other sources. */
    static List<ObjectNode> events(AcquisitionSource source, String type) throws ArtifactNotFoundException {
        if (source instanceof IntrusionLogSource logs) {
            return logs.events(type);
        }
        throw new ArtifactNotFoundException("no intrusion logs in this " + source.kind().label());
    }

    /**
     * A copy of the event with {@code timestamp}: {@code event_time} divided by {@code perMicro}
     * (1/1000 for milliseconds, 1000 for nanoseconds) as ISO UTC; null when absent, zero or not a
     * number, as MVT.
     */
    static ObjectNode withTimestamp(ObjectNode event, boolean nanos) {
        return withTimestamp(event, nanos, java.time.ZoneOffset.UTC);
    }

    /** The device zone of the source (UTC for other sources). */
    static java.time.ZoneId zone(AcquisitionSource source) {
        return source instanceof IntrusionLogSource logs ? logs.deviceZone() : java.time.ZoneOffset.UTC;
    }

    /** As {@link #withTimestamp(ObjectNode, boolean)}, in device local time of {@code zone}. */
    static ObjectNode withTimestamp(ObjectNode event, boolean nanos, java.time.ZoneId zone) {
        ObjectNode r = event.deepCopy();
        JsonNode t = event.get("event_time");
        String ts = null;
        if (t != null && t.isNumber() && t.asDouble() != 0) {
            long micros;
            if (t.isIntegralNumber()) {
                micros = nanos ? Math.floorDiv(t.asLong(), 1000L) : Math.multiplyExact(t.asLong(), 1000L);
            } else {
                micros = (long) Math.floor(nanos ? t.asDouble() / 1000.0 : t.asDouble() * 1000.0);
            }
            String iso = Times.fromEpochMicros(micros);
            if (!iso.isEmpty() && !zone.equals(java.time.ZoneOffset.UTC)) {
                java.time.Instant at = java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1000L);
                iso = Times.format(java.time.LocalDateTime.ofInstant(at, zone));
            }
            ts = iso.isEmpty() ? null : iso;
        }
        if (ts == null) {
            r.putNull("timestamp");
        } else {
            r.put("timestamp", ts);
        }
        return r;
    }

    /** The record's timestamp, "" when null (the alerts' event time). */
    static String time(JsonNode record) {
        JsonNode t = record.get("timestamp");
        return t == null || t.isNull() ? "" : t.asText();
    }

    /** A string field, "" when missing/null; other values as Python's str(). */
    static String text(JsonNode n, String key) {
        JsonNode v = n == null ? null : n.get(key);
        return v == null || v.isNull() ? "" : py(v);
    }

    /** Python truthiness of a field, {@code dflt} when missing. */
    static boolean truthy(JsonNode n, String key, boolean dflt) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null) {
            return dflt;
        }
        return truthy(v);
    }

    static boolean truthy(JsonNode v) {
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asDouble() != 0;
        }
        if (v.isTextual()) {
            return !v.asText().isEmpty();
        }
        return !v.isEmpty();
    }

    /** Python's {@code str()} of a JSON value (dicts and lists as their repr). */
    static String py(JsonNode v) {
        if (v == null || v.isNull()) {
            return "None";
        }
        if (v.isTextual()) {
            return v.asText();
        }
        return repr(v);
    }

    /** Python's {@code repr()} of a JSON value. */
    static String repr(JsonNode v) {
        if (v == null || v.isNull()) {
            return "None";
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? "True" : "False";
        }
        if (v.isTextual()) {
            String s = v.asText();
            boolean dq = s.contains("'") && !s.contains("\"");
            char q = dq ? '"' : '\'';
            StringBuilder b = new StringBuilder().append(q);
            for (char c : s.toCharArray()) {
                if (c == '\\') {
                    b.append("\\\\");
                } else if (c == q) {
                    b.append('\\').append(c);
                } else if (c == '\n') {
                    b.append("\\n");
                } else if (c == '\r') {
                    b.append("\\r");
                } else if (c == '\t') {
                    b.append("\\t");
                } else {
                    b.append(c);
                }
            }
            return b.append(q).toString();
        }
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.asText() : org.vigil.io.PyFormat.floatRepr(v.asDouble());
        }
        if (v.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(repr(v.get(i)));
            }
            return b.append(']').toString();
        }
        StringBuilder b = new StringBuilder("{");
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        boolean first = true;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(first ? "" : ", ").append(repr(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey())))
                    .append(": ").append(repr(e.getValue()));
            first = false;
        }
        return b.append('}').toString();
    }

    /**
     * The run of the network-event modules (DNS queries, connections): each event gets its
     * timestamp, the indicator checks' CRITICAL alerts, a timeline row and its record.
     */
    static org.vigil.core.ModuleResult runNetworkEvents(org.vigil.core.ModuleContext ctx,
            org.vigil.core.ModuleDescriptor descriptor, String type, String timelineEvent,
            java.util.function.BiFunction<ObjectNode, org.vigil.ioc.Indicators, List<org.vigil.ioc.IndicatorMatch>> check,
            java.util.function.Function<JsonNode, String> describe) throws Exception {
        List<ObjectNode> events = events(ctx.source(), type);
        org.vigil.core.ModuleResult.Builder out = ctx.newResult(descriptor);
        org.vigil.ioc.Indicators iocs = ctx.hasIndicators() ? ctx.indicators() : null;
        java.time.ZoneId zone = zone(ctx.source());
        for (ObjectNode ev : events) {
            ObjectNode r = withTimestamp(ev, false, zone);
            List<org.vigil.ioc.IndicatorMatch> matches = iocs == null ? List.of() : check.apply(r, iocs);
            for (org.vigil.ioc.IndicatorMatch m : matches) {
                out.alert(org.vigil.core.model.Level.CRITICAL, m, time(r), r);
            }
            out.timeline(time(r), timelineEvent, describe.apply(r));
            out.record(r);
        }
        return out.build();
    }
}
