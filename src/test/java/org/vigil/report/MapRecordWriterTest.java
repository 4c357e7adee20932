package org.vigil.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The direct writer must produce exactly the bytes of the Jackson path it replaces. */
class MapRecordWriterTest {
    private final ObjectWriter jackson = MvtJson.writer(MvtJson.mapper());

    private String direct(List<?> records) {
        MapRecordWriter w = new MapRecordWriter();
        for (int i = 0; i < records.size(); i++) {
            if (i > 0) {
                w.byte1(',');
            }
            w.newline(1);
            assertThat(w.append(records.get(i), 1)).as("record %d is plain", i).isTrue();
        }
        return "[" + new String(w.toByteArray(), StandardCharsets.US_ASCII) + "\n]";
    }

    private void assertSameAsJackson(List<?> records) throws Exception {
        String mine = direct(records);
        String theirs = jackson.writeValueAsString(records);
        int i = 0;
        while (i < mine.length() && i < theirs.length() && mine.charAt(i) == theirs.charAt(i)) {
            i++;
        }
        assertThat(i).as("first difference: direct %s, Jackson %s",
                        mine.substring(Math.max(0, i - 20), Math.min(mine.length(), i + 20)),
                        theirs.substring(Math.max(0, i - 20), Math.min(theirs.length(), i + 20)))
                .isEqualTo(Math.max(mine.length(), theirs.length()));
    }

