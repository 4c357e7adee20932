package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Recent SQLite operations of apps ({@code dbinfo}, MVT's {@code DumpsysDBInfo}).
 *
 * <p><b>Artifact</b>: the {@code DUMP OF SERVICE dbinfo:} section: per {@code Connection pool for
 * <path>:}, the lines under {@code Most recently executed operations:}
 * ({@code "0: [2023-07-27 12:21:44.097] [Pid:(0)]executeForCursorWindow took 2ms - succeeded,
 * sql="...", path=..."}; the date may lack the year). The list is the lines indented deeper than
 * its heading.
 *
 * <p><b>Records</b>: {@code {isodate (as printed), action, sql, path[, pid]}}. <b>Flags</b>: each
 * {@code /} component of the database path matching an app-id indicator (CRITICAL, one alert per
 * matching component). <b>Timeline</b>: none.
 */
public final class DumpsysDBInfo implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysDBInfo.class);

    static final String SERVICE = "dbinfo";
    private static final String DATE = "((?:[0-9]{4}-)?[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3})";
    private static final Pattern WITH_PID = Pattern.compile(
            "\\[" + DATE + "\\].*\\[Pid:\\((\\d+)\\)\\](\\w+).*sql=\"(.+?)\"");
    private static final Pattern NO_PID = Pattern.compile("\\[" + DATE + "\\] (\\w+).*sql=\"(.+?)\"");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dbinfo", "DumpsysDBInfo", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE dbinfo"), List.of(),
            "Recent SQLite operations per database: app ids in database paths");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<Map<String, Object>> ops = parse(DumpsysSections.service(ctx.source(), SERVICE));
        LOG.info("Extracted a total of {} database connection pool records", ops.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Map<String, Object> op : ops) {
            if (ctx.hasIndicators()) {
                check(out, op, ctx.indicators());
            }
            out.record(op);
        }
        return out.build();
    }

    private static void check(ModuleResult.Builder out, Object event, String path, Indicators indicators) {
        for (String part : path.split("/")) {
            indicators.checkAppId(part).ifPresent(m -> out.alert(Level.CRITICAL, m, "", event));
        }
    }

    static void check(ModuleResult.Builder out, Map<String, Object> op, Indicators indicators) {
        Object path = op.get("path");
        check(out, op, path == null ? "" : path.toString(), indicators);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        for (JsonNode op : results) {
            check(out, op, op.path("path").asText(""), indicators);
        }
        return out.build().alerts();
    }

    static List<Map<String, Object>> parse(List<String> lines) {
        List<Map<String, Object>> out = new ArrayList<>();
        String pool = null;
        int opsIndent = -1;
        for (String line : lines) {
            if (line.startsWith("Connection pool for ")) {
                pool = line.substring("Connection pool for ".length());
                while (pool.endsWith(":")) {
                    pool = pool.substring(0, pool.length() - 1);
                }
                opsIndent = -1;
                continue;
            }
            if (pool == null || line.isBlank()) {
                continue;
            }
            int indent = BugreportModules.indent(line);
            if (line.strip().equals("Most recently executed operations:")) {
                opsIndent = indent;
                continue;
            }
            if (opsIndent < 0) {
                continue;
            }
            if (indent <= opsIndent) {
                opsIndent = -1;
                continue;
            }
            Matcher m = WITH_PID.matcher(line);
            Map<String, Object> op = new LinkedHashMap<>();
            if (m.find()) {
                op.put("isodate", m.group(1));
                op.put("action", m.group(3));
                op.put("sql", m.group(4));
                op.put("path", pool);
                op.put("pid", m.group(2));
            } else {
                Matcher n = NO_PID.matcher(line);
                if (!n.find()) {
                    continue;
                }
                op.put("isodate", n.group(1));
                op.put("action", n.group(2));
                op.put("sql", n.group(3));
                op.put("path", pool);
            }
            out.add(op);
        }
        return out;
    }
}
