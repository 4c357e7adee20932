package org.vigil.cli;

import java.util.Map;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleStatus;
import picocli.CommandLine.Help.Ansi;

/**
 * Console colours (picocli's ANSI styles), or plain text when colour is off. Text is always
 * cleaned of control characters first: reasons and names can come from the device, and a file
 * name must not be able to drive the analyst's terminal.
 */
final class Style {
    private static final Style PLAIN = new Style(false);
    private static final Style COLOR = new Style(true);

    private final boolean enabled;

    private Style(boolean enabled) {
        this.enabled = enabled;
    }

    /** Colours on or off. */
    static Style of(boolean enabled) {
        return enabled ? COLOR : PLAIN;
    }

    /**
     * Whether to colour a stream: {@code --color=always} yes, {@code never} no; {@code auto} when
     * the stream is a terminal, {@code NO_COLOR} is not set to a non-empty value (no-color.org)
     * and {@code TERM} is not {@code dumb}.
     */
    static boolean enabled(ConsoleOptions.ColorMode mode, boolean terminal, Map<String, String> env) {
        switch (mode) {
            case ALWAYS:
                return true;
            case NEVER:
                return false;
            default:
                String noColor = env.get("NO_COLOR");
                return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        }
    }

    boolean enabled() {
        return enabled;
    }

    /** Bold text. */
    String bold(String text) {
        return paint(text, Ansi.Style.bold);
    }

    /** Dimmed text (faint). */
    String dim(String text) {
        return paint(text, Ansi.Style.faint);
    }

    /** Text in the colour of an alert level. */
    String level(Level level, String text) {
        switch (level) {
            case CRITICAL:
                return paint(text, Ansi.Style.bold, Ansi.Style.fg_red);
            case HIGH:
                return paint(text, Ansi.Style.fg_red);
            case MEDIUM:
                return paint(text, Ansi.Style.fg_yellow);
            case LOW:
                return paint(text, Ansi.Style.fg_cyan);
            default:
                return clean(text);
        }
    }

    /** Text in the colour of a module status. */
    String status(ModuleStatus status, String text) {
        switch (status) {
            case CHECKED:
                return paint(text, Ansi.Style.fg_green);
            case NOT_PRESENT:
                return paint(text, Ansi.Style.faint);
            case UNREADABLE:
                return paint(text, Ansi.Style.fg_yellow);
            default:
                return paint(text, Ansi.Style.bold, Ansi.Style.fg_red);
        }
    }

    /** An error word. */
    String error(String text) {
        return paint(text, Ansi.Style.bold, Ansi.Style.fg_red);
    }

    private String paint(String text, Ansi.Style... styles) {
        String t = clean(text);
        return enabled && !t.isEmpty() ? Ansi.Style.on(styles) + t + Ansi.Style.reset.on() : t;
    }

    /**
     * {@code text} with every control character (C0 but tab, DEL, C1) and Unicode bidirectional
     * override shown as {@code \\uXXXX}, so that it prints as one inert line.
     */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean bad = (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0)
                    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
            if (bad) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }
}
