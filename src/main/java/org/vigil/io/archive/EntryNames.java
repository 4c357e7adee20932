package org.vigil.io.archive;

import java.util.Optional;

/** Checks and normalisation of the names stored in archives (which the attacker may control). */
public final class EntryNames {
    private EntryNames() {}

    /**
     * Why an entry name is refused, if it is: absolute (also {@code \} and drive letters), with a
     * {@code ..} component, or with a NUL character.
     */
    public static Optional<String> unsafe(String name) {
        if (name.indexOf('\0') >= 0) {
            return Optional.of("NUL in name");
        }
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            return Optional.of("absolute path");
        }
        for (String part : name.split("[/\\\\]")) {
            if (part.equals("..")) {
                return Optional.of("\"..\" component");
            }
        }
        return Optional.empty();
    }

    /**
     * The name without leading {@code ./}, repeated and empty components and trailing slashes
     * ({@code ./a//b/} gives {@code a/b}; {@code .} and {@code ./} give "").
     */
    public static String clean(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        int i = 0;
        int n = name.length();
        while (i < n) {
            int j = name.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            if (j > i && !(j == i + 1 && name.charAt(i) == '.')) {
                if (sb.length() > 0) {
                    sb.append('/');
                }
                sb.append(name, i, j);
            }
            i = j + 1;
        }
        return sb.toString();
    }

    /**
     * A name decoded with {@link RawUtf8Charset}: each byte that was not valid UTF-8 (kept as a
     * lone low surrogate U+DC80..U+DCFF) becomes U+FFFD. Returns the input when it was valid.
     */
    public static String displayable(String decoded) {
        if (isValidUtf8(decoded)) {
            return decoded;
        }
        StringBuilder sb = new StringBuilder(decoded.length());
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < decoded.length()
                    && Character.isLowSurrogate(decoded.charAt(i + 1))) {
                sb.append(c).append(decoded.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\ufffd');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** False when the decoded name holds a lone surrogate (a byte that was not valid UTF-8). */
    public static boolean isValidUtf8(String decoded) {
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < decoded.length()
                    && Character.isLowSurrogate(decoded.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The base name reduced to safe characters, for a file Vigil creates in its own workspace
     * (never a path taken from the archive): at most 120 characters, never empty or dots only.
     */
    public static String safeFileName(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        StringBuilder sb = new StringBuilder();
        for (char c : base.toCharArray()) {
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '-' || c == '_' || c == '+' ? c : '_');
        }
        String s = sb.length() > 120 ? sb.substring(sb.length() - 120) : sb.toString();
        return s.isEmpty() || s.chars().allMatch(c -> c == '.') ? "file" : s;
    }
}
