package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;

/**
 * Installed packages ({@code dumpsys_packages}, MVT's {@code DumpsysPackages}).
 *
 * <p><b>Artifact</b>: the {@code Packages:} block of the {@code DUMP OF SERVICE package:} section
 * of the dumpstate text: one {@code "  Package [name] (...):"} entry per package, its fields
 * indented below it, per-user fields under {@code "    User <n>: ..."}.
 *
 * <p><b>Parsing by structure</b>: the block runs until the next line at column 0 (the next
 * top-level heading, e.g. {@code Hidden system packages:}); blank lines inside it are skipped.
 * MVT stopped at the first blank line, which lost most packages of some vendor dumps (a Xiaomi
 * report gave 10 of 388; MVT issue #871). Each field is recognised by its key and its
 * indentation relative to its heading, not by line position.
 *
 * <p><b>Records</b>: {@code {package_name, uid, version_name, version_code, timestamp,
 * first_install_time, last_update_time, installer, system, permissions[{name, granted, type}],
 * requested_permissions[]}}; per-user fields (runtime permissions, install times) come from user 0,
 * else the first user listed. {@code version_code} is the number alone (MVT kept the rest of the
 * line, {@code minSdk=... targetSdk=...}).
 *
 * <p><b>Flags</b>: always, a package of MVT's ROOT_PACKAGES list (MEDIUM, once per name); else a
 * package matching an app-id indicator (CRITICAL). Packages holding 10 or more of MVT's 20
 * dangerous permissions are logged.
 *
 * <p><b>Timeline</b>: {@code package_install}, {@code package_first_install},
 * {@code package_last_update}.
 */
