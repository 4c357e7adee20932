package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;

/**
 * App-ops of each package ({@code dumpsys_appops}, MVT's {@code DumpsysAppops}).
 *
 * <p><b>Artifact</b>: the {@code DUMP OF SERVICE appops:} section of the bug report's dumpstate
 * text, from its per-uid list ({@code "  Uid <uid>:"} blocks holding {@code "    Package <name>:"}
 * blocks, each with {@code "      <OP> (<mode>):"} lines and their
 * {@code "Access:"}/{@code "Reject:"} entries).
 *
 * <p><b>Records</b>: {@code {package_name, permissions[{name, entries[{access, type, timestamp}],
 * access}], uid}} as MVT. The uid list ends at the first non-blank line indented less than two
 * spaces (or a two-space line that is not a {@code Uid} header): unlike MVT, blank lines inside
 * the list do not end it.
 *
 * <p><b>Flags</b>: a package matching an app-id indicator (CRITICAL); always, each entry of a
 * {@code REQUEST_INSTALL_PACKAGES} op, or one "Unknown" access when it has none (MEDIUM), and
 * every op of {@code com.android.shell} (MEDIUM): MVT's heuristics (risky permission, risky
 * package).
 *
 * <p><b>Timeline</b>: each entry with a timestamp, event {@code Access}/{@code Reject}.
 */
