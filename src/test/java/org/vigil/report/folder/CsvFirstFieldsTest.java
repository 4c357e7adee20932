package org.vigil.report.folder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte scanner must see the same rows, first fields and blank lines as {@link CsvRows}. */
class CsvFirstFieldsTest {
    private static final String CSV = "\ufeff\"UTC Timestamp\",\"Plugin\",\"Event\",\"Data\"\r\n"
            + "\"2024-01-01 00:00:00.000000\",\"sms\",\"sms_received\",\"a, \"\"quoted\"\"\r\nline \u00e9\u2028\"\r\n"
            + "\r\n"
            + "\"\",\"x\",\"y\",\"z\"\r\n"
            + "\"\"\r\n"
            + "\"2024-01-02 \\\"x\\\" \u00e9\",\"a\\\\\",\"b\",\"back\\\\slash, comma\"\n"
            + "unquoted,field,\"with\nnewline\",end\r"
            + "caf\\\u00e9,x\r\n"
            + "\"2024-01-03 00:00:00.000000\",\"last\",\"e\",\"no line end\"";

    @Test
    void firstFieldsBlankLinesAndRowStartsMatchTheFullParser() throws Exception {
        List<String> full = new ArrayList<>();
        List<Boolean> fullBlank = new ArrayList<>();
        CsvRows a = new CsvRows(new StringReader(CSV), 1000);
        for (List<String> row = a.next(); row != null; row = a.next()) {
            full.add(row.get(0));
            fullBlank.add(row.size() == 1 && row.get(0).isEmpty());
        }
        byte[] bytes = CSV.getBytes(StandardCharsets.UTF_8);
        List<String> first = new ArrayList<>();
        List<Boolean> firstBlank = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        CsvFirstFields b = new CsvFirstFields(new ByteArrayInputStream(bytes), 1000);
        for (String f = b.next(); f != null; f = b.next()) {
            first.add(f);
            firstBlank.add(b.wasBlank());
            starts.add(b.rowStart());
        }
        assertThat(first).containsExactlyElementsOf(full);
        assertThat(firstBlank).containsExactlyElementsOf(fullBlank);
        assertThat(full).hasSize(9);
        // parsing from a row's start gives that row
        for (int i = 1; i < starts.size(); i++) {
            String rest = new String(bytes, (int) (long) starts.get(i), bytes.length - (int) (long) starts.get(i),
                    StandardCharsets.UTF_8);
            assertThat(new CsvRows(new StringReader(rest), 1000).next().get(0)).isEqualTo(full.get(i));
        }
    }
}
