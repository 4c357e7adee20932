package org.vigil.report.html;

import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The report's strings, from the resource bundle {@code org.vigil.report.html.messages} for a
 * locale (English when the locale has no translation). Placeholders {@code {0}}, {@code {1}}...
 * are replaced literally (no MessageFormat quoting). Values are plain text; callers escape them.
 */
public final class Messages {
    static final String BUNDLE = "org.vigil.report.html.messages";
    private final ResourceBundle bundle;

    private Messages(ResourceBundle bundle) {
        this.bundle = bundle;
    }

    /** The strings for {@code locale} (falling back to English key by key). */
    public static Messages forLocale(Locale locale) {
        return new Messages(ResourceBundle.getBundle(BUNDLE, locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES)));
    }

    /** English. */
    public static Messages english() {
        return forLocale(Locale.ROOT);
    }

    /** True when the bundle has {@code key}. */
    public boolean has(String key) {
        return bundle.containsKey(key);
    }

    /** The string of {@code key} with its placeholders replaced; the key itself when it is missing. */
    public String get(String key, Object... args) {
        String s;
        try {
            s = bundle.getString(key);
        } catch (MissingResourceException e) {
            s = key;
        }
        return substitute(s, args);
    }

    /** Replaces {@code {i}} by {@code args[i]} in one pass (an argument's own braces are left alone). */
    static String substitute(String pattern, Object... args) {
        StringBuilder sb = new StringBuilder(pattern.length() + 32);
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            int close = c == '{' ? pattern.indexOf('}', i) : -1;
            if (close > i + 1 && close - i <= 3 && pattern.substring(i + 1, close).chars().allMatch(Character::isDigit)) {
                int n = Integer.parseInt(pattern.substring(i + 1, close));
                if (n < args.length) {
                    sb.append(args[n]);
                    i = close + 1;
                    continue;
                }
            }
            sb.append(c);
            i++;
        }
        return sb.toString();
    }

    /** {@code key.one} when {@code n} is 1, else {@code key.other}; {0} is {@code n}. */
    public String plural(String key, long n, Object... more) {
        Object[] args = new Object[more.length + 1];
        args[0] = n;
        System.arraycopy(more, 0, args, 1, more.length);
        return get(key + (n == 1 ? ".one" : ".other"), args);
    }

    /** {@code key} when the bundle has it, else {@code fallback}, with the placeholders replaced. */
    public String getOr(String key, String fallback, Object... args) {
        return get(has(key) ? key : fallback, args);
    }
}