public final class DumpsysPackages implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysPackages.class);

    static final String SERVICE = "package";

    static final Set<String> DANGEROUS_PERMISSIONS = Set.of(
            "android.permission.ACCESS_COARSE_LOCATION", "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.AUTHENTICATE_ACCOUNTS", "android.permission.CAMERA",
            "android.permission.DISABLE_KEYGUARD", "android.permission.PROCESS_OUTGOING_CALLS",
            "android.permission.READ_CALENDAR", "android.permission.READ_CALL_LOG",
            "android.permission.READ_CONTACTS", "android.permission.READ_PHONE_STATE",
            "android.permission.READ_SMS", "android.permission.RECEIVE_MMS", "android.permission.RECEIVE_SMS",
            "android.permission.RECEIVE_WAP_PUSH", "android.permission.RECORD_AUDIO",
            "android.permission.SEND_SMS", "android.permission.SYSTEM_ALERT_WINDOW",
            "android.permission.USE_CREDENTIALS", "android.permission.USE_SIP",
            "com.android.browser.permission.READ_HISTORY_BOOKMARKS");
    static final int DANGEROUS_THRESHOLD = 10;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_packages", "DumpsysPackages", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE package, Packages:"), List.of(),
            "Installed packages: indicators, rooting packages");

    /**
     * One package.
     *
     * @param permissions each {@code {name, granted, type}} ({@code granted} absent for declared)
     */
    @JsonPropertyOrder({"package_name", "uid", "version_name", "version_code", "timestamp", "first_install_time",
        "last_update_time", "installer", "system", "permissions", "requested_permissions"})
    public record Package(
            @JsonProperty("package_name") String packageName,
            @JsonProperty("uid") String uid,
            @JsonProperty("version_name") String versionName,
            @JsonProperty("version_code") String versionCode,
            @JsonProperty("timestamp") String timestamp,
            @JsonProperty("first_install_time") String firstInstallTime,
            @JsonProperty("last_update_time") String lastUpdateTime,
            @JsonProperty("installer") String installer,
            @JsonProperty("system") boolean system,
            @JsonProperty("permissions") List<Map<String, Object>> permissions,
            @JsonProperty("requested_permissions") List<String> requestedPermissions) {
        public Package {
            permissions = List.copyOf(permissions);
            requestedPermissions = List.copyOf(requestedPermissions);
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<String> section = DumpsysSections.service(ctx.source(), SERVICE);
        List<Package> packages = parse(section);
        LOG.info("Extracted details on {} packages", packages.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Set<String> alertedRoot = new HashSet<>();
        for (Package p : packages) {
            String data = "Install or update of package " + p.packageName();
            out.timeline(p.timestamp(), "package_install", data);
            out.timeline(p.firstInstallTime(), "package_first_install", data);
            out.timeline(p.lastUpdateTime(), "package_last_update", data);
            check(out, p, ctx.hasIndicators() ? ctx.indicators() : null, alertedRoot);
            long dangerous = p.permissions().stream()
                    .filter(m -> DANGEROUS_PERMISSIONS.contains(m.get("name"))).map(m -> m.get("name"))
                    .distinct().count();
            if (dangerous >= DANGEROUS_THRESHOLD) {
                LOG.info("Found package \"{}\" requesting {} potentially dangerous permissions", p.packageName(),
                        dangerous);
            }
            out.record(p);
        }
        return out.build();
    }

    private static void check(ModuleResult.Builder out, Package p, Indicators indicators, Set<String> alertedRoot) {
        if (BugreportModules.ROOT_PACKAGES.contains(p.packageName())) {
            if (alertedRoot.add(p.packageName())) {
                out.alert(Level.MEDIUM, "Found an installed package related to rooting/jailbreaking: \""
                        + p.packageName() + "\"", p.timestamp(), p);
            }
            return;
        }
        if (indicators != null) {
            indicators.checkAppId(p.packageName()).ifPresent(m -> out.alert(Level.CRITICAL, m, p.timestamp(), p));
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        for (JsonNode p : results) {
            Optional<IndicatorMatch> m = indicators.checkAppId(p.path("package_name").asText(""));
            m.ifPresent(match -> out.alert(Level.CRITICAL, match, p.path("timestamp").asText(""), p));
        }
        return out.build().alerts();
    }

    /** Parses the package section (or a file holding only it): the packages of its Packages: block. */
    static List<Package> parse(List<String> lines) {
        List<Package> out = new ArrayList<>();
        boolean inList = false;
        Builder current = null;
        for (String line : lines) {
            if (!inList) {
                inList = line.startsWith("Packages:");
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            int indent = BugreportModules.indent(line);
            if (indent == 0) {
                break;
            }
            if (indent == 2 && line.startsWith("  Package [")) {
                if (current != null) {
                    out.add(current.build());
                }
                int close = line.indexOf(']', 11);
                current = close > 11 ? new Builder(line.substring(11, close)) : null;
                continue;
            }
            if (current != null) {
                current.line(line, indent);
            }
        }
        if (current != null) {
            out.add(current.build());
        }
        return out;
    }

    /** Collects one package's lines. */
    private static final class Builder {
        private final String name;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private final List<Map<String, Object>> permissions = new ArrayList<>();
        private final List<String> requested = new ArrayList<>();
        private final List<User> users = new ArrayList<>();
        private String block = "";
        private int blockIndent = -1;
        private User user;

        Builder(String name) {
            this.name = name;
        }

        /** Per-user fields. */
        private static final class User {
            final String id;
            final Map<String, String> fields = new LinkedHashMap<>();
            final List<Map<String, Object>> runtime = new ArrayList<>();

            User(String id) {
                this.id = id;
            }
        }

        void line(String line, int indent) {
            String text = line.strip();
            // a list (permissions) holds the lines indented deeper than its heading
            if (blockIndent >= 0 && indent > blockIndent) {
                addToBlock(text);
                return;
            }
            block = "";
            blockIndent = -1;
            if (user != null && indent <= 4) {
                user = null;
            }
            if (indent <= 4 && text.startsWith("User ") && text.indexOf(':') > 5) {
                user = new User(text.substring(5, text.indexOf(':')).strip());
                users.add(user);
                keyValues(text.substring(text.indexOf(':') + 1), user.fields);
                return;
            }
            if (text.endsWith(":") && !text.contains("=")) {
                block = text.substring(0, text.length() - 1);
                blockIndent = indent;
                return;
            }
            Map<String, String> target = user != null ? user.fields : fields;
            int eq = text.indexOf('=');
            if (eq > 0) {
                String key = text.substring(0, eq);
                if (key.equals("pkgFlags") || key.equals("flags") || key.equals("privateFlags")) {
                    target.putIfAbsent(key, text.substring(eq + 1));
                } else if (key.equals("versionCode")) {
                    keyValues(text, target);
                } else if (!key.contains(" ")) {
                    target.putIfAbsent(key, text.substring(eq + 1).strip());
                }
            }
        }

        private static void keyValues(String text, Map<String, String> target) {
            for (String token : text.strip().split("\\s+")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    target.putIfAbsent(token.substring(0, eq), token.substring(eq + 1));
                }
            }
        }

        private void addToBlock(String text) {
            switch (block) {
                case "declared permissions" -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("name", before(text));
                    p.put("type", "declared");
                    permissions.add(p);
                }
                case "install permissions" -> permissions.add(granted(text, "install"));
                case "runtime permissions" -> {
                    if (user != null) {
                        user.runtime.add(granted(text, "runtime"));
                    } else {
                        permissions.add(granted(text, "runtime"));
                    }
                }
                case "requested permissions" -> requested.add(text);
                default -> {
                    // other lists (usesLibraries, disabledComponents, ...) are not kept
                }
            }
        }

        private static String before(String text) {
            int colon = text.indexOf(':');
            return colon < 0 ? text : text.substring(0, colon);
        }

        private static Map<String, Object> granted(String text, String type) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", before(text));
            int colon = text.indexOf(':');
            String rest = colon < 0 ? "" : text.substring(colon + 1);
            p.put("granted", rest.contains("granted=") ? rest.contains("granted=true") : null);
            p.put("type", type);
            return p;
        }

        Package build() {
            User chosen = null;
            for (User u : users) {
                if (u.id.equals("0")) {
                    chosen = u;
                }
            }
            if (chosen == null && !users.isEmpty()) {
                chosen = users.get(0);
            }
            List<Map<String, Object>> perms = new ArrayList<>(permissions);
            Map<String, String> userFields = Map.of();
            if (chosen != null) {
                perms.addAll(chosen.runtime);
                userFields = chosen.fields;
            }
            String flags = fields.getOrDefault("pkgFlags", "");
            boolean system = List.of(flags.replace("[", " ").replace("]", " ").strip().split("\\s+"))
                    .contains("SYSTEM");
            return new Package(name,
                    fields.getOrDefault("userId", ""),
                    fields.getOrDefault("versionName", ""),
                    fields.getOrDefault("versionCode", ""),
                    pick(userFields, "timeStamp"),
                    pick(userFields, "firstInstallTime"),
                    pick(userFields, "lastUpdateTime"),
                    pick(userFields, "installerPackageName"),
                    system, perms, requested);
        }

        private String pick(Map<String, String> userFields, String key) {
            String v = userFields.get(key);
            return v != null ? v : fields.getOrDefault(key, "");
        }
    }
}
