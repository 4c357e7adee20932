package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * Package updates recorded by the battery statistics, per day ({@code dumpsys_battery_daily},
 * MVT's {@code DumpsysBatteryDaily}).
 *
 * <p><b>Artifact</b>: the {@code DUMP OF SERVICE batterystats:} section: each
 * {@code "  Daily from A to B:"} block and its {@code "Update <package> vers=<n>"} lines.
 *
 * <p><b>Records</b>: {@code {action, from, to, package_name, vers[, previous_vers]}} ({@code from}
 * and {@code to} are the days, {@code YYYY-MM-DD}); repeated (package, vers) lines of one day are
 * one record. <b>Flags</b>: always, in day order: a version 0 (the package was uninstalled;
 * MEDIUM) and a version lower than the last one seen (a downgrade, which may be how an exploit
 * gets an old vulnerable app back; MEDIUM, action {@code downgrade}); a package matching an app-id
 * indicator (CRITICAL). <b>Timeline</b>: {@code battery_daily} at {@code from}.
 */
public final class DumpsysBatteryDaily implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysBatteryDaily.class);

    static final String SERVICE = "batterystats";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_battery_daily", "DumpsysBatteryDaily", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE batterystats, Daily stats"), List.of(),
            "Daily package updates: uninstalls, downgrades, indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<String> section = DumpsysSections.service(ctx.source(), SERVICE);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        List<Map<String, Object>> records = parse(section, out);
        LOG.info("Extracted {} records from battery daily stats", records.size());
        for (Map<String, Object> r : records) {
            out.timeline((String) r.get("from"), "battery_daily", timelineData(r));
            if (ctx.hasIndicators()) {
                ctx.indicators().checkAppId((String) r.get("package_name"))
                        .ifPresent(m -> out.alert(Level.CRITICAL, m, "", r));
            }
            out.record(r);
        }
        return out.build();
    }

    static String timelineData(Map<String, Object> r) {
        String pkg = (String) r.get("package_name");
        Object vers = r.get("vers");
        if ("0".equals(vers)) {
            return "Recorded uninstall of package " + pkg + " (vers 0)";
        }
        if ("downgrade".equals(r.get("action"))) {
            return "Recorded downgrade of package " + pkg + " from vers " + r.get("previous_vers") + " to vers " + vers;
        }
        return "Recorded update of package " + pkg + " with vers " + vers;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return PackageChecks.recheck(DESCRIPTOR, results, indicators);
    }

    /** The records, in file order; uninstall and downgrade alerts go to {@code out}. */
    static List<Map<String, Object>> parse(List<String> lines, ModuleResult.Builder out) {
        List<Map<String, Object>> records = new ArrayList<>();
        String from = null;
        String to = null;
        List<Map<String, Object>> day = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("  Daily from ")) {
                records.addAll(day);
                day = new ArrayList<>();
                String span = line.substring(13).strip();
                while (span.endsWith(":")) {
                    span = span.substring(0, span.length() - 1);
                }
                int sep = span.indexOf(" to ");
                from = sep < 0 ? span : span.substring(0, sep);
                to = sep < 0 ? "" : span.substring(sep + 4);
                from = from.length() > 10 ? from.substring(0, 10) : from;
                to = to.length() > 10 ? to.substring(0, 10) : to;
                continue;
            }
            if (from == null) {
                continue;
            }
            String text = line.strip();
            if (!text.startsWith("Update ")) {
                continue;
            }
            String rest = text.substring(7).strip();
            int space = rest.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            String pkg = rest.substring(0, space);
            String versPart = rest.substring(space + 1).strip();
            int eq = versPart.indexOf('=');
            if (eq < 0 || eq == versPart.length() - 1) {
                continue;
            }
            String vers = versPart.substring(eq + 1).split("\\s+")[0];
            boolean seen = day.stream().anyMatch(u -> pkg.equals(u.get("package_name")) && vers.equals(u.get("vers")));
            if (!seen) {
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("action", "update");
                u.put("from", from);
                u.put("to", to);
                u.put("package_name", pkg);
                u.put("vers", vers);
                day.add(u);
            }
        }
        records.addAll(day);
        detect(records, out);
        return records;
    }

    private static void detect(List<Map<String, Object>> records, ModuleResult.Builder out) {
        List<Map<String, Object>> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparing((Map<String, Object> r) -> (String) r.get("from"))
                .thenComparing(r -> (String) r.get("to")).thenComparing(r -> (String) r.get("package_name")));
        Map<String, Long> last = new HashMap<>();
        for (Map<String, Object> r : sorted) {
            String pkg = (String) r.get("package_name");
            String vers = (String) r.get("vers");
            if (vers.equals("0")) {
                out.alert(Level.MEDIUM, "Detected uninstall of package " + pkg + " (vers 0)", (String) r.get("from"), r);
                last.remove(pkg);
                continue;
            }
            long current;
            try {
                current = Long.parseLong(vers);
            } catch (NumberFormatException e) {
                continue;
            }
            Long previous = last.get(pkg);
            if (previous != null && current < previous) {
                r.put("action", "downgrade");
                r.put("previous_vers", previous.toString());
                out.alert(Level.MEDIUM, "Detected downgrade of package " + pkg + " from vers " + previous + " to vers "
                        + current, (String) r.get("from"), r);
            }
            last.put(pkg, current);
        }
    }
}
