package org.vigil.source.sysdiagnose;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.CappedInputStream;
import org.vigil.io.PlistReader;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;

/**
 * What a sysdiagnose says about its device, read from the files inside it (the archive name only
 * gives the build): {@value #SYSTEM_VERSION} ({@code ProductName}, {@code ProductVersion},
 * {@code ProductBuildVersion}) and the first "Properties:" block of
 * {@value #DUMPSTATE} ({@code Key => Value} lines: {@code ProductType}, {@code OSVersion},
 * {@code BuildVersion}, {@code SerialNumber}, {@code UniqueDeviceID}, {@code RegionCode}...).
 * Works on any {@link AcquisitionSource} holding these paths; reading never fails: a missing or
 * damaged file gives fewer properties (logged).
 */
public final class SysdiagnoseDeviceInfo {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseDeviceInfo.class);

    /** The OS version plist, relative to the sysdiagnose folder. */
    public static final String SYSTEM_VERSION = "logs/SystemVersion/SystemVersion.plist";
    /** remotectl's dump of the device's properties, relative to the sysdiagnose folder. */
    public static final String DUMPSTATE = "remotectl_dumpstate.txt";
    static final int MAX_BYTES = 4 << 20;
    static final int MAX_PROPERTIES = 512;

    private static final Pattern PROPERTY = Pattern.compile("^\\s*([A-Za-z][A-Za-z0-9_-]{0,127})\\s*=>\\s*(.*?)\\s*$");

    private SysdiagnoseDeviceInfo() {}

    /**
     * The files' content.
     *
     * @param systemVersion SystemVersion.plist's string values, in file order
     * @param dumpstate the device properties of remotectl_dumpstate.txt, in file order
     */
    public record Content(Map<String, String> systemVersion, Map<String, String> dumpstate) {
        public Content {
            systemVersion = Collections.unmodifiableMap(new LinkedHashMap<>(systemVersion));
            dumpstate = Collections.unmodifiableMap(new LinkedHashMap<>(dumpstate));
        }

        /**
         * The properties for {@code info.json}, named as in a backup's Info.plist:
         * {@code Product Type}, {@code Product Version}, {@code Build Version}, {@code Product Name}
         * (the OS name), when known.
         */
        public Map<String, String> deviceProperties() {
            Map<String, String> out = new LinkedHashMap<>();
            put(out, "Product Type", dumpstate.get("ProductType"));
            put(out, "Product Version", systemVersion.getOrDefault("ProductVersion", dumpstate.get("OSVersion")));
            put(out, "Build Version", systemVersion.getOrDefault("ProductBuildVersion",
                    dumpstate.get("BuildVersion")));
            put(out, "Product Name", systemVersion.get("ProductName"));
            return out;
        }

        private static void put(Map<String, String> out, String key, String value) {
            if (value != null && !value.isBlank()) {
                out.put(key, value);
            }
        }
    }

    /** Reads both files from the source. */
    public static Content read(AcquisitionSource source) {
        return new Content(systemVersion(source), dumpstate(source));
    }

    private static Map<String, String> systemVersion(AcquisitionSource source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ArtifactRef ref : find(source, SYSTEM_VERSION)) {
            try (InputStream in = capped(source, ref)) {
                Object plist = PlistReader.read(in, ref.displayName());
                if (plist instanceof Map<?, ?> m) {
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        if (e.getKey() instanceof String k && e.getValue() instanceof String v) {
                            out.put(k, v);
                        }
                    }
                } else {
                    LOG.warn("{}: not a dictionary", ref.displayName());
                }
            } catch (IOException | CorruptArtifactException e) {
                LOG.warn("{}: cannot read the OS version ({})", ref.displayName(), e.getMessage());
            }
            break;
        }
        return out;
    }

    private static Map<String, String> dumpstate(AcquisitionSource source) {
        for (ArtifactRef ref : find(source, DUMPSTATE)) {
            try (InputStream in = capped(source, ref)) {
                return parseDumpstate(in);
            } catch (IOException e) {
                LOG.warn("{}: cannot read the device properties ({})", ref.displayName(), e.getMessage());
            }
        }
        return Map.of();
    }

    /** The {@code Key => Value} lines of the first "Properties:" block (up to its closing brace). */
    static Map<String, String> parseDumpstate(InputStream in) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
        StringBuilder line = new StringBuilder();
        boolean inside = false;
        int c;
        boolean end = false;
        while (!end) {
            c = r.read();
            end = c == -1;
            if (!end && c != '\n') {
                if (line.length() < 4096) {
                    line.append((char) c);
                }
                continue;
            }
            String l = line.toString().strip();
            line.setLength(0);
            if (!inside) {
                inside = l.startsWith("Properties:") && l.endsWith("{");
                continue;
            }
            if (l.startsWith("}")) {
                break;
            }
            Matcher m = PROPERTY.matcher(l);
            if (m.matches() && out.size() < MAX_PROPERTIES) {
                out.putIfAbsent(m.group(1), m.group(2));
            }
        }
        return out;
    }

    private static InputStream capped(AcquisitionSource source, ArtifactRef ref) throws IOException {
        return new CappedInputStream(source.open(ref), MAX_BYTES, ref.displayName() + " is larger than 4 MiB");
    }

    private static List<ArtifactRef> find(AcquisitionSource source, String path) {
        try {
            return source.find(ArtifactPattern.anyDomain(path)).stream()
                    .filter(r -> r.relativePath().equals(path)).toList();
        } catch (IOException e) {
            LOG.warn("{}: cannot look for it ({})", path, e.getMessage());
            return List.of();
        }
    }
}
