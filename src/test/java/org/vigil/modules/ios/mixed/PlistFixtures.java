package org.vigil.modules.ios.mixed;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: plist fixtures written with dd-plist (binary or XML), values given as Java objects. */
public final class PlistFixtures {
    private PlistFixtures() {}

    /** An ordered map from alternating keys and values. */
    public static Map<String, Object> dict(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A plist date. */
    public static Date date(String isoInstant) {
        return Date.from(Instant.parse(isoInstant));
    }

    /** Writes {@code root} as a binary plist. */
    public static Path binary(Path file, Object root) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, BinaryPropertyListWriter.writeToArray(ns(root)));
    }

    /** Writes {@code root} as an XML plist. */
    public static Path xml(Path file, Object root) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, ns(root).toXMLPropertyList().getBytes(StandardCharsets.UTF_8));
    }

    /** A dd-plist object (maps keep their order). */
    public static NSObject ns(Object v) {
        if (v instanceof Map<?, ?> m) {
            com.dd.plist.NSDictionary d = new com.dd.plist.NSDictionary();
            m.forEach((k, item) -> d.put(String.valueOf(k), ns(item)));
            return d;
        }
        if (v instanceof List<?> l) {
            com.dd.plist.NSArray a = new com.dd.plist.NSArray(l.size());
            for (int i = 0; i < l.size(); i++) {
                a.setValue(i, ns(l.get(i)));
            }
            return a;
        }
        return NSObject.fromJavaObject(v);
    }
}
