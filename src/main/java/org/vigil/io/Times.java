package org.vigil.io;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Every epoch conversion Vigil does, in one place, with MVT's output format:
 * {@code yyyy-MM-dd HH:mm:ss.SSSSSS} in UTC (six-digit microseconds, no zone). Unknown, zero or
 * unrepresentable times give "".
 */
public final class Times {
    /** Seconds between 1970-01-01 and 2001-01-01 (Cocoa / Mac absolute time). */
    public static final long MAC_EPOCH_OFFSET = 978_307_200L;
    /** Seconds between 1601-01-01 and 1970-01-01 (WebKit / Chrome time). */
    public static final long WEBKIT_EPOCH_OFFSET = 11_644_473_600L;

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final long MIN_SECONDS = -62_135_596_800L; // 0001-01-01
    private static final long MAX_SECONDS = 253_402_300_799L; // 9999-12-31

    private Times() {}

    /** Formats an instant in UTC, MVT style. */
    public static String format(Instant instant) {
        if (instant == null) {
            return "";
        }
        long secs = instant.getEpochSecond();
        if (secs >= MIN_SECONDS && secs <= MAX_SECONDS) {
            return formatUtc(secs, instant.getNano() / 1000);
        }
        return format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    /**
     * Unix seconds (within years 1 to 9999) and microseconds as {@code yyyy-MM-dd HH:mm:ss.SSSSSS}
     * in UTC, without date-time objects: this runs for every record and timeline row of large
     * databases. The civil date comes from the day count by H. Hinnant's {@code civil_from_days}
     * (proleptic Gregorian, as {@code java.time}).
     */
    private static String formatUtc(long secs, int micros) {
        long days = Math.floorDiv(secs, 86_400L);
        int secOfDay = (int) Math.floorMod(secs, 86_400L);
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L; // [0, 146096]
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        long mp = (5 * doy + 2) / 153; // [0, 11], March first
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        char[] c = new char[26];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, month, 2);
        c[7] = '-';
        digits(c, 8, day, 2);
        c[10] = ' ';
        digits(c, 11, secOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secOfDay % 60, 2);
        c[19] = '.';
        digits(c, 20, micros, 6);
        return new String(c);
    }

    /** Formats a local (naive) date-time as it is ({@code yyyy-MM-dd HH:mm:ss.SSSSSS}). */
    public static String format(LocalDateTime t) {
        if (t == null) {
            return "";
        }
        int year = t.getYear();
        if (year < 1 || year > 9999) {
            return ISO.format(t);
        }
        // hand-rolled: this runs for every record and timeline row of large databases
        char[] c = new char[26];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = ' ';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1000, 6);
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Unix seconds (fractional allowed) to ISO; null or out of range gives "". */
    public static String fromUnixSeconds(Number seconds) {
        if (seconds == null) {
            return "";
        }
        return fromSecondsAndMicros(seconds.doubleValue(), seconds);
    }

    /** Unix milliseconds to ISO. */
    public static String fromUnixMillis(Number millis) {
        if (millis == null) {
            return "";
        }
        long ms = millis.longValue();
        return fromEpochMicros(Math.multiplyExact(ms, 1000L));
    }

    /**
     * Mac absolute time (seconds since 2001-01-01) to ISO. Like MVT, 0 or null give "", and an
     * integer of exactly 18 digits (nanoseconds, as in sms.db) keeps only its first 9 digits.
     */
    public static String fromMac(Number value) {
        if (value == null) {
            return "";
        }
        double seconds;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long v = value.longValue();
            if (v == 0) {
                return "";
            }
            if (isEighteenDigits(v)) {
                v = Math.abs(v) / 1_000_000_000L * Long.signum(v); // the first nine digits
            }
            seconds = v;
        } else {
            seconds = value.doubleValue();
            if (seconds == 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
                return "";
            }
        }
        return fromSecondsAndMicros(seconds + MAC_EPOCH_OFFSET, null);
    }

    /** True when |v| has exactly 18 decimal digits (Mac nanoseconds, as MVT tests by string length). */
    private static boolean isEighteenDigits(long v) {
        long a = Math.abs(v); // Long.MIN_VALUE stays negative: 19 digits anyway
        return a >= 100_000_000_000_000_000L && a <= 999_999_999_999_999_999L;
    }

    /** Mac absolute time to Unix seconds (for arithmetic); same 18-digit rule as {@link #fromMac}. */
    public static double macToUnix(Number value) {
        long v = value.longValue();
        if (!(value instanceof Double || value instanceof Float)) {
            if (isEighteenDigits(v)) {
                return Math.abs(v) / 1_000_000_000L * Long.signum(v) + (double) MAC_EPOCH_OFFSET;
            }
            return v + (double) MAC_EPOCH_OFFSET;
        }
        return value.doubleValue() + MAC_EPOCH_OFFSET;
    }

    /** An instant as Mac absolute seconds (Core Data {@code TIMESTAMP}, Safari {@code visit_time}). */
    public static double toMacSeconds(Instant t) {
        return (t.getEpochSecond() - MAC_EPOCH_OFFSET) + t.getNano() / 1e9;
    }

    /** An instant as Mac absolute nanoseconds (sms.db {@code date}: 18 digits after 2004). */
    public static long toMacNanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond() - MAC_EPOCH_OFFSET, 1_000_000_000L), t.getNano());
    }

    /** WebKit/Chrome time (microseconds since 1601-01-01) to ISO; 0 or null give "". */
    public static String fromWebkit(Number micros) {
        if (micros == null || micros.longValue() == 0) {
            return "";
        }
        long unixMicros = micros.longValue() - WEBKIT_EPOCH_OFFSET * 1_000_000L;
        return fromEpochMicros(unixMicros);
    }

    /** Unix microseconds to ISO. */
    public static String fromEpochMicros(long micros) {
        long secs = Math.floorDiv(micros, 1_000_000L);
        long rest = Math.floorMod(micros, 1_000_000L);
        if (secs < MIN_SECONDS || secs > MAX_SECONDS) {
            return "";
        }
        return formatUtc(secs, (int) rest);
    }

    /** Parses an aware time ({@code 2024-09-30 11:21:20+0200}) to UTC ISO; "" when unparsable. */
    public static String fromAware(String text, DateTimeFormatter formatter) {
        try {
            return format(OffsetDateTime.parse(text, formatter).toInstant());
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static String fromSecondsAndMicros(double seconds, Number original) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            return "";
        }
        long micros;
        if (original instanceof Long || original instanceof Integer) {
            micros = original.longValue() * 1_000_000L;
        } else {
            // round to the microsecond like Python's datetime does
            micros = Math.round(seconds * 1_000_000d);
        }
        return fromEpochMicros(micros);
    }
}
