package org.vigil.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The byte encoder of timeline rows gives the bytes of the text writer followed by UTF-8 encoding. */
class CsvWriterTest {
    private static byte[] reference(String... fields) {
        StringBuilder sb = new StringBuilder();
        CsvWriter.appendRow(sb, fields);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encoded(byte[] buf, String... fields) {
        int[] len = new int[1];
        byte[] out = CsvWriter.encodeRow(buf, len, fields);
        return Arrays.copyOf(out, len[0]);
    }

    @Test
    void knownRows() {
        String[][] rows = {
            {"2024-01-01 00:00:00.000000", "SMS", "sms_received", "iMessage: \"hi\" from +1 (x)"},
            {"", null, "back\\slash", "quote\"\"twice"},
            {"caf\u00e9", "\u20ac", "\ud83d\ude00", "lone \ud800 high, lone \udc00 low, pair \ud800\udc00"},
            {"line\nbreak\r\n", "\u0000nul", "\u007f\u0080\u07ff\u0800\uffff", "\ud83d"},
            {}, {"only"},
        };
        for (String[] row : rows) {
            assertThat(encoded(new byte[1], row)).isEqualTo(reference(row));
        }
    }

    @Test
    void randomRowsOverEveryKindOfCodeUnit() {
        Random r = new Random(42);
        byte[] buf = new byte[16];
        for (int n = 0; n < 20_000; n++) {
            String[] fields = new String[4];
            for (int f = 0; f < 4; f++) {
                int len = r.nextInt(n % 100 == 0 ? 3000 : 40);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < len; i++) {
                    switch (r.nextInt(8)) {
                        case 0 -> sb.append('"');
                        case 1 -> sb.append('\\');
                        case 2 -> sb.append((char) (0xd800 + r.nextInt(0x800))); // any surrogate, paired or not
                        case 3 -> sb.append((char) r.nextInt(0x10000));
                        case 4 -> sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
                        case 5 -> sb.append((char) (0x80 + r.nextInt(0x780)));
                        default -> sb.append((char) (0x20 + r.nextInt(0x5f)));
                    }
                }
                fields[f] = r.nextInt(20) == 0 ? null : sb.toString();
            }
            int[] len = new int[1];
            buf = CsvWriter.encodeRow(buf, len, fields); // the buffer is reused, as the spool does
            assertThat(Arrays.copyOf(buf, len[0])).isEqualTo(reference(fields));
        }
    }
}
