package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.PlistReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * WebKit browsing-session resource logs ({@code webkit_session_resource_log}, MVT's
 * {@code WebkitSessionResourceLog}).
 *
 * <p><b>Artifact</b>: {@code full_browsing_session_resourceLog.plist}, every copy. In a backup:
 * relative path {@code Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist}
 * in any domain; in a filesystem dump: the SafariViewService {@code WebsiteData} copy and the
 * {@code ResourceLoadStatistics} copy under
 * {@code private/var/mobile/Containers/Data/Application/*}, and
 * {@code private/var/mobile/Library/WebClips/*}{@code /Storage/}.
 *
 * <p><b>Records</b>: a dictionary keyed by the log's path (relative to the acquisition, as
 * {@link Support#mvtRelativePath} gives it), each a list of {@code browsingStatistics} entries:
 * {@code origin, redirect_source, redirect_destination, subframe_under_origin,
 * subresource_under_origin, user_interaction, most_recent_interaction, last_seen}.
 *
 * <p><b>Flags</b>: with indicators, an entry whose origin, redirect sources/destinations,
 * sub-frame or sub-resource origins match a domain indicator: CRITICAL (the indicator's message)
 * plus HIGH "Found HTTP redirect between suspicious domains: SOURCE: ... -> ORIGIN: ... ->
 * DESTINATION: ..." (the redirect chain, as MVT logs it; Amnesty's 2021 Pegasus methodology).
 *
 * <p>Unlike MVT: {@code lastSeen} / {@code mostRecentUserInteraction} stored as numbers (WebKit
 * writes Unix seconds) are converted (MVT gave null); plain-string entries of the redirect and
 * sub-frame lists are checked too (MVT read only dictionaries with {@code origin}/{@code domain});
 * the results are keyed
 * by the relative path in a backup too (MVT used the absolute path there).
 *
 * <p><b>Timeline</b>: none.
 */
public final class WebkitSessionResourceLog implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(WebkitSessionResourceLog.class);

    static final String BACKUP_RELPATH =
            "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist";
    static final List<String> FS_PATHS = List.of(
            "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/"
                    + "WebsiteData/full_browsing_session_resourceLog.plist",
            "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/ResourceLoadStatistics/"
                    + "full_browsing_session_resourceLog.plist",
            "private/var/mobile/Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist");

    static final List<ArtifactPattern> PATTERNS;

    static {
        List<ArtifactPattern> p = new ArrayList<>();
        p.add(ArtifactPattern.anyDomain(BACKUP_RELPATH));
        FS_PATHS.forEach(f -> p.add(ArtifactPattern.anyDomain(f)));
        PATTERNS = List.copyOf(p);
    }

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "webkit_session_resource_log", "WebkitSessionResourceLog", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of("*/" + BACKUP_RELPATH, FS_PATHS.get(0), FS_PATHS.get(1), FS_PATHS.get(2)), List.of(),
            "WebKit session resource logs: origins and redirect chains against domain indicators");

    /**
     * One {@code browsingStatistics} entry.
     *
     * @param origin {@code PrevalentResourceOrigin} ("" when absent)
     * @param redirectSource {@code topFrameUniqueRedirectsFrom} ("" when absent)
     * @param redirectDestination {@code topFrameUniqueRedirectsTo} ("" when absent)
     * @param subframeUnderOrigin {@code subframeUnderTopFrameOrigins} ("" when absent)
     * @param subresourceUnderOrigin {@code subresourceUnderTopFrameOrigins} ("" when absent)
     * @param userInteraction {@code hadUserInteraction}
     * @param mostRecentInteraction {@code mostRecentUserInteraction}, ISO, or null
     * @param lastSeen {@code lastSeen}, ISO, or null
     */
    @JsonPropertyOrder({"origin", "redirect_source", "redirect_destination", "subframe_under_origin",
            "subresource_under_origin", "user_interaction", "most_recent_interaction", "last_seen"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(
            @JsonProperty("origin") Object origin,
            @JsonProperty("redirect_source") Object redirectSource,
            @JsonProperty("redirect_destination") Object redirectDestination,
            @JsonProperty("subframe_under_origin") Object subframeUnderOrigin,
            @JsonProperty("subresource_under_origin") Object subresourceUnderOrigin,
            @JsonProperty("user_interaction") Object userInteraction,
            @JsonProperty("most_recent_interaction") String mostRecentInteraction,
            @JsonProperty("last_seen") String lastSeen) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> logs = BackupArtifacts.requireAll(ctx.source(), PATTERNS,
                "full_browsing_session_resourceLog.plist");
        Map<String, List<Entry>> results = new LinkedHashMap<>();
        for (ArtifactRef ref : logs) {
            LOG.info("Found Safari browsing session resource log at path: {}", ref.displayName());
            Map<String, Object> plist = PlistReader.readDict(ctx.source().localFile(ref), ref.displayName());
            results.put(Support.mvtRelativePath(ctx.source(), ref), entries(plist, ref.displayName()));
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        out.objectResults(results);
        if (ctx.hasIndicators()) {
            for (List<Entry> entries : results.values()) {
                for (Entry e : entries) {
                    check(out, ctx.indicators(), e.origin(), e.redirectSource(), e.redirectDestination(),
                            e.subframeUnderOrigin(), e.subresourceUnderOrigin(), e);
                }
            }
        }
        LOG.info("Extracted records from {} Safari browsing session resource logs", results.size());
        return out.build();
    }

    private static List<Entry> entries(Map<String, Object> plist, String name) {
        List<Entry> items = new ArrayList<>();
        Object stats = plist.get("browsingStatistics");
        if (!(stats instanceof List<?> list)) {
            return items;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> item)) {
                LOG.warn("{}: skipping a browsingStatistics entry that is not a dictionary", name);
                continue;
            }
            items.add(new Entry(item.containsKey("PrevalentResourceOrigin") ? item.get("PrevalentResourceOrigin") : "",
                    orEmpty(item, "topFrameUniqueRedirectsFrom"), orEmpty(item, "topFrameUniqueRedirectsTo"),
                    orEmpty(item, "subframeUnderTopFrameOrigins"), orEmpty(item, "subresourceUnderTopFrameOrigins"),
                    item.get("hadUserInteraction"), date(item.get("mostRecentUserInteraction"), name),
                    date(item.get("lastSeen"), name)));
        }
        return items;
    }

    private static Object orEmpty(Map<?, ?> item, String key) {
        return item.containsKey(key) ? item.get(key) : "";
    }

    private static String date(Object v, String name) {
        if (v == null) {
            return null;
        }
        if (v instanceof Instant i) {
            return Times.format(i);
        }
        if (v instanceof Number n) {
            // WebKit writes these as Unix seconds (WallTime); MVT fails on numbers and gives null
            String iso = Times.fromUnixSeconds(n);
            return iso.isEmpty() ? null : iso;
        }
        LOG.error("{}: cannot convert date of Safari resource: {}", name, v);
        return null;
    }

    /**
     * The domains of a redirect/sub-frame list: each dictionary's {@code origin} and
     * {@code domain}, and each plain string (MVT reads only dictionaries).
     */
    static List<String> domains(Object entries) {
        List<String> out = new ArrayList<>();
        if (entries instanceof List<?> l) {
            for (Object e : l) {
                if (e instanceof Map<?, ?> m) {
                    if (m.get("origin") != null) {
                        out.add(String.valueOf(m.get("origin")));
                    }
                    if (m.get("domain") != null) {
                        out.add(String.valueOf(m.get("domain")));
                    }
                } else if (e instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    static List<String> jsonDomains(JsonNode entries) {
        List<String> out = new ArrayList<>();
        if (entries != null && entries.isArray()) {
            for (JsonNode e : entries) {
                if (e.isObject()) {
                    if (e.hasNonNull("origin")) {
                        out.add(e.get("origin").asText());
                    }
                    if (e.hasNonNull("domain")) {
                        out.add(e.get("domain").asText());
                    }
                } else if (e.isTextual() && !e.asText().isEmpty()) {
                    out.add(e.asText());
                }
            }
        }
        return out;
    }

    private static void check(ModuleResult.Builder out, Indicators indicators, Object origin, Object source,
            Object destination, Object subframe, Object subresource, Object event) {
        List<String> sources = domains(source);
        List<String> destinations = domains(destination);
        String originText = origin == null ? "" : String.valueOf(origin);
        Set<String> all = new LinkedHashSet<>();
        all.add(originText);
        all.addAll(sources);
        all.addAll(destinations);
        all.addAll(domains(subframe));
        all.addAll(domains(subresource));
        alert(out, indicators, originText, sources, destinations, all, event);
    }

    private static void alert(ModuleResult.Builder out, Indicators indicators, String origin, List<String> sources,
            List<String> destinations, Set<String> all, Object event) {
        all.remove("");
        Optional<IndicatorMatch> m = indicators.checkUrls(all);
        if (m.isEmpty()) {
            return;
        }
        out.alert(Level.CRITICAL, m.get(), "", event);
        out.alert(Level.HIGH, "Found HTTP redirect between suspicious domains: "
                + redirectPath(origin, sources, destinations), m.get(), "", event);
    }

    /** MVT's redirect chain text: {@code SOURCE: "a", "b" -> ORIGIN: "o" -> DESTINATION: "d"}. */
    static String redirectPath(String origin, List<String> sources, List<String> destinations) {
        StringBuilder sb = new StringBuilder();
        if (!sources.isEmpty()) {
            sb.append("SOURCE: ").append(quoted(sources)).append(" -> ");
        }
        sb.append("ORIGIN: \"").append(origin).append('"');
        if (!destinations.isEmpty()) {
            sb.append(" -> DESTINATION: ").append(quoted(destinations));
        }
        return sb.toString();
    }

    private static String quoted(List<String> l) {
        StringBuilder sb = new StringBuilder();
        for (String s : l) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('"').append(s).append('"');
        }
        return sb.toString();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isObject() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (Iterator<JsonNode> it = results.elements(); it.hasNext();) {
            JsonNode entries = it.next();
            if (!entries.isArray()) {
                continue;
            }
            for (JsonNode e : entries) {
                String origin = e.path("origin").isTextual() ? e.path("origin").asText() : "";
                List<String> sources = jsonDomains(e.get("redirect_source"));
                List<String> destinations = jsonDomains(e.get("redirect_destination"));
                Set<String> all = new LinkedHashSet<>();
                all.add(origin);
                all.addAll(sources);
                all.addAll(destinations);
                all.addAll(jsonDomains(e.get("subframe_under_origin")));
                all.addAll(jsonDomains(e.get("subresource_under_origin")));
                alert(out, indicators, origin, sources, destinations, all, e);
            }
        }
        return out.build().alerts();
    }
}
