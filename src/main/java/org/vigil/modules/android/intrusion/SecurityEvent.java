package org.vigil.modules.android.intrusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * Security events from Android intrusion logs ({@code security_event}, MVT's
 * {@code SecurityEvent}), the events of Android's {@code SecurityLog}.
 *
 * <p><b>Artifact</b>: the {@code security_event} lines of the intrusion logs. Each record is the
 * event as logged ({@code event_time} in <b>nanoseconds</b>, optional {@code event_id}, and one
 * tag key such as {@code app_process_start} holding the event's fields) plus {@code timestamp}.
 * The tag is the first key other than {@code event_id}, {@code event_time}, {@code event_type},
 * {@code timestamp}; {@link #TAGS} lists the 46 tags of the SecurityLog API (210001 to 210046);
 * other tags are kept, counted and warned about.
 *
 * <p><b>Flags</b>. With indicators (CRITICAL): {@code app_process_start.process} and each
 * non-empty {@code :}-separated component after the first (first hit) against app ids;
 * {@code package_installed/updated/uninstalled.package_name} and {@code adb_shell_cmd.command}
 * against app ids; {@code adb_sync_recv_file/adb_sync_send_file.path} against file paths. Always
 * (MVT #811, #835): {@code cert_validation_failure}, {@code key_integrity_violation},
 * {@code wipe_failure}, a failed {@code crypto_self_test_completed} and a successful (or
 * success-less) {@code cert_authority_installed} are MEDIUM; a failed CA install and a failed
 * {@code key_generated} (except Android's benign {@code PinStorage_crossReboot_key} of uid 1001)
 * are logged as warnings.
 *
 * <p><b>Timeline</b>: event = the tag, data = a text per tag ("Keyguard dismissed",
 * "Auth attempt: Success (method strength: 0)", "Key generation failed: K (UID: 1001)", ...);
 * unknown tags as "tag: {fields}".
 */
public final class SecurityEvent implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityEvent.class);
    static final String TYPE = "security_event";
    static final Set<String> METADATA_KEYS = Set.of("event_id", "event_time", "event_type", "timestamp");
    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("security_event", "SecurityEvent",
            Platform.ANDROID, IntrusionLogs.KINDS, List.of(), List.of(),
            "Security log events from intrusion logs: app ids, ADB file paths, certificate and key heuristics");

    /** The SecurityLog tags, with their ids (SecurityLog.TAG_*). */
    static final Map<String, Integer> TAGS;

    static {
        String[] names = {"adb_shell_interactive", "adb_shell_cmd", "adb_sync_recv_file", "adb_sync_send_file",
            "app_process_start", "keyguard_dismissed", "keyguard_dismiss_auth_attempt", "keyguard_secured",
            "os_startup", "os_shutdown", "logging_started", "logging_stopped", "media_mount", "media_unmount",
            "log_buffer_size_critical", "password_expiration_set", "password_complexity_set",
            "password_history_length_set", "max_screen_lock_timeout_set", "max_password_attempts_set",
            "keyguard_disabled_features_set", "remote_lock", "wipe_failure", "key_generated", "key_import",
            "key_destruction", "user_restriction_added", "user_restriction_removed", "cert_authority_installed",
            "cert_authority_removed", "crypto_self_test_completed", "key_integrity_violation",
            "cert_validation_failure", "camera_policy_set", "password_complexity_required", "password_changed",
            "wifi_connection", "wifi_disconnection", "bluetooth_connection", "bluetooth_disconnection",
            "package_installed", "package_updated", "package_uninstalled", "backup_service_toggled",
            "nfc_enabled", "nfc_disabled"};
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], 210001 + i);
        }
        TAGS = java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ObjectNode> events = IntrusionLogs.events(ctx.source(), TYPE);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators iocs = ctx.hasIndicators() ? ctx.indicators() : null;
        java.time.ZoneId zone = IntrusionLogs.zone(ctx.source());
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ObjectNode ev : events) {
            ObjectNode r = IntrusionLogs.withTimestamp(ev, true, zone);
            String tag = tagOf(r);
            if (tag != null) {
                counts.merge(tag, 1, Integer::sum);
            }
            if (iocs != null) {
                checkIndicators(r, iocs, out);
            }
            heuristics(r, out);
            out.timeline(IntrusionLogs.time(r), tag == null ? "unknown" : tag, describe(r));
            out.record(r);
        }
        LOG.info("Identified {} security events", out.recordCount());
        if (!counts.isEmpty()) {
            LOG.info("Security event breakdown:");
            counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                    .forEach(e -> LOG.info("  - {}: {}", e.getKey(), e.getValue()));
            Set<String> unknown = new TreeSet<>(counts.keySet());
            unknown.removeAll(TAGS.keySet());
            if (!unknown.isEmpty()) {
                LOG.warn("Found unknown intrusion logging security event type(s): {}. Please open an issue on "
                        + "GitHub so support can be added for them.", String.join(", ", unknown));
            }
        }
        return out.build();
    }

    /** The event's tag: its first key that is not metadata, or null. */
    static String tagOf(JsonNode r) {
        Iterator<String> it = r.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!METADATA_KEYS.contains(k)) {
                return k;
            }
        }
        return null;
    }

    private static JsonNode info(JsonNode r, String tag) {
        JsonNode n = r.get(tag);
        return n != null && n.isObject() ? n : null;
    }

    /** The indicator checks (CRITICAL), in MVT's order. */
    static void checkIndicators(ObjectNode r, Indicators iocs, ModuleResult.Builder out) {
        String time = IntrusionLogs.time(r);
        List<IndicatorMatch> found = new ArrayList<>();
        JsonNode start = info(r, "app_process_start");
        if (start != null) {
            String process = IntrusionLogs.text(start, "process");
            if (!process.isEmpty()) {
                iocs.checkAppId(process).ifPresent(found::add);
                if (process.contains(":")) {
                    String[] parts = process.split(":", -1);
                    for (int i = 1; i < parts.length; i++) {
                        if (!parts[i].isEmpty()) {
                            Optional<IndicatorMatch> m = iocs.checkAppId(parts[i]);
                            if (m.isPresent()) {
                                found.add(m.get());
                                break;
                            }
                        }
                    }
                }
            }
        }
        for (String t : List.of("package_installed", "package_updated", "package_uninstalled")) {
            String pkg = IntrusionLogs.text(info(r, t), "package_name");
            if (!pkg.isEmpty()) {
                iocs.checkAppId(pkg).ifPresent(found::add);
            }
        }
        String cmd = IntrusionLogs.text(info(r, "adb_shell_cmd"), "command");
        if (!cmd.isEmpty()) {
            iocs.checkAppId(cmd).ifPresent(found::add);
        }
        for (String t : List.of("adb_sync_recv_file", "adb_sync_send_file")) {
            String path = IntrusionLogs.text(info(r, t), "path");
            if (!path.isEmpty()) {
                iocs.checkFilePath(path).ifPresent(found::add);
            }
        }
        for (IndicatorMatch m : found) {
            out.alert(Level.CRITICAL, m, time, r);
        }
    }

    /** The heuristics that run with or without indicators. */
    static void heuristics(ObjectNode r, ModuleResult.Builder out) {
        String time = IntrusionLogs.time(r);
        JsonNode key = r.get("key_generated");
        if (key != null && !IntrusionLogs.truthy(key.isObject() ? key : null, "success", true) && key.isObject()) {
            String keyId = key.has("key_id") ? IntrusionLogs.text(key, "key_id") : "unknown";
            JsonNode uid = key.get("uid");
            boolean benign = keyId.equals("PinStorage_crossReboot_key") && uid != null && uid.isNumber()
                    && uid.asLong() == 1001;
            if (!benign) {
                LOG.warn("Failed key generation detected for key_id: {}", keyId);
            }
        }
        if (r.has("cert_validation_failure")) {
            out.alert(Level.MEDIUM, "Certificate validation failure detected: "
                    + IntrusionLogs.py(r.get("cert_validation_failure")), time, r);
        }
        if (r.has("key_integrity_violation")) {
            out.alert(Level.MEDIUM, "Key integrity violation detected: "
                    + IntrusionLogs.py(r.get("key_integrity_violation")), time, r);
        }
        if (r.has("cert_authority_installed")) {
            JsonNode ca = r.get("cert_authority_installed");
            JsonNode obj = ca.isObject() ? ca : null;
            String subject = obj != null && obj.has("subject") ? IntrusionLogs.text(obj, "subject") : "unknown";
            if (IntrusionLogs.truthy(obj, "success", true)) {
                out.alert(Level.MEDIUM, "Certificate authority installed: " + subject, time, r);
            } else {
                LOG.warn("Failed certificate authority installation: {}", subject);
            }
        }
        if (r.has("wipe_failure")) {
            out.alert(Level.MEDIUM, "Device wipe failure detected", time, r);
        }
        if (r.has("crypto_self_test_completed")) {
            JsonNode t = r.get("crypto_self_test_completed");
            boolean ok = t.isObject() ? IntrusionLogs.truthy(t, "success", true) : t.isNumber() && t.asDouble() == 1;
            if (!ok) {
                out.alert(Level.MEDIUM, "Cryptographic self test failed", time, r);
            }
        }
    }

    private static String f(JsonNode info, String key) {
        return IntrusionLogs.text(info, key);
    }

    private static String fOr(JsonNode info, String key, String dflt) {
        return info != null && info.has(key) ? IntrusionLogs.text(info, key) : dflt;
    }

    private static boolean ok(JsonNode info) {
        return IntrusionLogs.truthy(info, "success", false);
    }

    private static String withReason(String s, JsonNode info) {
        String reason = f(info, "reason");
        return IntrusionLogs.truthy(info, "reason", false) ? s + " - " + reason : s;
    }

    /** The timeline text of a record. */
    static String describe(JsonNode r) {
        String tag = tagOf(r);
        if (tag == null) {
            return IntrusionLogs.repr(r);
        }
        JsonNode raw = r.get(tag);
        if (!TAGS.containsKey(tag)) {
            return tag + ": " + IntrusionLogs.py(raw);
        }
        JsonNode i = raw.isObject() ? raw : null;
        switch (tag) {
            case "adb_shell_interactive": return "ADB interactive shell opened";
            case "adb_shell_cmd": return "ADB shell command: " + f(i, "command");
            case "adb_sync_recv_file": return "File pulled via ADB: " + f(i, "path");
            case "adb_sync_send_file": return "File pushed via ADB: " + f(i, "path");
            case "app_process_start":
                return "Process started: " + f(i, "process") + " (UID: " + f(i, "uid") + ", PID: " + f(i, "pid") + ")";
            case "keyguard_dismiss_auth_attempt":
                return "Auth attempt: " + (ok(i) ? "Success" : "Failed") + " (method strength: "
                        + fOr(i, "method_strength", "0") + ")";
            case "keyguard_dismissed": return "Keyguard dismissed";
            case "keyguard_secured": return "Device locked";
            case "keyguard_disabled_features_set":
                return "Keyguard features disabled by " + f(i, "admin_package") + ": " + f(i, "disabled_features");
            case "key_generated":
                return "Key " + (ok(i) ? "generated" : "generation failed") + ": " + fOr(i, "key_id", "unknown")
                        + " (UID: " + f(i, "uid") + ")";
            case "key_destruction":
                return "Key " + (ok(i) ? "destroyed" : "destruction failed") + ": " + fOr(i, "key_id", "unknown")
                        + " (UID: " + f(i, "uid") + ")";
            case "key_import":
                return "Key " + (ok(i) ? "imported" : "import failed") + ": " + fOr(i, "key_id", "unknown");
            case "key_integrity_violation": return "Key integrity violation: " + fOr(i, "key_id", "unknown");
            case "cert_authority_installed":
                return "Cert " + (ok(i) ? "installed" : "install failed") + ": " + fOr(i, "subject", "unknown");
            case "cert_authority_removed":
                return "Cert " + (ok(i) ? "removed" : "removal failed") + ": " + fOr(i, "subject", "unknown");
            case "cert_validation_failure": return "Certificate validation failure: " + IntrusionLogs.py(raw);
            case "crypto_self_test_completed": {
                boolean pass = i != null ? ok(i) : raw.isNumber() && raw.asDouble() == 1;
                return "Crypto self test: " + (pass ? "passed" : "FAILED");
            }
            case "package_installed", "package_updated", "package_uninstalled": {
                String action = tag.substring("package_".length());
                action = Character.toUpperCase(action.charAt(0)) + action.substring(1);
                return "Package " + action + ": " + f(i, "package_name") + " (v" + f(i, "version_code") + ", user: "
                        + f(i, "user_id") + ")";
            }
            case "os_startup":
                return "OS startup (verified boot: " + f(i, "verified_boot_state") + ", dm-verity: "
                        + f(i, "dm_verity_mode") + ")";
            case "os_shutdown": return "OS shutdown";
            case "logging_started": return "Audit logging started";
            case "logging_stopped": return "Audit logging stopped";
            case "log_buffer_size_critical": return "Log buffer at 90% capacity";
            case "media_mount": return "Media mounted: " + f(i, "mount_point") + " (" + f(i, "volume_label") + ")";
            case "media_unmount": return "Media unmounted: " + f(i, "mount_point") + " (" + f(i, "volume_label") + ")";
            case "password_expiration_set":
                return "Password expiration set by " + f(i, "admin_package") + ": " + f(i, "timeout_ms") + "ms";
            case "password_complexity_set": return "Password complexity set by " + f(i, "admin_package");
            case "password_complexity_required":
                return "Password complexity required by " + f(i, "admin_package") + ": " + f(i, "complexity");
            case "password_history_length_set":
                return "Password history length set by " + f(i, "admin_package") + ": " + f(i, "length");
            case "password_changed":
                return "Password changed (complexity: " + f(i, "complexity") + ", user: " + f(i, "user_id") + ")";
            case "max_screen_lock_timeout_set":
                return "Max screen lock timeout set by " + f(i, "admin_package") + ": " + f(i, "timeout_ms") + "ms";
            case "max_password_attempts_set":
                return "Max password attempts set by " + f(i, "admin_package") + ": " + f(i, "max_attempts");
            case "remote_lock": return "Device remotely locked by " + f(i, "admin_package");
            case "wipe_failure": return "Device wipe failed";
            case "user_restriction_added":
                return "User restriction added by " + f(i, "admin_package") + ": " + f(i, "restriction");
            case "user_restriction_removed":
                return "User restriction removed by " + f(i, "admin_package") + ": " + f(i, "restriction");
            case "wifi_connection":
                return withReason("WiFi connection: " + f(i, "event_type") + " (BSSID: " + f(i, "bssid") + ")", i);
            case "wifi_disconnection": return withReason("WiFi disconnection (BSSID: " + f(i, "bssid") + ")", i);
            case "bluetooth_connection":
                return withReason("Bluetooth " + (ok(i) ? "connected" : "connection failed") + ": "
                        + f(i, "mac_address"), i);
            case "bluetooth_disconnection": return withReason("Bluetooth disconnected: " + f(i, "mac_address"), i);
            case "camera_policy_set":
                return "Camera " + (IntrusionLogs.truthy(i, "disabled", false) ? "disabled" : "enabled") + " by "
                        + f(i, "admin_package");
            case "backup_service_toggled":
                return "Backup service " + (IntrusionLogs.truthy(i, "enabled", false) ? "enabled" : "disabled")
                        + " by " + f(i, "admin_package");
            case "nfc_enabled": return "NFC enabled";
            case "nfc_disabled": return "NFC disabled";
            default: return tag + ": " + IntrusionLogs.py(raw);
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode n : results) {
                if (n.isObject()) {
                    checkIndicators((ObjectNode) n, indicators, out);
                }
            }
        }
        return out.build().alerts();
    }
}