public final class DumpsysAppops implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysAppops.class);

    static final String SERVICE = "appops";
    static final String RISKY_PERMISSION = "REQUEST_INSTALL_PACKAGES";
    static final String RISKY_PACKAGE = "com.android.shell";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_appops", "DumpsysAppops", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE appops"), List.of(),
            "App-ops per package: indicators, install-packages permission, shell package");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<String> section = DumpsysSections.service(ctx.source(), SERVICE);
        List<Map<String, Object>> packages = parse(section);
        LOG.info("Identified a total of {} packages in App-Ops Manager", packages.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Map<String, Object> p : packages) {
            timeline(out, p);
            check(out, p, ctx.hasIndicators() ? ctx.indicators() : null);
            out.record(p);
        }
        return out.build();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        for (JsonNode p : results) {
            String latest = "";
            for (JsonNode perm : p.path("permissions")) {
                for (JsonNode e : perm.path("entries")) {
                    String t = e.path("timestamp").asText("");
                    if (t.compareTo(latest) > 0) {
                        latest = t;
                    }
                }
            }
            Optional<IndicatorMatch> m = indicators.checkAppId(p.path("package_name").asText(""));
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, m.get(), latest, p);
            }
        }
        return out.build().alerts();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> permissions(Map<String, Object> pkg) {
        return (List<Map<String, Object>>) pkg.get("permissions");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> entries(Map<String, Object> perm) {
        return (List<Map<String, Object>>) perm.get("entries");
    }

    private static void timeline(ModuleResult.Builder out, Map<String, Object> pkg) {
        for (Map<String, Object> perm : permissions(pkg)) {
            for (Map<String, Object> e : entries(perm)) {
                if (e.containsKey("timestamp")) {
                    out.timeline((String) e.get("timestamp"), (String) e.get("access"),
                            pkg.get("package_name") + " access to " + perm.get("name") + ": " + e.get("access"));
                }
            }
        }
    }

    /** MVT's check: indicator first (then nothing else), else the two heuristics. */
    static void check(ModuleResult.Builder out, Map<String, Object> pkg, Indicators indicators) {
        String name = (String) pkg.get("package_name");
        if (indicators != null) {
            Optional<IndicatorMatch> m = indicators.checkAppId(name);
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, m.get(), latest(pkg), pkg);
                return;
            }
        }
        for (Map<String, Object> perm : permissions(pkg)) {
            boolean riskyPermission = RISKY_PERMISSION.equals(perm.get("name"));
            if (!riskyPermission && !RISKY_PACKAGE.equals(name)) {
                continue;
            }
            List<Map<String, Object>> entries = new ArrayList<>(entries(perm));
            if (entries.isEmpty()) {
                Map<String, Object> unknown = new LinkedHashMap<>();
                unknown.put("access", "Unknown");
                unknown.put("timestamp", "");
                entries.add(unknown);
            }
            entries.sort(Comparator.comparing(e -> (String) e.getOrDefault("timestamp", "")));
            for (Map<String, Object> e : entries) {
                Map<String, Object> event = new LinkedHashMap<>(pkg);
                event.put("permissions", List.of(perm));
                String ts = (String) e.getOrDefault("timestamp", "");
                String message = riskyPermission
                        ? "Package '" + name + "' had risky permission '" + perm.get("name") + "' set to '"
                                + e.get("access") + "' at " + ts
                        : "Risky package '" + name + "' had '" + perm.get("name") + "' permission set to '"
                                + e.get("access") + "' at " + ts;
                out.alert(Level.MEDIUM, message, ts, event);
            }
        }
    }

    private static String latest(Map<String, Object> pkg) {
        String latest = "";
        for (Map<String, Object> perm : permissions(pkg)) {
            for (Map<String, Object> e : entries(perm)) {
                Object t = e.get("timestamp");
                if (t instanceof String s && s.compareTo(latest) > 0) {
                    latest = s;
                }
            }
        }
        return latest;
    }

    /** Parses the appops section (or a file holding only it). */
    static List<Map<String, Object>> parse(List<String> lines) {
        List<Map<String, Object>> results = new ArrayList<>();
        boolean inUids = false;
        String uid = null;
        Map<String, Object> pkg = null;
        Map<String, Object> perm = null;
        for (String line : lines) {
            if (!inUids) {
                if (isUidHeader(line)) {
                    inUids = true;
                } else {
                    continue;
                }
            }
            if (line.isBlank()) {
                continue;
            }
            int indent = BugreportModules.indent(line);
            if (indent < 2 || (indent == 2 && !isUidHeader(line))) {
                break;
            }
            String text = line.strip();
            if (indent == 2) {
                uid = text.substring(4, text.length() - 1);
                pkg = null;
                perm = null;
            } else if (indent == 4 && text.startsWith("Package ") && text.endsWith(":")) {
                pkg = new LinkedHashMap<>();
                pkg.put("package_name", text.substring(8, text.length() - 1));
                pkg.put("permissions", new ArrayList<Map<String, Object>>());
                pkg.put("uid", uid);
                results.add(pkg);
                perm = null;
            } else if (indent == 6 && pkg != null) {
                String[] tokens = text.split("\\s+");
                perm = new LinkedHashMap<>();
                perm.put("name", tokens[0]);
                perm.put("entries", new ArrayList<Map<String, Object>>());
                if (tokens.length > 1 && tokens[1].length() >= 3) {
                    perm.put("access", tokens[1].substring(1, tokens[1].length() - 2));
                }
                permissions(pkg).add(perm);
            } else if (indent >= 8 && perm != null) {
                Map<String, Object> entry = entry(text);
                if (entry != null) {
                    entries(perm).add(entry);
                }
            }
        }
        return results;
    }

    private static boolean isUidHeader(String line) {
        return line.startsWith("  Uid ") && line.endsWith(":") && line.length() > 7;
    }

    /** {@code Access: [fg-s] 2022-03-29 18:38:31.440 (-4h49m22s647ms) ...}, or null for other lines. */
    static Map<String, Object> entry(String text) {
        int colon = text.indexOf(':');
        String access = colon < 0 ? text : text.substring(0, colon).strip();
        if (!access.equals("Access") && !access.equals("Reject")) {
            return null;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("access", access);
        int open = text.indexOf('[');
        int close = text.indexOf(']');
        entry.put("type", open >= 0 && close > open ? text.substring(open + 1, close) : "");
        int paren = text.indexOf('(');
        if (close >= 0 && paren > close) {
            String ts = BugreportModules.isoOrNull(text.substring(close + 1, paren).strip());
            if (ts != null) {
                entry.put("timestamp", ts);
            }
        }
        return entry;
    }
}
