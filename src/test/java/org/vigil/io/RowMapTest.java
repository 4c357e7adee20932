package org.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowMapTest {
    @Test
    void behavesLikeTheLinkedHashMapItReplaces() {
        String[] names = {"ROWID", "text", "date", "ROWID", "phone_number"};
        RowMap.Columns columns = RowMap.Columns.of(names, "isodate", "text", "links");
        assertThat(columns.size()).isEqualTo(6);
        RowMap row = new RowMap(columns);
        Map<String, Object> expected = new LinkedHashMap<>();
        Object[] values = {1L, "hi", 42L, 2L, "+100"};
        for (int i = 0; i < names.length; i++) {
            row.put(names[i], values[i]);
            expected.put(names[i], values[i]);
        }
        for (Map<String, Object> m : List.of(row, expected)) {
            m.put("isodate", "2024-01-01 00:00:00.000000");
            m.put("text", "");
            m.put("links", List.of());
        }
        assertThat(row).isEqualTo(expected);
        assertThat(List.copyOf(row.keySet())).containsExactlyElementsOf(expected.keySet());
        assertThat(List.copyOf(row.values())).containsExactlyElementsOf(expected.values());
        assertThat(row.get("ROWID")).isEqualTo(2L);
        assertThat(row.get("missing")).isNull();
        assertThat(row.containsKey("links")).isTrue();
        assertThat(row.hashCode()).isEqualTo(expected.hashCode());
    }

    @Test
    void optionalKeysAreAbsentUntilSetAsInALinkedHashMapFilledInColumnOrder() {
        RowMap.Columns columns = RowMap.Columns.of(new String[] {"Z_PK", "ZTEXT"}, "isodate", "links")
                .withOptional("links");
        assertThat(columns.isOptional(3)).isTrue();
        assertThat(columns.isOptional(0)).isFalse();
        for (boolean withLinks : new boolean[] {false, true}) {
            RowMap row = new RowMap(columns);
            Map<String, Object> expected = new LinkedHashMap<>();
            for (Map<String, Object> m : List.of(row, expected)) {
                m.put("Z_PK", 7L);
                m.put("ZTEXT", null);
                m.put("isodate", "");
                m.put("ZTEXT", "");
                if (withLinks) {
                    m.put("links", List.of());
                }
            }
            assertThat(row).isEqualTo(expected);
            assertThat(expected).isEqualTo(row);
            assertThat(row.hashCode()).isEqualTo(expected.hashCode());
            assertThat(row.size()).isEqualTo(expected.size());
            assertThat(List.copyOf(row.keySet())).containsExactlyElementsOf(expected.keySet());
            assertThat(List.copyOf(row.values())).containsExactlyElementsOf(expected.values());
            assertThat(row.containsKey("links")).isEqualTo(withLinks);
            assertThat(row.isPresent(3)).isEqualTo(withLinks);
            assertThat(row.get("links")).isEqualTo(expected.get("links"));
            assertThat(row.valueAt(3)).isEqualTo(expected.get("links"));
            assertThat(row.toString()).isEqualTo(expected.toString());
        }
        // absent is not null: a null value makes the key present
        RowMap row = new RowMap(columns);
        assertThat(row.put("links", null)).isNull();
        assertThat(row.containsKey("links")).isTrue();
        assertThat(row.size()).isEqualTo(4);
    }

    @Test
    void everyKeyMayBeOptional() {
        RowMap.Columns columns = RowMap.Columns.of(new String[] {"a", "b"}).withOptional("a").withOptional("b");
        RowMap row = new RowMap(columns);
        assertThat(row).isEmpty();
        assertThat(row).isEqualTo(Map.of());
        assertThat(row.entrySet().iterator().hasNext()).isFalse();
        row.setAt(1, "x");
        assertThat(row).containsExactly(Map.entry("b", "x"));
        assertThatThrownBy(() -> columns.withOptional("c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("c");
    }

    @Test
    void refusesKeysOutsideItsColumns() {
        RowMap row = new RowMap(RowMap.Columns.of(new String[] {"a"}));
        assertThatThrownBy(() -> row.put("b", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b");
    }
}
