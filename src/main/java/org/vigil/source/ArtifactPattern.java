package org.vigil.source;

import java.util.Objects;

/**
 * What a module looks for in a source.
 *
 * <p>{@code domain} and {@code relativePath} may contain {@code *} (any run of characters,
 * including {@code /}), like MVT's Manifest lookups. A null or empty {@code domain} means any domain.
 *
 * @param domain backup domain pattern, or null for any
 * @param relativePath path pattern inside the domain
 */
public record ArtifactPattern(String domain, String relativePath) {
    public ArtifactPattern {
        Objects.requireNonNull(relativePath, "relativePath");
        domain = domain == null || domain.isEmpty() ? null : domain;
    }

    /** A pattern for a relative path in any domain. */
    public static ArtifactPattern anyDomain(String relativePath) {
        return new ArtifactPattern(null, relativePath);
    }

    /** A pattern for a relative path in one domain. */
    public static ArtifactPattern of(String domain, String relativePath) {
        return new ArtifactPattern(domain, relativePath);
    }

    /** True when {@code value} matches {@code pattern} with {@code *} as wildcard. */
    public static boolean globMatches(String pattern, String value) {
        return globMatches(pattern, 0, value, 0);
    }

    private static boolean globMatches(String p, int pi, String v, int vi) {
        // iterative wildcard match with backtracking on the last star
        int star = -1;
        int mark = 0;
        while (vi < v.length()) {
            if (pi < p.length() && p.charAt(pi) != '*' && p.charAt(pi) == v.charAt(vi)) {
                pi++;
                vi++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = vi;
            } else if (star >= 0) {
                pi = star + 1;
                vi = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    /** True when this pattern matches the reference. */
    public boolean matches(ArtifactRef ref) {
        return (domain == null || globMatches(domain, ref.domain()))
                && globMatches(relativePath, ref.relativePath());
    }
}
