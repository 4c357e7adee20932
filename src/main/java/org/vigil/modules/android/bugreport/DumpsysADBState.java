package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;

/**
 * The ADB debugging state and the computers trusted for ADB ({@code dumpsys_adb_state}, MVT's
 * {@code DumpsysADBState}).
 *
 * <p><b>Artifact</b>: the {@code DUMP OF SERVICE adb:} section: an indented {@code key=value} dump
 * with {@code {}} blocks. {@code user_keys} and {@code keystore} may run over several lines; their
 * continuation ends at a blank line, a closing {@code }} or the next {@code key=} line. The
 * keystore is Android XML ({@code <adbKey key="..." lastConnection="..."/>}, read with a pattern,
 * never an XML parser) or binary XML (ABX), from which the trusted keys are recovered by their
 * text.
 *
 * <p><b>Records</b>: one: the {@code debugging_manager} block, its {@code user_keys} as
 * {@code [{user, fingerprint (MD5 of the decoded key, upper-case, colon-separated), key}]} and its
 * {@code keystore} as the same plus {@code last_connected} when the XML gives it.
 * <b>Flags</b>: only inside check-androidqf (the run's {@link ModuleOptions#acquisition()}), MVT's
 * trusted-key checks (see {@link #checkTrustedKeys}): a key that is not the acquisition host's
 * means another computer was trusted for USB debugging. Elsewhere keys are only logged.
 * <b>Timeline</b>: none.
 */
