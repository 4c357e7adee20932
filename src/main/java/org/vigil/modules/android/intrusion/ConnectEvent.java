package org.vigil.modules.android.intrusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * Network connections from Android intrusion logs ({@code connect_event}, MVT's
 * {@code ConnectEvent}).
 *
 * <p><b>Artifact</b>: the {@code connect_event} lines of the intrusion logs. Each record is the
 * event as logged ({@code event_time} in ms, {@code ip_address}, {@code port},
 * {@code package_name}, ...) plus {@code timestamp} and, when the address matched,
 * {@code matched_ip}.
 *
 * <p><b>Flags</b> (with indicators, CRITICAL, as MVT): the address (the part after the last
 * {@code /} of {@code host/ip}; {@code ::1}, {@code 127.0.0.1}, {@code 0.0.0.0} skipped) against
 * domains; the package name against app ids.
 *
 * <p><b>Timeline</b>: {@code network_connection} "Connection to ip:port by P" (plus
 * " [Matched IP: ip]").
 */
public final class ConnectEvent implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectEvent.class);
    static final String TYPE = "connect_event";
    private static final Set<String> LOCAL = Set.of("::1", "127.0.0.1", "0.0.0.0");
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("connect_event", "ConnectEvent",
            Platform.ANDROID, IntrusionLogs.KINDS, List.of(), List.of(),
            "Network connections from intrusion logs against IP and app id indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ModuleResult result = IntrusionLogs.runNetworkEvents(ctx, DESCRIPTOR, TYPE, "network_connection", ConnectEvent::check,
                ConnectEvent::describe);
        LOG.info("Identified {} connection events", result.recordCount());
        return result;
    }

    /** The matches for one record, in MVT's order; adds {@code matched_ip} to it. */
    static List<IndicatorMatch> check(ObjectNode r, Indicators iocs) {
        List<IndicatorMatch> found = new ArrayList<>();
        String ip = cleanIp(IntrusionLogs.text(r, "ip_address"));
        if (!ip.isEmpty() && !LOCAL.contains(ip)) {
            Optional<IndicatorMatch> m = iocs.checkDomain(ip);
            if (m.isPresent()) {
                r.put("matched_ip", ip);
                found.add(m.get());
            }
        }
        String pkg = IntrusionLogs.text(r, "package_name");
        if (!pkg.isEmpty()) {
            iocs.checkAppId(pkg).ifPresent(found::add);
        }
        return found;
    }

    /** {@code ip6-localhost/::1} gives {@code ::1}; {@code /1.2.3.4} gives {@code 1.2.3.4}. */
    static String cleanIp(String address) {
        int slash = address.lastIndexOf('/');
        return slash < 0 ? address : address.substring(slash + 1);
    }

    static String describe(JsonNode r) {
        JsonNode port = r.get("port");
        String p = port == null ? "0" : IntrusionLogs.py(port);
        String s = "Connection to " + cleanIp(IntrusionLogs.text(r, "ip_address")) + ":" + p + " by "
                + IntrusionLogs.text(r, "package_name");
        String matched = IntrusionLogs.text(r, "matched_ip");
        return matched.isEmpty() ? s : s + " [Matched IP: " + matched + "]";
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
