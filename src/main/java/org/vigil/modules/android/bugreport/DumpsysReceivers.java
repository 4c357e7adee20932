package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;

/**
 * Broadcast receivers registered for intent actions ({@code dumpsys_receivers}, MVT's
 * {@code DumpsysReceivers}).
 *
 * <p><b>Artifact</b>: the {@code Receiver Resolver Table:} / {@code Non-Data Actions:} part of the
 * {@code DUMP OF SERVICE package:} section (read as {@link ResolverTable} describes, so
 * mis-indented action headings are kept). <b>Records</b>: a JSON object, intent to
 * {@code [{package_name, receiver}]}. <b>Flags</b>: a receiver's package matching an app-id
 * indicator (CRITICAL, event {@code {intent: receiver}}); receivers of outgoing/incoming SMS,
 * data SMS, phone state and outgoing calls are logged (MVT's list). <b>Timeline</b>: none.
 */
public final class DumpsysReceivers implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysReceivers.class);

    static final Map<String, String> WATCHED = Map.of(
            "android.provider.Telephony.NEW_OUTGOING_SMS", "Found a receiver to intercept outgoing SMS messages: \"{}\"",
            "android.provider.Telephony.SMS_RECEIVED", "Found a receiver to intercept incoming SMS messages: \"{}\"",
            "android.intent.action.DATA_SMS_RECEIVED", "Found a receiver to intercept incoming data SMS message: \"{}\"",
            "android.intent.action.PHONE_STATE", "Found a receiver monitoring telephony state/incoming calls: \"{}\"",
            "android.intent.action.NEW_OUTGOING_CALL", "Found a receiver monitoring outgoing calls: \"{}\"");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_receivers", "DumpsysReceivers", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE package, Receiver Resolver Table"), List.of(),
            "Broadcast receivers for intent actions: indicators; SMS and call receivers logged");

    /** One receiver. */
    public record Receiver(@JsonProperty("package_name") String packageName, @JsonProperty("receiver") String receiver) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        Map<String, List<Receiver>> receivers = parse(DumpsysSections.service(ctx.source(), DumpsysPackages.SERVICE));
        LOG.info("Extracted receivers for {} intents", receivers.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        check(out, receivers, ctx.hasIndicators() ? ctx.indicators() : null);
        out.objectResults(receivers);
        return out.build();
    }

    static void check(ModuleResult.Builder out, Map<String, List<Receiver>> receivers, Indicators indicators) {
        for (Map.Entry<String, List<Receiver>> e : receivers.entrySet()) {
            for (Receiver r : e.getValue()) {
                String log = WATCHED.get(e.getKey());
                if (log != null) {
                    LOG.info(log, r.receiver());
                }
                if (indicators != null) {
                    indicators.checkAppId(r.packageName()).ifPresent(m -> out.alert(Level.CRITICAL, m, "",
                            Map.of(e.getKey(), r)));
                }
            }
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isObject() || indicators.isEmpty()) {
            return List.of();
        }
        Map<String, List<Receiver>> receivers = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = results.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Receiver> list = new ArrayList<>();
            e.getValue().forEach(r -> list.add(new Receiver(r.path("package_name").asText(""),
                    r.path("receiver").asText(""))));
            receivers.put(e.getKey(), list);
        }
        check(out, receivers, indicators);
        return out.build().alerts();
    }

    /** Intent to receivers, in order (an intent with no component lines maps to an empty list). */
    static Map<String, List<Receiver>> parse(List<String> lines) {
        Map<String, List<Receiver>> out = new LinkedHashMap<>();
        for (ResolverTable.Row r : ResolverTable.nonDataActions(lines, "Receiver Resolver Table:")) {
            List<Receiver> list = out.computeIfAbsent(r.intent(), k -> new ArrayList<>());
            if (r.component() != null) {
                list.add(new Receiver(r.packageName(), r.component()));
            }
        }
        return out;
    }
}
