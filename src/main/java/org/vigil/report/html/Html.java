package org.vigil.report.html;

/**
 * HTML escaping for text and for double-quoted attribute values. Escapes {@code & < > " '};
 * replaces characters that are not allowed in HTML (NUL and other controls but tab, line feed and
 * carriage return, lone surrogates, non-characters) by U+FFFD; writes U+2028 and U+2029 as
 * character references. The result contains no markup whatever the input.
 */
public final class Html {
    private Html() {}

    /** {@code s} escaped for HTML text and attribute values ("" for null). */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        escapeTo(sb, s);
        return sb.toString();
    }

    /** Appends {@code s} escaped. */
    public static void escapeTo(StringBuilder sb, String s) {
        if (s == null) {
            return;
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                case '\u2028' -> sb.append("&#x2028;");
                case '\u2029' -> sb.append("&#x2029;");
                case '\t', '\n', '\r' -> sb.append(c);
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, s.charAt(i + 1));
                        if ((cp & 0xFFFE) == 0xFFFE) {
                            sb.append('\uFFFD');
                        } else {
                            sb.append(c).append(s.charAt(i + 1));
                        }
                        i++;
                    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c)
                            || c == '\uFFFE' || c == '\uFFFF' || (c >= '\uFDD0' && c <= '\uFDEF')) {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }

    /**
     * {@code s} cut to at most {@code max} characters (never inside a surrogate pair); the number of
     * characters cut is returned through the caller's check of the length.
     */
    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = Character.isLowSurrogate(s.charAt(max)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
