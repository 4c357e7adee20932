package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
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
 * Jobs, alarms and foreground apps in the battery history ({@code dumpsys_battery_history},
 * MVT's {@code DumpsysBatteryHistory}).
 *
 * <p><b>Artifact</b>: the {@code Battery History ...} lines of the {@code DUMP OF SERVICE
 * batterystats:} section, up to the next heading at column 0 (a line not starting with a blank,
 * a digit or a sign; blank lines skipped). Events:
 * {@code +job=uid:"pkg/svc"} (start_job), {@code -job=} (end_job), {@code +running +wake_lock=}
 * with a {@code *walarm*:pkg/...} alarm (wake), {@code +top=uid:"pkg"} (start_top), {@code -top=}
 * (end_top).
 *
 * <p><b>Records</b>: {@code {time_elapsed, event, uid, package_name, service}}; {@code
 * time_elapsed} is the line's first field (or {@code MM-DD HH:MM:SS.mmm} in absolute-time dumps).
 * <b>Flags</b>: a package matching an app-id indicator (CRITICAL). <b>Timeline</b>: none.
 */
public final class DumpsysBatteryHistory implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysBatteryHistory.class);

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_battery_history", "DumpsysBatteryHistory", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE batterystats, Battery History"), List.of(),
            "Jobs, alarms and foreground apps from the battery history: indicators");

    /** One event. */
    @JsonPropertyOrder({"time_elapsed", "event", "uid", "package_name", "service"})
    public record Event(@JsonProperty("time_elapsed") String timeElapsed, @JsonProperty("event") String event,
            @JsonProperty("uid") String uid, @JsonProperty("package_name") String packageName,
            @JsonProperty("service") String service) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<Event> events = parse(DumpsysSections.service(ctx.source(), DumpsysBatteryDaily.SERVICE));
        LOG.info("Extracted {} records from battery history", events.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Event e : events) {
            if (ctx.hasIndicators()) {
                ctx.indicators().checkAppId(e.packageName()).ifPresent(m -> out.alert(Level.CRITICAL, m, "", e));
            }
            out.record(e);
        }
        return out.build();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return PackageChecks.recheck(DESCRIPTOR, results, indicators);
    }

    static List<Event> parse(List<String> lines) {
        List<Event> out = new ArrayList<>();
        boolean inHistory = false;
        for (String line : lines) {
            if (!inHistory) {
                inHistory = line.startsWith("Battery History ");
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            char first = line.charAt(0);
            if (first != ' ' && first != '+' && first != '-' && !Character.isDigit(first)) {
                break;
            }
            Event e = event(line);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    static Event event(String line) {
        String[] parts = line.strip().split("\\s+");
        String time = parts[0];
        if (parts.length > 1 && parts[0].length() == 5 && parts[0].charAt(2) == '-' && parts[1].contains(":")) {
            time = parts[0] + " " + parts[1];
        }
        int at;
        if ((at = line.indexOf("+job=")) > 0 || (at = line.indexOf("-job=")) > 0) {
            String event = line.charAt(at) == '+' ? "start_job" : "end_job";
            String payload = line.substring(at + 5);
            int colon = payload.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String service = quoted(payload.substring(colon + 1));
            int slash = service.indexOf('/');
            return new Event(time, event, payload.substring(0, colon), slash < 0 ? service : service.substring(0, slash),
                    service);
        }
        if ((at = line.indexOf("+running +wake_lock=")) > 0) {
            String payload = line.substring(at + 20);
            int colon = payload.indexOf(':');
            int alarm = line.indexOf("*walarm*:");
            if (colon < 0 || alarm < 0) {
                return null;
            }
            String service = line.substring(alarm + 9).split(" ")[0];
            service = service.replace("\"", "").strip();
            if (service.isEmpty() || !service.contains("/")) {
                return null;
            }
            return new Event(time, "wake", payload.substring(0, colon), service.substring(0, service.indexOf('/')),
                    service);
        }
        if ((at = line.indexOf("+top=")) > 0 || (at = line.indexOf("-top=")) > 0) {
            String event = line.charAt(at) == '+' ? "start_top" : "end_top";
            String payload = line.substring(at + 5);
            int colon = payload.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new Event(time, event, payload.substring(0, colon), quoted(payload.substring(colon + 1)), "");
        }
        return null;
    }

    /** The text in the leading double quotes, or up to the first blank. */
    private static String quoted(String s) {
        String t = s.strip();
        if (t.startsWith("\"")) {
            int end = t.indexOf('"', 1);
            return end < 0 ? t.substring(1) : t.substring(1, end);
        }
        int sp = t.indexOf(' ');
        return sp < 0 ? t : t.substring(0, sp);
    }
}
