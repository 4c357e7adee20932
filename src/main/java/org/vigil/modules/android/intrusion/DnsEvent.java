package org.vigil.modules.android.intrusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.Platform;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;

/**
 * DNS queries from Android intrusion logs ({@code dns_event}, MVT's {@code DnsEvent}).
 *
 * <p><b>Artifact</b>: the {@code dns_event} lines of the intrusion logs
 * ({@link org.vigil.source.android.IntrusionLogSource#events(String)}). Each record is the event as
 * logged ({@code event_time} in ms, {@code hostname}, {@code ip_addresses}, {@code package_name},
 * ...) plus {@code timestamp} (ISO, device time zone = UTC) and, when an address matched,
 * {@code matched_ips}.
 *
 * <p><b>Flags</b> (with indicators, CRITICAL, as MVT): the hostname against domains; each address
 * (leading {@code /} removed, {@code 0.0.0.0} skipped) against domains; the package name against
 * app ids.
 *
 * <p><b>Timeline</b>: {@code dns_query} "DNS query for H by P [IPs: a, b]" ("[Matched IPs: ...]"
 * when addresses matched).
 */
public final class DnsEvent implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DnsEvent.class);
    static final String TYPE = "dns_event";
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("dns_event", "DnsEvent",
            Platform.ANDROID, IntrusionLogs.KINDS, List.of(), List.of(),
            "DNS queries from intrusion logs against domain and app id indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ModuleResult result = IntrusionLogs.runNetworkEvents(ctx, DESCRIPTOR, TYPE, "dns_query", DnsEvent::check,
                DnsEvent::describe);
        LOG.info("Identified {} DNS events", result.recordCount());
        return result;
    }

    /** The matches for one record, in MVT's order; adds {@code matched_ips} to it. */
    static List<IndicatorMatch> check(ObjectNode r, Indicators iocs) {
        List<IndicatorMatch> found = new ArrayList<>();
        String host = IntrusionLogs.text(r, "hostname");
        if (!host.isEmpty()) {
            iocs.checkDomain(host).ifPresent(found::add);
        }
        List<String> matchedIps = new ArrayList<>();
        for (String ip : cleanIps(r)) {
            Optional<IndicatorMatch> m = iocs.checkDomain(ip);
            if (m.isPresent()) {
                matchedIps.add(ip);
                found.add(m.get());
            }
        }
        if (!matchedIps.isEmpty()) {
            ArrayNode a = r.putArray("matched_ips");
            matchedIps.forEach(a::add);
        }
        String pkg = IntrusionLogs.text(r, "package_name");
        if (!pkg.isEmpty()) {
            iocs.checkAppId(pkg).ifPresent(found::add);
        }
        return found;
    }

    /** The addresses with leading slashes removed, without empty ones and 0.0.0.0. */
    static List<String> cleanIps(JsonNode r) {
        List<String> out = new ArrayList<>();
        JsonNode ips = r.get("ip_addresses");
        if (ips == null || !ips.isArray()) {
            return out;
        }
        for (JsonNode ip : ips) {
            String s = ip.isTextual() ? ip.asText().replaceFirst("^/+", "") : IntrusionLogs.py(ip);
            if (!s.isEmpty() && !s.equals("0.0.0.0")) {
                out.add(s);
            }
        }
        return out;
    }

    static String describe(JsonNode r) {
        String base = "DNS query for " + IntrusionLogs.text(r, "hostname") + " by " + IntrusionLogs.text(r, "package_name");
        JsonNode matched = r.get("matched_ips");
        if (matched != null && matched.isArray() && !matched.isEmpty()) {
            List<String> m = new ArrayList<>();
            matched.forEach(x -> m.add(x.asText()));
            return base + " [Matched IPs: " + String.join(", ", m) + "]";
        }
        List<String> clean = cleanIps(r);
        return clean.isEmpty() ? base : base + " [IPs: " + String.join(", ", clean) + "]";
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode n : results) {
                if (n.isObject()) {
                    ObjectNode r = ((ObjectNode) n).deepCopy();
                    for (IndicatorMatch m : check(r, indicators)) {
                        out.alert(Level.CRITICAL, m, IntrusionLogs.time(r), r);
                    }
                }
            }
        }
        return out.build().alerts();
    }
}
