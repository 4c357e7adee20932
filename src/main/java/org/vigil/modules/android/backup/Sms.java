package org.vigil.modules.android.backup;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.InflaterInputStream;
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
import org.vigil.core.model.UrlRecord;
import org.vigil.io.CappedInputStream;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.ioc.UrlExpander;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * SMS and MMS messages of an Android backup ({@code sms}, MVT's {@code SMS} backup module).
 *
 * <p><b>Artifact</b>: the telephony provider's backups in an adb backup (an {@code .ab} file or an
 * unpacked folder): {@code apps/com.android.providers.telephony/d_f/*_sms_backup} then
 * {@code *_mms_backup}, each a zlib-compressed JSON array of message objects (values mostly
 * strings: {@code "date": "1645543781956"}).
 *
 * <p><b>Records</b>: each message object with its keys as they are, MMS {@code mms_body} renamed
 * {@code body} (added last), then {@code isodate}, {@code direction} ({@code sent} when
 * {@code date_sent} is a non-zero number, else {@code received}, as MVT) and {@code links} (every
 * {@code http(s)://} run of non-blank characters in the body). As MVT, only messages with links
 * or with a blank body are kept ({@code links} is {@code []} for a blank body, null when there is
 * no body at all, e.g. a picture-only MMS).
 *
 * <p><b>Dates</b>: SMS {@code date} is in Unix milliseconds. MMS {@code date} is in Unix
 * <em>seconds</em> (Android's {@code Telephony.Mms.DATE}); MVT divides it by 1000 too and dates
 * MMS in January 1970 (mvt-behaviour.md 12.11): Vigil reads MMS dates as seconds.
 *
 * <p><b>Flags</b>: a message whose links match a URL or domain indicator: CRITICAL, one alert per
 * message (its first matching link); links are checked in one batch. No heuristics, no timeline
 * (as MVT). Every link goes to urls.json (source {@code sms}).
 */
public final class Sms implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Sms.class);

    static final String DF = "apps/com.android.providers.telephony/d_f/";
    static final String SMS_FILES = DF + "*_sms_backup";
    static final String MMS_FILES = DF + "*_mms_backup";
    /** Cap of one decompressed SMS/MMS backup file. */
    static final long MAX_JSON_BYTES = 512L * 1024 * 1024;

    /** MVT's link extraction: {@code https?://\S+}, case-insensitive. */
    static final Pattern LINK = Pattern.compile("https?://\\S+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sms", "SMS", Platform.ANDROID,
            Set.of(SourceKind.ANDROID_BACKUP),
            List.of(SMS_FILES, MMS_FILES),
            List.of(),
            "SMS/MMS messages of an Android backup: links against indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        AcquisitionSource source = ctx.source();
        List<ArtifactRef> sms = source.find(ArtifactPattern.anyDomain(SMS_FILES));
        List<ArtifactRef> mms = source.find(ArtifactPattern.anyDomain(MMS_FILES));
        if (sms.isEmpty() && mms.isEmpty()) {
            throw new ArtifactNotFoundException(source.root() + ": no SMS or MMS backup (" + SMS_FILES + ", "
                    + MMS_FILES + ")");
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        List<Pending> pending = new ArrayList<>();
        UrlExpander expander = ctx.hasIndicators() ? ctx.indicators().expander() : null;
        for (ArtifactRef ref : sms) {
            LOG.info("Processing SMS backup file at {}", ref.displayName());
            read(source, ref, false, out, pending, expander);
        }
        for (ArtifactRef ref : mms) {
            LOG.info("Processing MMS backup file at {}", ref.displayName());
            read(source, ref, true, out, pending, expander);
        }
        if (ctx.hasIndicators() && !pending.isEmpty()) {
            List<Optional<IndicatorMatch>> matches = ctx.indicators().checkUrlBatches(
                    pending.stream().map(Pending::links).toList());
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                matches.get(i).ifPresent(m -> out.alert(Level.CRITICAL, m, p.isodate(), p.message()));
            }
        }
        LOG.info("Extracted a total of {} SMS & MMS messages containing links", out.recordCount());
        return out.build();
    }

    /** A message with links, waiting for the batched indicator check. */
    private record Pending(List<String> links, String isodate, Map<String, Object> message) {}

    private static void read(AcquisitionSource source, ArtifactRef ref, boolean mms, ModuleResult.Builder out,
            List<Pending> pending, UrlExpander expander) throws IOException, CorruptArtifactException {
        String name = ref.displayName();
        int skipped = 0;
        try (InputStream raw = source.open(ref);
                InputStream in = new CappedInputStream(new InflaterInputStream(raw), MAX_JSON_BYTES,
                        name + ": more than " + MAX_JSON_BYTES + " bytes once decompressed");
                JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new CorruptArtifactException(name + ": not a JSON array of messages");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new CorruptArtifactException(name + ": the JSON array is not terminated");
                }
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    skipped++;
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = p.readValueAs(LinkedHashMap.class);
                Map<String, Object> message = message(entry, mms);
                if (message != null) {
                    add(out, message, pending, expander);
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new CorruptArtifactException(name + ": invalid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new CorruptArtifactException(name + ": not a complete zlib stream (" + e.getMessage() + ")", e);
        }
        if (skipped > 0) {
            LOG.warn("{}: {} array elements were not message objects and were skipped", name, skipped);
        }
    }

    /** MVT's parse_sms_file for one entry; null when the message is not kept (body without links). */
    static Map<String, Object> message(Map<String, Object> entry, boolean mms) {
        if (entry.containsKey("mms_body")) {
            // as Python's dict: a new "body" key goes last, an existing one keeps its place
            entry.put("body", entry.remove("mms_body"));
        }
        Object body = entry.get("body");
        String text = body instanceof String s ? s : body == null ? null : String.valueOf(body);
        List<String> links = links(text);
        Long date = integer(entry.get("date"));
        String isodate;
        if (date == null) {
            isodate = "";
        } else if (mms) {
            isodate = Times.fromUnixSeconds(date);
        } else {
            isodate = Times.fromUnixMillis(date);
        }
        Long sent = integer(entry.get("date_sent"));
        entry.put("isodate", isodate);
        entry.put("direction", sent != null && sent != 0 ? "sent" : "received");
        if (text == null) {
            entry.put("links", null);
            return entry;
        }
        if (!links.isEmpty() || text.strip().isEmpty()) {
            entry.put("links", links);
            return entry;
        }
        return null;
    }

    private static void add(ModuleResult.Builder out, Map<String, Object> message, List<Pending> pending,
            UrlExpander expander) {
        out.record(message);
        @SuppressWarnings("unchecked")
        List<String> links = (List<String>) message.get("links");
        if (links == null || links.isEmpty()) {
            return;
        }
        String isodate = (String) message.get("isodate");
        for (String link : links) {
            // only with --allow-network: the expander is offline otherwise
            String expanded = expander != null && expander.isOnline() && UrlExpander.isShortened(link)
                    ? expander.expand(link).orElse(null) : null;
            out.url(new UrlRecord(link, expanded, isodate, "sms"));
        }
        pending.add(new Pending(links, isodate, message));
    }

    /** Python's {@code int(value)} for the JSON's string or number values; null when not an integer. */
    static Long integer(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Every {@code http(s)://} link in the text, in order. */
    static List<String> links(String text) {
        List<String> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        for (JsonNode message : results) {
            if (!message.hasNonNull("body")) {
                continue;
            }
            List<String> links = new ArrayList<>();
            JsonNode linkNode = message.get("links");
            if (linkNode != null && linkNode.isArray()) {
                linkNode.forEach(l -> {
                    if (l.isTextual()) {
                        links.add(l.asText());
                    }
                });
            }
            String isodate = message.path("isodate").asText("");
            indicators.checkUrls(links).ifPresent(m -> out.alert(Level.CRITICAL, m, isodate, message));
        }
        return out.build().alerts();
    }
}
