package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.vigil.source.SourceKind;

/**
 * Associated domains of installed apps ({@code swcutil}; no MVT equivalent): which app claims which
 * web domain for universal links, shared web credentials, App Clips and similar services.
 *
 * <p><b>Artifact</b>: {@value #FILE} at the top of a sysdiagnose, the output of
 * {@code swcutil show}. Its {@code DATABASE} section lists one entry per app, service and domain,
 * entries separated by a line of dashes, each a list of {@code Key:   value} lines
 * ({@code Service}, {@code App ID} = team id + bundle id, {@code App Version}, {@code Domain},
 * {@code User Approval}, {@code Site/Fmwk Approval}, {@code Flags}, {@code Last Checked},
 * {@code Next Check}, {@code Error}), as Apple's technote TN3155 shows. Other sections (headers,
 * network, settings, memory) are not read. Invalid UTF-8 becomes U+FFFD; lines are capped at
 * {@value #MAX_LINE} characters; a non-empty file without a DATABASE entry is unreadable.
 *
 * <p><b>Records</b>: {@code service}, {@code app_id}, {@code bundle_id} (the app id without its
 * ten-character team prefix), {@code app_version}, {@code domain} (as written, e.g.
 * {@code *.example.com?mode=developer}), {@code host} (the domain without wildcard prefix or mode
 * suffix), {@code user_approval}, {@code site_approval}, {@code flags}, {@code last_checked} (UTC,
 * "" when absent), {@code error}.
 *
 * <p><b>Flags</b>: a host matching a domain indicator, a bundle id equal to an app-id indicator
 * (CRITICAL, once per value). No heuristic: associated domains are ordinary app metadata.
 *
 * <p><b>Timeline</b>: {@code associated_domain_check} at the last check, "{@code <service>:
 * <app id> for <domain>}".
 */
