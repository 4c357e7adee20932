package org.vigil.source;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the acquisition says about the device: model, OS version and similar, as key/value pairs
 * (e.g. "Product Type", "Product Version", "Build Version", "Device Name", "Last Backup Date").
 *
 * @param properties sorted, unmodifiable
 */
public record DeviceInfo(Map<String, String> properties) {
    public DeviceInfo {
        properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** No information. */
    public static DeviceInfo empty() {
        return new DeviceInfo(Map.of());
    }

    /** A property or null. */
    public String get(String key) {
        return properties.get(key);
    }
}
