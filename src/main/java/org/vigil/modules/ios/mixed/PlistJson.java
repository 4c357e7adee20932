package org.vigil.modules.ios.mixed;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.Times;

/**
 * Plist values (as {@link org.vigil.io.PlistReader} gives them) turned into what MVT writes to its
 * JSON files: dates as Python's {@code str(datetime)} ({@code 2021-12-03 19:33:13}, microseconds
 * only when not zero), data kept as {@code byte[]} (the JSON writer renders it as MVT does), or
 * base64 text where MVT base64-encodes a value. Used by the plist-based iOS modules of this
 * package and of {@code org.vigil.modules.ios.backup}.
 */
public final class PlistJson {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private PlistJson() {}

    /**
     * Most values a copy may hold. A binary plist can share one object many times (a small file
     * whose object graph expands to billions of values once written out as JSON): such files are
     * refused rather than expanded.
     */
    public static final int MAX_VALUES = 1_000_000;

    /**
     * A copier for one file: its {@link Copier#copy} makes mutable deep copies of plist values,
     * all counted against one budget of {@link #MAX_VALUES}.
     *
     * @param name the file, for messages
     */
    public static Copier copier(String name) {
        return new Copier(name);
    }

    /**
     * Makes mutable deep copies of plist values: dictionaries become {@link LinkedHashMap}s (plist
     * order kept), arrays {@link ArrayList}s, dates Python {@code str(datetime)} strings; other
     * values are kept as they are. Depth is bounded by the reader's own limit; the number of
     * values copied (over all calls) by {@link #MAX_VALUES}.
     */
    public static final class Copier {
        private final String name;
        private int values;

        private Copier(String name) {
            this.name = name;
        }

        /** A dictionary copied with {@link #copy}. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> copyDict(Map<String, Object> m) throws CorruptArtifactException {
            return (Map<String, Object>) copy(m);
        }

        /**
         * A mutable deep copy of {@code v}.
         *
         * @throws CorruptArtifactException when this copier would hold more than {@link #MAX_VALUES} values
         */
        public Object copy(Object v) throws CorruptArtifactException {
            if (++values > MAX_VALUES) {
                throw new CorruptArtifactException(name + ": property list expands to more than " + MAX_VALUES
                        + " values");
            }
            if (v instanceof Instant i) {
                return pyDatetime(i);
            }
            if (v instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.put(String.valueOf(e.getKey()), copy(e.getValue()));
                }
                return out;
            }
            if (v instanceof List<?> l) {
                List<Object> out = new ArrayList<>(l.size());
                for (Object item : l) {
                    out.add(copy(item));
                }
                return out;
            }
            return v;
        }
    }

    /** Python's {@code str()} of the naive UTC datetime plistlib gives for a plist date. */
    public static String pyDatetime(Instant i) {
        LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
        return (t.getNano() == 0 ? SECONDS : MICROS).format(t);
    }

    /** MVT's {@code convert_datetime_to_iso}: a plist date in ISO, "" for anything else. */
    public static String isoDate(Object v) {
        return v instanceof Instant i ? Times.format(i) : "";
    }

    /**
     * MVT's {@code convert_mactime_to_iso} on a plist value: numbers are Mac absolute time ("" for
     * 0); a real plist date (never seen, but harmless) is formatted as it is; anything else is "".
     */
    public static String macTime(Object v) {
        if (v instanceof Number n) {
            return Times.fromMac(n);
        }
        return isoDate(v);
    }

    /** Replaces {@code map[key]} by its base64 text when it is data (MVT's {@code b64encode}). */
    public static void base64(Map<String, Object> map, String key) {
        if (map != null && map.get(key) instanceof byte[] b) {
            map.put(key, Base64.getEncoder().encodeToString(b));
        }
    }

    /** Replaces every data element of the list {@code map[key]} by its base64 text. */
    public static void base64Each(Map<String, Object> map, String key) {
        if (map != null && map.get(key) instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object item : l) {
                out.add(item instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : item);
            }
            map.put(key, out);
        }
    }

    /** The value as a dictionary, or null. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> dict(Object v) {
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