public final class SwcutilShow implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SwcutilShow.class);

    public static final String FILE = "swcutil_show.txt";
    static final int MAX_LINE = 65_536;
    static final int MAX_ENTRIES = 1_000_000;

    private static final Pattern SECTION = Pattern.compile("^=+ *([A-Z][A-Z ]*[A-Z]) *=+$");
    private static final Pattern SEPARATOR = Pattern.compile("^-{10,}$");
    private static final Pattern FIELD = Pattern.compile("^([A-Za-z][A-Za-z /]{0,63}):\\s*(.*)$");
    private static final Pattern TEAM = Pattern.compile("^[A-Z0-9]{10}\\.(.+)$");
    /** "2021-09-23 18:16:58 +0000", iOS 18.2: "2024-12-01 3:04:05 PM +0000" (narrow spaces allowed). */
    private static final Pattern TIME = Pattern.compile(
            "^(\\d{4})-(\\d{2})-(\\d{2})[\\s\\u202f]+(\\d{1,2}):(\\d{2}):(\\d{2})(?:[\\s\\u202f]*([AaPp])\\.?[Mm]\\.?)?"
                    + "[\\s\\u202f]*([+-])(\\d{2}):?(\\d{2})$");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "swcutil", "SwcutilShow", Platform.IOS, Set.of(SourceKind.IOS_SYSDIAGNOSE), List.of(FILE), List.of(),
            "Associated domains of apps (swcutil_show.txt): domains and bundle ids against indicators");

    /**
     * One associated-domain entry.
     *
     * @param service applinks, webcredentials, appclips, activitycontinuation...
     * @param app_id team id and bundle id
     * @param bundle_id the bundle id
     * @param app_version the app's version, or ""
     * @param domain the domain as written
     * @param host the domain without wildcard or mode
     * @param user_approval user approval state, or ""
     * @param site_approval site/framework approval state, or ""
     * @param flags flags, or ""
     * @param last_checked last check of the site's association file (UTC), or ""
     * @param error the last error, or ""
     */
    @JsonPropertyOrder({"service", "app_id", "bundle_id", "app_version", "domain", "host", "user_approval",
        "site_approval", "flags", "last_checked", "error"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(String service, String app_id, String bundle_id, String app_version, String domain,
            String host, String user_approval, String site_approval, String flags, String last_checked,
            String error) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> refs = ctx.source().find(ArtifactPattern.anyDomain(FILE)).stream()
                .filter(r -> r.relativePath().equals(FILE)).toList();
        if (refs.isEmpty()) {
            throw new ArtifactNotFoundException(FILE + " not found");
        }
        List<Entry> entries;
        try (InputStream in = ctx.source().open(refs.get(0))) {
            entries = parse(in, refs.get(0).relativePath());
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            out.record(e);
            if (!e.last_checked().isEmpty()) {
                out.timeline(e.last_checked(), "associated_domain_check", e.service() + ": " + e.app_id() + " for "
                        + e.domain());
            }
            if (indicators != null) {
                for (IndicatorMatch m : iocMatches(indicators, e.host(), e.bundle_id(), seen)) {
                    out.alert(Level.CRITICAL, m, e.last_checked(), e);
                }
            }
        }
        LOG.info("Extracted {} associated domains", entries.size());
        return out.build();
    }

    /** The DATABASE entries of swcutil_show.txt. */
    static List<Entry> parse(InputStream in, String file) throws IOException, CorruptArtifactException {
        List<Entry> out = new ArrayList<>();
        LogLines lines = new LogLines(in, MAX_LINE);
        String section = "";
        boolean content = false;
        Map<String, String> fields = new LinkedHashMap<>();
        String line;
        while ((line = lines.next()) != null) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            content = true;
            Matcher s = SECTION.matcher(l);
            if (s.matches()) {
                flush(fields, out);
                section = s.group(1).strip();
                continue;
            }
            if (!section.equals("DATABASE")) {
                continue;
            }
            if (SEPARATOR.matcher(l).matches()) {
                flush(fields, out);
                continue;
            }
            Matcher f = FIELD.matcher(l);
            if (f.matches()) {
                fields.putIfAbsent(f.group(1).strip().toLowerCase(Locale.ROOT), f.group(2).strip());
            }
            if (out.size() >= MAX_ENTRIES) {
                LOG.warn("{}: more than {} entries, the rest is not read", file, MAX_ENTRIES);
                break;
            }
        }
        flush(fields, out);
        if (content && out.isEmpty()) {
            throw new CorruptArtifactException(file + ": no DATABASE entry found (expected \"Service:\", \"App ID:\""
                    + " and \"Domain:\" lines after a DATABASE header)");
        }
        return out;
    }

    private static void flush(Map<String, String> f, List<Entry> out) {
        if (f.containsKey("service") || f.containsKey("app id") || f.containsKey("domain")) {
            String appId = f.getOrDefault("app id", "");
            Matcher t = TEAM.matcher(appId);
            String domain = f.getOrDefault("domain", "");
            out.add(new Entry(f.getOrDefault("service", ""), appId, t.matches() ? t.group(1) : appId,
                    f.getOrDefault("app version", ""), domain, host(domain), f.getOrDefault("user approval", ""),
                    f.getOrDefault("site/fmwk approval", ""), f.getOrDefault("flags", ""),
                    time(f.getOrDefault("last checked", "")), f.getOrDefault("error", "")));
        }
        f.clear();
    }

    /** The host of an associated domain: no "*." prefix, no "?mode=..." suffix, no port. */
    static String host(String domain) {
        String h = domain;
        int q = h.indexOf('?');
        if (q >= 0) {
            h = h.substring(0, q);
        }
        if (h.startsWith("*.")) {
            h = h.substring(2);
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.strip().toLowerCase(Locale.ROOT);
    }

    /** A swcutil date in UTC ISO, "" when absent or not a date. */
    static String time(String value) {
        Matcher m = TIME.matcher(value.strip());
        if (!m.matches()) {
            return "";
        }
        try {
            int hour = Integer.parseInt(m.group(4));
            if (m.group(7) != null) {
                boolean pm = m.group(7).equalsIgnoreCase("p");
                if (hour < 1 || hour > 12) {
                    return "";
                }
                hour = hour % 12 + (pm ? 12 : 0);
            }
            int sign = m.group(8).equals("-") ? -1 : 1;
            ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * Integer.parseInt(m.group(9)),
                    sign * Integer.parseInt(m.group(10)));
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), hour, Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
            return Times.format(t.toInstant(offset));
        } catch (DateTimeException | NumberFormatException e) {
            return "";
        }
    }

    private static List<IndicatorMatch> iocMatches(Indicators indicators, String host, String bundle,
            Set<String> seen) {
        List<IndicatorMatch> out = new ArrayList<>();
        if (!host.isEmpty() && seen.add("d\0" + host)) {
            indicators.checkDomain(host).ifPresent(out::add);
        }
        if (!bundle.isEmpty() && seen.add("b\0" + bundle)) {
            Optional<IndicatorMatch> m = indicators.checkAppId(bundle);
            m.ifPresent(out::add);
        }
        return out;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        Set<String> seen = new HashSet<>();
        for (JsonNode r : results) {
            String host = r.hasNonNull("host") ? r.get("host").asText() : host(r.path("domain").asText(""));
            for (IndicatorMatch m : iocMatches(indicators, host, r.path("bundle_id").asText(""), seen)) {
                out.alert(Level.CRITICAL, m, r.path("last_checked").asText(""), r);
            }
        }
        return out.build().alerts();
    }
}
