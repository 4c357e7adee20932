package org.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class TimesTest {
    @Test
    void unixSeconds() {
        assertThat(Times.fromUnixSeconds(1626566400L)).isEqualTo("2021-07-18 00:00:00.000000");
        assertThat(Times.fromUnixSeconds(1626566400.5)).isEqualTo("2021-07-18 00:00:00.500000");
        assertThat(Times.fromUnixSeconds(null)).isEmpty();
    }

    @Test
    void macTimeAsMvt() {
        assertThat(Times.fromMac(1626566400L - 978307200L)).isEqualTo("2021-07-18 00:00:00.000000");
        assertThat(Times.fromMac(0L)).isEmpty();
        assertThat(Times.fromMac(null)).isEmpty();
        // sms.db nanoseconds: 18 digits, first 9 kept
        assertThat(Times.fromMac(588813210123456789L)).isEqualTo(Times.fromMac(588813210L));
        assertThat(Times.fromMac(726100000.25d)).isEqualTo("2024-01-04 22:26:40.250000");
    }

    @Test
    void webkitAndMillisAndMicros() {
        // 2021-07-18 00:00:00 UTC in WebKit microseconds
        long webkit = (1626566400L + Times.WEBKIT_EPOCH_OFFSET) * 1_000_000L;
        assertThat(Times.fromWebkit(webkit)).isEqualTo("2021-07-18 00:00:00.000000");
        assertThat(Times.fromWebkit(0L)).isEmpty();
        assertThat(Times.fromUnixMillis(1626566400123L)).isEqualTo("2021-07-18 00:00:00.123000");
        assertThat(Times.fromEpochMicros(-1)).isEqualTo("1969-12-31 23:59:59.999999");
    }

    @Test
    void fastFormatMatchesTheFormatter() {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 10_000; i++) {
            java.time.Instant t = java.time.Instant.ofEpochSecond(r.nextLong() % 253_402_300_799L, r.nextInt(1_000_000_000));
            java.time.LocalDateTime l = java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
            assertThat(Times.format(l)).isEqualTo(f.format(l));
        }
        assertThat(Times.format(java.time.LocalDateTime.of(1, 1, 1, 0, 0))).isEqualTo("0001-01-01 00:00:00.000000");
    }

    @Test
    void outOfRangeAndAware() {
        assertThat(Times.fromUnixSeconds(1e300)).isEmpty();
        assertThat(Times.fromUnixSeconds(Double.NaN)).isEmpty();
        assertThat(Times.fromAware("2024-09-30 11:21:20+0200", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssZ")))
                .isEqualTo("2024-09-30 09:21:20.000000");
        assertThat(Times.fromAware("garbage", DateTimeFormatter.ISO_OFFSET_DATE_TIME)).isEmpty();
    }

    /** What the formatting gave through java.time before the hand-rolled calendar. */
    private static String reference(long micros) {
        java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L), java.time.ZoneOffset.UTC);
        return DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").format(t);
    }

    @Test
    void calendarMatchesJavaTimeOverTheWholeRange() {
        long min = -62_135_596_800L * 1_000_000L;
        long max = 253_402_300_799L * 1_000_000L + 999_999L;
        java.util.List<Long> fixed = java.util.List.of(min, max, 0L, -1L, 1L, 951_782_400_000_000L /* 2000-02-29 */,
                -2_203_891_200_000_000L /* 1900-03-01 */, -62_104_060_800_000_000L /* 0001-12-31 */,
                253_370_764_800_000_000L /* 9998-12-31 */, 4_107_542_400_000_000L /* 2100-03-01 */);
        for (long m : fixed) {
            assertThat(Times.fromEpochMicros(m)).as("%d", m).isEqualTo(reference(m));
        }
        java.util.Random rnd = new java.util.Random(11);
        for (int i = 0; i < 200_000; i++) {
            long m = i % 2 == 0 ? min + (long) (rnd.nextDouble() * (max - min))
                    : (1_600_000_000L + rnd.nextInt(400_000_000)) * 1_000_000L + rnd.nextInt(1_000_000);
            assertThat(Times.fromEpochMicros(m)).as("%d", m).isEqualTo(reference(m));
            java.time.Instant t = java.time.Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L),
                    Math.floorMod(m, 1_000_000L) * 1000L + rnd.nextInt(1000));
            assertThat(Times.format(t)).isEqualTo(reference(m));
        }
        assertThat(Times.fromEpochMicros(min - 1)).isEmpty();
        assertThat(Times.fromEpochMicros(max + 1)).isEmpty();
    }
}
