package org.vigil.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Vigil's version, from the build. */
public final class VigilVersion {
    private VigilVersion() {}

    /** The version string (e.g. {@code 0.1.0-SNAPSHOT}), or {@code unknown}. */
    public static String get() {
        try (InputStream in = VigilVersion.class.getResourceAsStream("/org/vigil/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
