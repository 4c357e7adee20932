package org.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PyFormatTest {
    /** The plain notation as it was computed before the fast path (BigDecimal). */
    private static String reference(double d) {
        String s = new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    @Test
    void floatReprMatchesPythonOnKnownValues() {
        assertThat(PyFormat.floatRepr(726100000.0)).isEqualTo("726100000.0");
        assertThat(PyFormat.floatRepr(726100000.123456)).isEqualTo("726100000.123456");
        assertThat(PyFormat.floatRepr(-1.5)).isEqualTo("-1.5");
        assertThat(PyFormat.floatRepr(100.0)).isEqualTo("100.0");
        assertThat(PyFormat.floatRepr(0.001)).isEqualTo("0.001");
        assertThat(PyFormat.floatRepr(1e-4)).isEqualTo("0.0001");
        assertThat(PyFormat.floatRepr(-2.5e-4)).isEqualTo("-0.00025");
        assertThat(PyFormat.floatRepr(1e7)).isEqualTo("10000000.0");
        assertThat(PyFormat.floatRepr(1.2345e15)).isEqualTo("1234500000000000.0");
        assertThat(PyFormat.floatRepr(9.999999999999998e15)).isEqualTo("9999999999999998.0");
        assertThat(PyFormat.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PyFormat.floatRepr(1.5e-5)).isEqualTo("1.5e-05");
        assertThat(PyFormat.floatRepr(0.0)).isEqualTo("0.0");
        assertThat(PyFormat.floatRepr(-0.0)).isEqualTo("-0.0");
    }

    @Test
    void plainNotationIsTheBigDecimalOneForRandomDoubles() {
        Random rnd = new Random(7);
        for (int i = 0; i < 300_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong()); // any magnitude
                case 1 -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(21) - 4); // 1e-4 .. 1e16
                case 2 -> 6e8 + rnd.nextInt(200_000_000) + rnd.nextInt(1_000_000) / 1e6; // Mac times
                default -> rnd.nextInt(100_000) * Math.pow(10, rnd.nextInt(12) - 4); // round values
            };
            if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
                continue;
            }
            assertThat(PyFormat.plain(Double.toString(d))).as("%s", Double.toString(d)).isEqualTo(reference(d));
            double abs = Math.abs(d);
            if (abs >= 1e-4 && abs < 1e16) {
                assertThat(PyFormat.floatRepr(d)).isEqualTo(reference(d));
            }
        }
    }
}
