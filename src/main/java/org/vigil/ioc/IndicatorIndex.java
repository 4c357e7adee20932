package org.vigil.ioc;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Hash indexes over all collections, one map per indicator type keyed by the normalised value
 * (see {@link #key}). The first indicator in load order wins a key, as MVT's first-hit scan
 * does; each entry keeps its load ordinal so that checks probing several keys can still return
 * the earliest indicator. Process indicators are also indexed by their first 16 characters for
 * the kernel-truncated name rule.
 */
final class IndicatorIndex {

    /** Process names the kernel truncates to this many characters. */
    static final int TRUNCATED_PROCESS_LENGTH = 16;

    /** An indexed indicator and its position in load order. */
    record Hit(Indicator indicator, int ordinal) {}

    private final EnumMap<IndicatorType, Map<String, Hit>> maps =
            new EnumMap<>(IndicatorType.class);
    private final Map<String, Hit> processPrefixes = new HashMap<>();

    IndicatorIndex(List<IndicatorCollection> collections) {
        for (IndicatorType t : IndicatorType.values()) {
            maps.put(t, new HashMap<>());
        }
        int ordinal = 0;
        for (IndicatorCollection c : collections) {
            for (IndicatorType t : IndicatorType.values()) {
                Map<String, Hit> map = maps.get(t);
                for (String v : c.values(t)) {
                    Hit hit = new Hit(new Indicator(v, t, c.name(), c.stixFileName()), ordinal++);
                    String key = key(t, v);
                    if (key.isEmpty()) {
                        continue;
                    }
                    map.putIfAbsent(key, hit);
                    if (t == IndicatorType.PROCESSES && v.length() >= TRUNCATED_PROCESS_LENGTH) {
                        processPrefixes.putIfAbsent(v.substring(0, TRUNCATED_PROCESS_LENGTH), hit);
                    }
                }
            }
        }
    }

    /** The indicator indexed under {@code key} for a type, or null. */
    Hit get(IndicatorType type, String key) {
        return maps.get(type).get(key);
    }

    /** The first process indicator whose first 16 characters are {@code prefix16}, or null. */
    Hit processByPrefix(String prefix16) {
        return processPrefixes.get(prefix16);
    }

    /** Number of distinct keys of a type. */
    int size(IndicatorType type) {
        return maps.get(type).size();
    }

    /** The lookup key of an indicator value (also applied to the probe values). */
    static String key(IndicatorType type, String value) {
        return switch (type) {
            case DOMAINS -> domainKey(value);
            case URLS -> Hosts.urlKey(value);
            case PROCESSES, FILE_NAMES -> value;
            case FILE_PATHS -> stripTrailingSlashes(value);
            case APP_CERT_HASHES -> value.replace(":", "").strip().toLowerCase(Locale.ROOT);
            default -> value.strip().toLowerCase(Locale.ROOT);
        };
    }

    /** Domain and IP indicators: IP literals canonical, host names as {@link Hosts} does. */
    static String domainKey(String value) {
        String v = value.strip();
        if (v.indexOf(':') >= 0) {
            String ip = Hosts.canonicalIp(v);
            if (ip != null) {
                return ip;
            }
        }
        if (v.startsWith("*.")) {
            v = v.substring(2);
        }
        String host = Hosts.normaliseHost(v);
        return host == null ? v.toLowerCase(Locale.ROOT) : host;
    }

    static String stripTrailingSlashes(String v) {
        int end = v.length();
        while (end > 0 && v.charAt(end - 1) == '/') {
            end--;
        }
        return v.substring(0, end);
    }
}