public final class DumpsysADBState implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysADBState.class);

    static final String SERVICE = "adb";
    private static final Pattern KEY_LINE = Pattern.compile("^[a-z_]{2,}=");
    private static final Pattern XML_KEY = Pattern.compile(
            "<adbKey\\s+key=\"([^\"]*)\"(?:\\s+lastConnection=\"([^\"]*)\")?");
    private static final Pattern TEXT_KEY = Pattern.compile(
            "([A-Za-z0-9+/]{40,}={0,2}) ([^\\s\\x00-\\x1f\\x7f\\uFFFD]+)");
    private static final int MAX_DEPTH = 32;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_adb_state", "DumpsysADBState", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: DUMP OF SERVICE adb"), List.of(), "ADB state and trusted ADB keys");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        Map<String, Object> state = parse(DumpsysSections.service(ctx.source(), SERVICE));
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        if (state == null) {
            LOG.error("Unable to find expected ADB entries in dumpsys output");
            return out.build();
        }
        Object keys = state.get("user_keys");
        if (keys instanceof List<?> list) {
            for (Object k : list) {
                if (k instanceof Map<?, ?> m) {
                    LOG.info("Found trusted ADB key for user '{}' with fingerprint '{}'", m.get("user"),
                            m.get("fingerprint"));
                }
            }
        }
        if (ctx.options().acquisition() != null) {
            checkTrustedKeys(out, state, ctx.options().acquisition());
        }
        out.record(state);
        return out.build();
    }

    /**
     * MVT's trusted-key checks, made only inside an androidqf check: each unique trusted key
     * (keystore entries first, for their last connection, then user_keys) that is not valid
     * base64 (LOW), while the acquisition recorded no valid host key (LOW), that differs from the
     * acquisition host's key (LOW), or that is the acquisition host's key but was last connected
     * at least one day before the acquisition started (INFO). The event time is the key's last
     * connection (UTC), else "".
     */
    static void checkTrustedKeys(ModuleResult.Builder out, Map<String, Object> state,
            ModuleOptions.Acquisition context) {
        String acquisitionKey = keyMaterial(context.adbHostPublicKey());
        if (!isValidKey(acquisitionKey)) {
            acquisitionKey = "";
        }
        Instant started = acquisitionTime(context.started());
        Instant cutoff = started == null ? null : started.minus(Duration.ofDays(1));
        for (Map<?, ?> trusted : trustedKeys(state)) {
            String key = keyMaterial(trusted.get("key"));
            Object fp = trusted.get("fingerprint");
            Object u = trusted.get("user");
            String description = (fp == null || fp.toString().isEmpty() ? "<unknown key>" : fp) + " ("
                    + (u == null || u.toString().isEmpty() ? "unknown user" : u) + ")";
            Instant lastConnected = lastConnected(trusted.get("last_connected"));
            String eventTime = lastConnected == null ? "" : Times.format(lastConnected);
            if (!isValidKey(key)) {
                out.alert(Level.LOW, "Found an invalid trusted ADB host key: " + description, eventTime, trusted);
            } else if (acquisitionKey.isEmpty()) {
                out.alert(Level.LOW, "Found a trusted ADB host key, but the AndroidQF acquisition does not include"
                        + " its host key: " + description, eventTime, trusted);
            } else if (!key.equals(acquisitionKey)) {
                out.alert(Level.LOW, "Found a trusted ADB host key different from the AndroidQF acquisition host: "
                        + description, eventTime, trusted);
            } else if (cutoff != null && lastConnected != null && !lastConnected.isAfter(cutoff)) {
                out.alert(Level.INFORMATIONAL, "Found a trusted ADB host key last connected at least one day before the"
                        + " AndroidQF acquisition: " + description, eventTime, trusted);
            }
        }
    }

    /** Unique trusted keys by key material, keystore entries (with last_connected) first. */
    private static List<Map<?, ?>> trustedKeys(Map<String, Object> state) {
        List<Map<?, ?>> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String field : List.of("keystore", "user_keys")) {
            if (state.get(field) instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m) {
                        String key = keyMaterial(m.get("key"));
                        if (seen.add(key.isEmpty() ? "\u0000" + m : key)) {
                            out.add(m);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The base64 part of "KEY user@host" (stripped), or "". */
    static String keyMaterial(Object publicKey) {
        if (!(publicKey instanceof String s)) {
            return "";
        }
        String t = s.strip();
        int sp = t.indexOf(' ');
        return sp < 0 ? t : t.substring(0, sp);
    }

    /** Non-empty, strictly valid base64 (alphabet and padding) that decodes to at least one byte. */
    static boolean isValidKey(String key) {
        if (key == null || key.isEmpty() || key.length() % 4 != 0) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** acquisition.json's {@code started} (ISO 8601; no offset means UTC), or null. */
    static Instant acquisitionTime(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip().replace("Z", "+00:00")).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value.strip()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static Instant lastConnected(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(value.toString().strip()));
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }

    /** The debugging_manager block with decoded keys, or null when the section has none. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(List<String> lines) throws CorruptArtifactException {
        Map<String, Object> root = new LinkedHashMap<>();
        Deque<Map<String, Object>> stack = new ArrayDeque<>();
        boolean started = false;
        String multiKey = null;
        List<String> multi = null;
        for (String line : lines) {
            String text = line.strip();
            if (!started) {
                if (text.equals("{")) {
                    started = true;
                    stack.push(root);
                }
                continue;
            }
            if (multi != null) {
                boolean structural = text.isEmpty() || text.equals("}") || KEY_LINE.matcher(text).find();
                if (!structural) {
                    multi.add(text);
                    continue;
                }
                stack.peek().put(multiKey, String.join("\n", multi));
                multi = null;
                if (text.isEmpty()) {
                    continue;
                }
            }
            if (text.isEmpty()) {
                continue;
            }
            if (text.equals("}")) {
                stack.pop();
                if (stack.isEmpty()) {
                    break;
                }
                continue;
            }
            int eq = text.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = text.substring(0, eq);
            String value = text.substring(eq + 1);
            if (value.equals("{")) {
                if (stack.size() >= MAX_DEPTH) {
                    throw new CorruptArtifactException("adb section nested deeper than " + MAX_DEPTH);
                }
                Map<String, Object> child = new LinkedHashMap<>();
                stack.peek().put(key, child);
                stack.push(child);
            } else if (key.equals("user_keys") || key.equals("keystore")) {
                multiKey = key;
                multi = new ArrayList<>(List.of(value));
            } else {
                stack.peek().put(key, value);
            }
        }
        if (multi != null && !stack.isEmpty()) {
            stack.peek().put(multiKey, String.join("\n", multi));
        }
        Object dm = root.get("debugging_manager");
        if (!(dm instanceof Map<?, ?>)) {
            return null;
        }
        Map<String, Object> state = (Map<String, Object>) dm;
        if (state.get("user_keys") instanceof String s) {
            List<Map<String, Object>> keys = new ArrayList<>();
            for (String k : s.split("\n")) {
                if (!k.isBlank()) {
                    keys.add(keyInfo(k.strip()));
                }
            }
            state.put("user_keys", keys);
        }
        if (state.get("keystore") instanceof String s) {
            state.put("keystore", keystore(s));
        }
        return state;
    }

    private static List<Map<String, Object>> keystore(String text) {
        List<Map<String, Object>> out = new ArrayList<>();
        Matcher xml = XML_KEY.matcher(text);
        boolean any = false;
        while (xml.find()) {
            any = true;
            Map<String, Object> info = keyInfo(xml.group(1));
            if (xml.group(2) != null) {
                info.put("last_connected", xml.group(2));
            }
            out.add(info);
        }
        if (!any) {
            Matcher m = TEXT_KEY.matcher(text);
            while (m.find()) {
                out.add(keyInfo(m.group(1) + " " + m.group(2)));
            }
        }
        return out;
    }

    /** {@code base64key user} to {user, fingerprint, key}; an undecodable key gets fingerprint "". */
    static Map<String, Object> keyInfo(String userKey) {
        int sp = userKey.indexOf(' ');
        String key = sp < 0 ? userKey : userKey.substring(0, sp);
        String user = sp < 0 ? "" : userKey.substring(sp + 1);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("user", user);
        info.put("fingerprint", fingerprint(key));
        info.put("key", key);
        return info;
    }

    static String fingerprint(String base64Key) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            LOG.warn("Trusted ADB key is not valid base64: {}", base64Key);
            return "";
        }
        try {
            String hex = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(raw));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < hex.length(); i += 2) {
                if (i > 0) {
                    sb.append(':');
                }
                sb.append(hex, i, i + 2);
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }
}
