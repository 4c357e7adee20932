package org.vigil.source.android;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parser of the output of Android's {@code getprop} ({@code getprop.txt} in androidqf): one
 * property per line, {@code [name]: [value]}. Like MVT, a line counts only when both brackets hold
 * at least one character (properties with an empty value are skipped) and the first
 * {@code [..]: [..]} pair of the line is taken, each part ending at its first {@code ]}.
 */
public final class GetPropText {
    /** MVT's expression: {@code \[(.+?)\]: \[(.+?)\]}. */
    private static final Pattern LINE = Pattern.compile("\\[(.+?)\\]: \\[(.+?)\\]");

    /** The property that names the device's time zone. */
    public static final String TIMEZONE_PROPERTY = "persist.sys.timezone";

    private GetPropText() {}

    /**
     * One property, serialised as MVT's {@code {"name": ..., "value": ...}}.
     *
     * @param name property name
     * @param value property value (never empty)
     */
    public record Property(String name, String value) {}

    /** Every property of the text, in order. */
    public static List<Property> parse(String text) {
        List<Property> out = new ArrayList<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                out.add(new Property(m.group(1), m.group(2)));
            }
        }
        return out;
    }

    /** The value of the first property named {@code name}, or null. */
    public static String value(List<Property> properties, String name) {
        for (Property p : properties) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }
}
