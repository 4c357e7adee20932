package org.vigil.modules.ios.sysdiagnose;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Apple executables that legitimately run from folders the sysdiagnose heuristics treat as implant
 * locations ({@code /private/var/db/}, {@code /private/var/tmp/}, ...): a path it allows raises no
 * "unusual folder" alert in {@link ShutdownLog} (H6) or {@link SysdiagnoseProcesses}. Indicator
 * matches are never affected.
 *
 * <p>The built-in list is the resource {@value #RESOURCE}: one documented entry per line (an exact
 * path, or a folder ending with {@code /}), comments with {@code #}. Entries outside the covered
 * folders, equal to one of them, with {@code ..}, or mentioning {@code roleaccountd.staging} are
 * refused; a path containing {@code roleaccountd.staging} is never allowed. Immutable.
 */
final class SystemPathAllowlist {
    static final String RESOURCE = "/org/vigil/ios/sysdiagnose/system-path-allowlist.txt";
    /** The folders the heuristics cover; entries must be strictly inside one of them. */
    static final List<String> COVERED = List.of("/private/var/db/", "/private/var/tmp/", "/private/tmp/", "/tmp/",
            "/private/var/mobile/");
    static final String STAGING = "roleaccountd.staging";

    private final List<String> exact;
    private final List<String> folders;

    private SystemPathAllowlist(List<String> exact, List<String> folders) {
        this.exact = List.copyOf(exact);
        this.folders = List.copyOf(folders);
    }

    /** The list shipped with Vigil. */
    static SystemPathAllowlist builtIn() {
        return Holder.BUILT_IN;
    }

    /** Allows nothing. */
    static SystemPathAllowlist empty() {
        return new SystemPathAllowlist(List.of(), List.of());
    }

    private static final class Holder {
        static final SystemPathAllowlist BUILT_IN = load();

        private static SystemPathAllowlist load() {
            try (InputStream in = SystemPathAllowlist.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE);
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                return parse(r.lines().toList(), RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Parses a list.
     *
     * @throws IllegalArgumentException naming the line of an entry that is refused
     */
    static SystemPathAllowlist parse(List<String> lines, String source) {
        List<String> exact = new ArrayList<>();
        List<String> folders = new ArrayList<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            int hash = raw.indexOf('#');
            String entry = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (entry.isEmpty()) {
                continue;
            }
            String p = normalise(entry);
            String why = refusal(p);
            if (why != null) {
                throw new IllegalArgumentException(source + " line " + n + ": \"" + entry + "\" " + why);
            }
            (p.endsWith("/") ? folders : exact).add(p);
        }
        return new SystemPathAllowlist(exact, folders);
    }

    private static String refusal(String p) {
        if (p.contains("..") || p.contains("//")) {
            return "is not a plain absolute path";
        }
        if (p.contains(STAGING)) {
            return "names " + STAGING + ", which is never allowlisted";
        }
        for (String c : COVERED) {
            if (p.startsWith(c) && p.length() > c.length()) {
                return null;
            }
        }
        return "is not strictly inside a folder the heuristics cover " + COVERED;
    }

    private static String normalise(String path) {
        return path.startsWith("/var/") ? "/private" + path : path;
    }

    /** True when this executable path is allowlisted. */
    boolean allows(String path) {
        if (path == null || path.isEmpty() || path.contains(STAGING) || path.contains("..")) {
            return false;
        }
        String p = normalise(path);
        if (exact.contains(p)) {
            return true;
        }
        for (String f : folders) {
            if (p.startsWith(f)) {
                return true;
            }
        }
        return false;
    }

    /** Number of entries. */
    int size() {
        return exact.size() + folders.size();
    }
}
