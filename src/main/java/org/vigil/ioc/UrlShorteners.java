package org.vigil.ioc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The URL shortener domains (resource {@code url-shorteners.txt}, MVT's list). A URL is
 * shortened when its host, after a leading {@code www.}, is one of them, except
 * {@code goo.gl/maps/...} links (Google Maps short links are not expanded, as in MVT).
 */
final class UrlShorteners {
    private static final String RESOURCE = "url-shorteners.txt";
    private static final Set<String> DOMAINS = load();

    private UrlShorteners() {}

    private static Set<String> load() {
        Set<String> out = new HashSet<>();
        try (InputStream in = UrlShorteners.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    out.add(s.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(out);
    }

    /** The shortener domains. */
    static Set<String> domains() {
        return DOMAINS;
    }

    /** True when the URL points at a shortener (goo.gl/maps/ excluded). */
    static boolean isShortened(String url) {
        return isShortened(Hosts.parse(url));
    }

    static boolean isShortened(Hosts.UrlParts parts) {
        if (!parts.hasHost() || parts.ip() || !DOMAINS.contains(parts.host())) {
            return false;
        }
        return !(parts.host().equals("goo.gl") && parts.path().startsWith("/maps/"));
    }
}