    @Test
    void everyCharacterIsEscapedAsJacksonDoes() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c <= 0xffff; c++) {
            sb.append((char) c);
            if (sb.length() == 512) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("text", sb.toString());
                row.put("key " + sb.substring(0, 3), 1);
                rows.add(row);
                sb.setLength(0);
            }
        }
        assertSameAsJackson(rows);
    }

    @Test
    void deleteIsEscapedAsPythonEnsureAsciiDoes() throws Exception {
        assertThat(jackson.writeValueAsString("a\u007fb")).isEqualTo("\"a\\u007fb\"");
        assertSameAsJackson(List.of(Map.of("k", "a\u007fb")));
    }

    @Test
    void valuesOfEveryPlainTypeAndNesting() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ROWID", 42L);
        row.put("int", 7);
        row.put("short", (short) -3);
        row.put("byte", (byte) 5);
        row.put("double", 726100000.0);
        row.put("small", 1e-7);
        row.put("float", 0.1f);
        row.put("nan", Double.NaN);
        row.put("yes", true);
        row.put("no", false);
        row.put("nothing", null);
        row.put("blob", new byte[] {0, 1, 'a', (byte) 0xff, '\'', '"', '\\', '\n'});
        row.put("when", Instant.ofEpochSecond(1_700_000_000L, 123_456_000L));
        row.put("empty map", Map.of());
        row.put("empty list", List.of());
        row.put("links", List.of("https://example.com/a?b=\"c\"", "\u00e9\u2028\ud83d\ude00"));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("a", List.of(Map.of("b", List.of(1L, 2.5, "x")), List.of()));
        row.put("nested", inner);
        row.put("", "empty key");
        row.put("k\u00e9y\t\"", "non-ASCII key");
        assertSameAsJackson(List.of(row, new LinkedHashMap<>(), row));
    }

    @Test
    void integersOfEveryWidthAndMagnitude() throws Exception {
        List<Object> values = new ArrayList<>(List.of(0L, -1L, 9L, 10L, -10L, 99L, 100L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Integer.MAX_VALUE,
                Integer.MIN_VALUE, 0, -7, (short) 32767, (short) -32768, (byte) 127, (byte) -128));
        long p = 1;
        for (int i = 0; i < 19; i++) {
            values.add(p);
            values.add(p - 1);
            values.add(-p);
            values.add(-p + 1);
            p *= 10;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            row.put("v" + i, values.get(i));
        }
        assertSameAsJackson(List.of(row, List.copyOf(values)));
    }

    @Test
    void randomRecords() throws Exception {
        Random random = new Random(20261123L);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            rows.add(randomMap(random, 0));
        }
        assertSameAsJackson(rows);
    }

    @Test
    void rowMapsAreWrittenLikeMaps() throws Exception {
        org.vigil.io.RowMap.Columns columns = org.vigil.io.RowMap.Columns.of(new String[] {"ROWID", "text"}, "links");
        org.vigil.io.RowMap row = new org.vigil.io.RowMap(columns);
        row.put("ROWID", 1L);
        row.put("text", "caf\u00e9 \"quoted\"");
        row.put("links", List.of("https://example.org/"));
        assertSameAsJackson(List.of(row, row));
    }

    @Test
    void rowMapsWithOptionalKeysAndSeveralColumnSetsAreWrittenLikeTheirLinkedHashMaps() throws Exception {
        org.vigil.io.RowMap.Columns a = org.vigil.io.RowMap.Columns.of(new String[] {"Z_PK", "ZTEXT", "Z_PK"},
                "isodate", "links").withOptional("links");
        org.vigil.io.RowMap.Columns b = org.vigil.io.RowMap.Columns.of(new String[] {"id", "url"}, "links")
                .withOptional("id", "links");
        Random random = new Random(3);
        List<Object> rows = new ArrayList<>();
        List<Object> maps = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // columns change between rows (and a row may nest another row) to exercise the name cache
            org.vigil.io.RowMap.Columns c = random.nextInt(3) == 0 ? b : a;
            org.vigil.io.RowMap row = new org.vigil.io.RowMap(c);
            Map<String, Object> map = new LinkedHashMap<>();
            for (int k = 0; k < c.size(); k++) {
                if (c.isOptional(k) && random.nextBoolean()) {
                    continue;
                }
                Object v = k == 1 && random.nextInt(5) == 0 ? nested(random) : randomValue(random, 2);
                row.put(c.name(k), v);
                map.put(c.name(k), v);
            }
            rows.add(row);
            maps.add(map);
        }
        assertThat(direct(rows)).isEqualTo(direct(maps));
        assertSameAsJackson(rows);
    }

    private static org.vigil.io.RowMap nested(Random random) {
        org.vigil.io.RowMap.Columns inner = org.vigil.io.RowMap.Columns.of(new String[] {"a", "b"}).withOptional("a");
        org.vigil.io.RowMap row = new org.vigil.io.RowMap(inner);
        if (random.nextBoolean()) {
            row.put("a", random.nextLong());
        }
        row.put("b", List.of("x"));
        return row;
    }

    @Test
    void unsupportedValuesAreRefusedSoTheCallerFallsBack() {
        record Bean(String name) {}
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("bean", new Bean("x"));
        assertThat(new MapRecordWriter().append(row, 1)).isFalse();
        assertThat(new MapRecordWriter().append(Map.of(1, "non-string key"), 1)).isFalse();
        assertThat(new MapRecordWriter().append(new java.math.BigDecimal("1E+3"), 1)).isFalse();
    }

    private static Map<String, Object> randomMap(Random r, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = r.nextInt(depth == 0 ? 30 : 4);
        for (int i = 0; i < n; i++) {
            m.put(randomString(r, 8), randomValue(r, depth));
        }
        return m;
    }

    private static Object randomValue(Random r, int depth) {
        return switch (r.nextInt(depth < 3 ? 10 : 8)) {
            case 0 -> null;
            case 1 -> r.nextLong();
            case 2 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
            case 3 -> r.nextBoolean();
            case 4 -> randomBytes(r);
            case 5 -> r.nextInt();
            case 6, 7 -> randomString(r, 40);
            case 8 -> randomMap(r, depth + 1);
            default -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                yield l;
            }
        };
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(20)];
        r.nextBytes(b);
        return b;
    }

    private static String randomString(Random r, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(max); i > 0; i--) {
            int kind = r.nextInt(10);
            sb.append(kind < 6 ? (char) (0x20 + r.nextInt(0x5f)) : kind < 8 ? (char) r.nextInt(0x80) : (char) r.nextInt(0x10000));
        }
        return sb.toString();
    }
}
