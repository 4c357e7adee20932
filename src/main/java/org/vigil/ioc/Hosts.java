package org.vigil.ioc;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.net.InetAddress;
import java.util.Locale;

/**
 * URL and host helpers for indicator matching: host extraction (user info and port dropped,
 * brackets of IPv6 literals removed, only a literal leading {@code www.} stripped), IP literal
 * canonicalisation, registered domain (eTLD+1) from the Public Suffix List (Guava, ICANN and
 * private suffixes, as Python {@code tld} does by default), and the normalised key of a URL
 * indicator (scheme and host lower-cased, path kept).
 */
final class Hosts {
    private Hosts() {}

    /**
     * The parts of a URL that matching needs.
     *
     * @param host normalised host (lower case, no port, no trailing dot, leading "www." removed;
     *     IP literals in canonical form), or null when the URL has no usable host
     * @param ip true when the host is an IPv4 or IPv6 literal
     * @param path everything after the authority (path, query, fragment), as written
     */
    record UrlParts(String host, boolean ip, String path) {
        boolean hasHost() {
            return host != null;
        }
    }

    /** Splits a URL (scheme optional, as MVT adds one when missing). */
    static UrlParts parse(String url) {
        String s = url.strip();
        int schemeEnd = s.indexOf("://");
        String rest;
        if (schemeEnd > 0 && isScheme(s, schemeEnd)) {
            rest = s.substring(schemeEnd + 3);
        } else if (s.startsWith("//")) {
            rest = s.substring(2);
        } else {
            rest = s;
        }
        int end = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '/' || c == '?' || c == '#' || c == '\\') {
                end = i;
                break;
            }
        }
        String authority = rest.substring(0, end);
        String path = rest.substring(end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String host;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return new UrlParts(null, false, path);
            }
            String literal = authority.substring(1, close);
            String canonical = canonicalIp(literal);
            return canonical == null
                    ? new UrlParts(null, false, path)
                    : new UrlParts(canonical, true, path);
        }
        int colon = authority.lastIndexOf(':');
        if (colon >= 0) {
            if (authority.indexOf(':') != colon) {
                // bare IPv6 without brackets (not a valid URL, but accept a plain address)
                String canonical = canonicalIp(authority);
                return canonical == null
                        ? new UrlParts(null, false, path)
                        : new UrlParts(canonical, true, path);
            }
            String port = authority.substring(colon + 1);
            for (int i = 0; i < port.length(); i++) {
                if (!Character.isDigit(port.charAt(i))) {
                    return new UrlParts(null, false, path);
                }
            }
            host = authority.substring(0, colon);
        } else {
            host = authority;
        }
        host = normaliseHost(host);
        if (host == null) {
            return new UrlParts(null, false, path);
        }
        if (isIpv4(host)) {
            return new UrlParts(host, true, path);
        }
        return new UrlParts(host, false, path);
    }

    private static boolean isScheme(String s, int end) {
        if (!Character.isLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lower-cases a host name, drops one trailing dot and a literal leading {@code www.}; null
     * when it holds characters a host name cannot hold.
     */
    static String normaliseHost(String raw) {
        String h = raw.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.startsWith("www.")) {
            h = h.substring(4);
        }
        if (h.isEmpty()) {
            return null;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c > 0x7f;
            if (!ok) {
                return null;
            }
        }
        return h;
    }

    /** True for a dotted-quad IPv4 literal. */
    static boolean isIpv4(String s) {
        int parts = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (digits == 0) {
                    return false;
                }
                parts++;
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return digits > 0 && parts == 3;
    }

    /** The canonical text of an IP literal (IPv6 compressed, lower case), or null. */
    static String canonicalIp(String literal) {
        String s = literal.strip();
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (!InetAddresses.isInetAddress(s)) {
            return null;
        }
        InetAddress a = InetAddresses.forString(s);
        return InetAddresses.toAddrString(a);
    }

    /**
     * The registered domain (public suffix plus one label) of a host, or null when the host is
     * itself a public suffix, has no known public suffix, or is not a valid domain name.
     */
    static String registeredDomain(String host) {
        try {
            InternetDomainName name = InternetDomainName.from(host);
            if (!name.isUnderPublicSuffix()) {
                return null;
            }
            return name.topPrivateDomain().toString();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    /** True when the host ends in a suffix of the Public Suffix List. */
    static boolean hasPublicSuffix(String host) {
        try {
            return InternetDomainName.from(host).hasPublicSuffix();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The key a URL indicator is indexed by: scheme and authority lower-cased, the rest as
     * written. A URL with no scheme is taken as written (lower-cased up to the first '/').
     */
    static String urlKey(String url) {
        String s = url.strip();
        int schemeEnd = s.indexOf("://");
        int authStart = schemeEnd > 0 && isScheme(s, schemeEnd) ? schemeEnd + 3 : 0;
        int end = s.length();
        for (int i = authStart; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return s.substring(0, end).toLowerCase(Locale.ROOT) + s.substring(end);
    }
}
