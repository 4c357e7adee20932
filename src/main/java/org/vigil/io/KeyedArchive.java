package org.vigil.io;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.vigil.core.CorruptArtifactException;

/**
 * Decodes NSKeyedArchiver plists (as read by {@link PlistReader}) into plain values by resolving
 * {@link PlistReader.Uid} references into {@code $objects}.
 *
 * <p>Decoding: {@code $null} gives null; an object whose class has {@code NS.keys} and
 * {@code NS.objects} (NSDictionary) gives a {@code Map<String, Object>}; {@code NS.objects} alone
 * (NSArray, NSSet, NSOrderedSet) a {@code List}; {@code NS.string} a String; {@code NS.bytes} or
 * {@code NS.data} a {@code byte[]}; {@code NS.time} (NSDate, Cocoa seconds) an {@link Instant};
 * {@code NS.uuidbytes} a UUID string; any other object (e.g. MBFile) a {@code Map} of its decoded
 * fields plus {@code "$class"} = its class name. Shared references are decoded once.
 *
 * <p>Hostile input: a reference out of range, a reference cycle (an object that contains itself)
 * or nesting deeper than {@link PlistReader#MAX_DEPTH} gives a {@link CorruptArtifactException}.
 */
public final class KeyedArchive {
    /** The key under which a decoded generic object carries its class name. */
    public static final String CLASS_KEY = "$class";

    private final String name;
    private final List<?> objects;
    private final Map<Integer, Object> decoded = new HashMap<>();
    private final BitSet inProgress = new BitSet();

    private KeyedArchive(String name, List<?> objects) {
        this.name = name;
        this.objects = objects;
    }

    /** True when {@code plist} looks like an NSKeyedArchiver archive ({@code $objects} and {@code $top}). */
    public static boolean isArchive(Object plist) {
        return plist instanceof Map<?, ?> m && m.get("$objects") instanceof List && m.get("$top") instanceof Map;
    }

    /**
     * Decodes the archive's root object: {@code $top.root} when present, otherwise a map of every
     * decoded {@code $top} entry.
     *
     * @param plist the archive, as read by {@link PlistReader}
     * @param name how to name it in messages
     * @throws CorruptArtifactException when it is not an archive, or its graph is broken or loops
     */
    public static Object decode(Object plist, String name) throws CorruptArtifactException {
        if (!isArchive(plist)) {
            throw new CorruptArtifactException(name + ": not an NSKeyedArchiver archive (no $objects/$top)");
        }
        Map<?, ?> archive = (Map<?, ?>) plist;
        Map<?, ?> top = (Map<?, ?>) archive.get("$top");
        KeyedArchive decoder = new KeyedArchive(name, (List<?>) archive.get("$objects"));
        if (top.containsKey("root")) {
            return decoder.value(top.get("root"), 0);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            all.put(String.valueOf(e.getKey()), decoder.value(e.getValue(), 0));
        }
        return Collections.unmodifiableMap(all);
    }

    /** Parses and decodes an archive held in memory (e.g. a Manifest.db {@code file} blob). */
    public static Object decode(byte[] data, String name) throws CorruptArtifactException {
        return decode(PlistReader.parse(data, name), name);
    }

    private CorruptArtifactException corrupt(String what) {
        return new CorruptArtifactException(name + ": NSKeyedArchiver " + what);
    }

    private Object value(Object v, int depth) throws CorruptArtifactException {
        if (depth > PlistReader.MAX_DEPTH) {
            throw corrupt("objects nested deeper than " + PlistReader.MAX_DEPTH);
        }
        if (v instanceof PlistReader.Uid uid) {
            return object(uid, depth);
        }
        if (v instanceof Map<?, ?> m) {
            return map(m, depth);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object item : l) {
                out.add(value(item, depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    private Object object(PlistReader.Uid uid, int depth) throws CorruptArtifactException {
        long index = uid.index();
        if (index < 0 || index >= objects.size()) {
            throw corrupt("reference " + index + " out of range (" + objects.size() + " objects)");
        }
        int i = (int) index;
        if (decoded.containsKey(i)) {
            return decoded.get(i);
        }
        if (inProgress.get(i)) {
            throw corrupt("object graph loops (object " + i + " contains itself)");
        }
        inProgress.set(i);
        Object raw = objects.get(i);
        Object result = "$null".equals(raw) ? null : value(raw, depth + 1);
        inProgress.clear(i);
        decoded.put(i, result);
        return result;
    }

    private Object map(Map<?, ?> m, int depth) throws CorruptArtifactException {
        Object classRef = m.get("$class");
        if (classRef == null) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), value(e.getValue(), depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        if (m.get("NS.keys") instanceof List<?> keys && m.get("NS.objects") instanceof List<?> values) {
            if (keys.size() != values.size()) {
                throw corrupt("dictionary has " + keys.size() + " keys but " + values.size() + " values");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                out.put(String.valueOf(value(keys.get(i), depth + 1)), value(values.get(i), depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        if (m.get("NS.objects") instanceof List<?> items) {
            return value(items, depth + 1);
        }
        if (m.containsKey("NS.string")) {
            Object s = value(m.get("NS.string"), depth + 1);
            return s == null ? null : s.toString();
        }
        for (String key : new String[] {"NS.bytes", "NS.data"}) {
            if (m.containsKey(key)) {
                return value(m.get(key), depth + 1);
            }
        }
        if (m.get("NS.time") instanceof Number t) {
            return cocoaInstant(t.doubleValue());
        }
        if (m.get("NS.uuidbytes") instanceof byte[] b && b.length == 16) {
            ByteBuffer bb = ByteBuffer.wrap(b);
            return new UUID(bb.getLong(), bb.getLong()).toString().toUpperCase(java.util.Locale.ROOT);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(CLASS_KEY, className(classRef));
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!key.equals("$class")) {
                out.put(key, value(e.getValue(), depth + 1));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private String className(Object classRef) throws CorruptArtifactException {
        if (classRef instanceof PlistReader.Uid uid) {
            long index = uid.index();
            if (index < 0 || index >= objects.size()) {
                throw corrupt("class reference " + index + " out of range (" + objects.size() + " objects)");
            }
            if (objects.get((int) index) instanceof Map<?, ?> c && c.get("$classname") instanceof String s) {
                return s;
            }
        }
        return "";
    }

    private static Instant cocoaInstant(double seconds) {
        if (Double.isNaN(seconds) || Math.abs(seconds) > 1e11) {
            return null;
        }
        long micros = Math.round(seconds * 1_000_000d);
        return Instant.ofEpochSecond(Times.MAC_EPOCH_OFFSET).plusNanos(micros * 1000L);
    }
}
