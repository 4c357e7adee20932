package org.vigil.io;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How Python prints values, so that Vigil's JSON and timeline texts are the bytes MVT writes:
 * {@code repr(float)} ({@code 726100000.0}, {@code 1e+16}), {@code str()} in f-strings
 * ({@code None}, {@code True}), and MVT's rendering of bytes ({@code \xa8\xa9}).
 */
public final class PyFormat {
    private PyFormat() {}

    /** A value as Python's {@code str()} prints it: {@code None}, {@code True}, {@code 1.0}. */
    public static String str(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = Double.parseDouble(value.toString());
            if (Double.isNaN(d)) {
                return "nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "inf" : "-inf";
            }
            return floatRepr(d);
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return value.toString();
    }

    /** Python's {@code repr(float)}: plain for 1e-4 <= |x| < 1e16, exponent form otherwise. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        double abs = Math.abs(d);
        String java = Double.toString(d);
        if (abs >= 1e-4 && abs < 1e16) {
            // every record of a large database has one: rewrite Java's digits without BigDecimal
            return plain(java);
        }
        BigDecimal exact = new BigDecimal(java);
        String unscaled = exact.unscaledValue().abs().toString().replaceAll("0+$", "");
        if (unscaled.isEmpty()) {
            unscaled = "0";
        }
        int exponent = exact.precision() - exact.scale() - 1;
        String mantissa = unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
    }

    /**
     * Java's {@code Double.toString} text ({@code [-]I.F} or {@code [-]I.FE[-]X}) in plain
     * decimal notation, Python style: no exponent, no trailing zeros after the point but one
     * ({@code 7.261E8} is {@code 726100000.0}, {@code 1.0E-4} is {@code 0.0001}). The same text
     * as {@code new BigDecimal(java).stripTrailingZeros().toPlainString()} plus {@code .0} when
     * that has no point.
     */
    static String plain(String java) {
        int n = java.length();
        int start = java.charAt(0) == '-' ? 1 : 0;
        int e = java.indexOf('E');
        int mantissaEnd = e < 0 ? n : e;
        int exponent = e < 0 ? 0 : Integer.parseInt(java, e + 1, n, 10);
        char[] digits = new char[mantissaEnd - start];
        int count = 0;
        int point = -1;
        for (int i = start; i < mantissaEnd; i++) {
            char c = java.charAt(i);
            if (c == '.') {
                point = count;
            } else {
                digits[count++] = c;
            }
        }
        if (point < 0) {
            point = count;
        }
        point += exponent; // the decimal point sits before digits[point]
        int first = 0;
        while (first < count - 1 && digits[first] == '0') {
            first++;
        }
        point -= first;
        int last = count;
        while (last - 1 > first && digits[last - 1] == '0') {
            last--;
        }
        int len = last - first;
        StringBuilder sb = new StringBuilder(len + Math.abs(point) + 4);
        if (start == 1) {
            sb.append('-');
        }
        if (point <= 0) {
            sb.append("0.");
            for (int i = point; i < 0; i++) {
                sb.append('0');
            }
            sb.append(digits, first, len);
        } else if (point >= len) {
            sb.append(digits, first, len);
            for (int i = len; i < point; i++) {
                sb.append('0');
            }
            sb.append(".0");
        } else {
            sb.append(digits, first, point).append('.').append(digits, first + point, len - point);
        }
        return sb.toString();
    }

    /**
     * Bytes as MVT's JSON encoder writes them: valid UTF-8 as text, anything else with Python's
     * backslash escapes ({@code b"\xa8\xa9"} becomes {@code \xa8\xa9}).
     */
    public static String bytes(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            StringBuilder sb = new StringBuilder();
            for (byte b : bytes) {
                int c = b & 0xff;
                if (c == '\\') {
                    sb.append("\\\\");
                } else if (c == '\n') {
                    sb.append("\\n");
                } else if (c == '\r') {
                    sb.append("\\r");
                } else if (c == '\t') {
                    sb.append("\\t");
                } else if (c >= 0x20 && c < 0x7f) {
                    sb.append((char) c);
                } else {
                    sb.append(String.format(Locale.ROOT, "\\x%02x", c));
                }
            }
            return sb.toString();
        }
    }

    /** Appends Python's {@code repr} of a str: single quotes unless the text has ' and no ". */
    public static void appendRepr(StringBuilder sb, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == q || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append(q);
    }
}
