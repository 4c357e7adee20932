package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vigil.testing.SharedData;

class DumpsysSectionsTest {
    static final String DASHES = "-".repeat(78);

    private static Optional<List<String>> service(String text, String name) throws Exception {
        try (Reader r = new StringReader(text)) {
            return DumpsysSections.service(r, name, "test");
        }
    }

    @Test
    void packageSectionOfTheAndroidqfDumpsysHasMvtsLength() throws Exception {
        Path f = SharedData.require("testdata/mvt-artifacts/androidqf/dumpsys.txt");
        try (Reader r = DumpsysSections.reader(Files.newInputStream(f))) {
            List<String> section = DumpsysSections.service(r, "package", f.toString()).orElseThrow();
            assertThat(String.join("\n", section)).hasSize(3907);
        }
    }

    @Test
    void sectionRunsToTheDashLineAndKeepsBlankLines() throws Exception {
        String text = "DUMP OF SERVICE a:\nA1\n\nA2\n" + DASHES + "\nDUMP OF SERVICE b:\nB1\n" + DASHES + "\n";
        assertThat(service(text, "a")).contains(List.of("A1", "", "A2"));
        assertThat(service(text, "b")).contains(List.of("B1"));
        assertThat(service(text, "c")).isEmpty();
    }

    @Test
    void unterminatedSectionEndsAtTheNextHeaderOrTheEnd() throws Exception {
        String text = "DUMP OF SERVICE a:\nA1\nDUMP OF SERVICE b:\nB1\nB2";
        assertThat(service(text, "a")).contains(List.of("A1"));
        assertThat(service(text, "b")).contains(List.of("B1", "B2"));
    }

    @Test
    void headerMustMatchExactlyAndCrLfIsAccepted() throws Exception {
        String text = "DUMP OF SERVICE appops2:\r\nX\r\nDUMP OF SERVICE appops:\r\nY\r\n\r\nZ\r\n" + DASHES + "\r\n";
        assertThat(service(text, "appops")).contains(List.of("Y", "", "Z"));
    }

    @Test
    void lineSplitting() {
        assertThat(DumpsysSections.lines("a\nb\r\nc\rd")).containsExactly("a", "b", "c", "d");
        assertThat(DumpsysSections.lines("a\n\n")).containsExactly("a", "");
        assertThat(DumpsysSections.lines("")).isEmpty();
    }

    @Test
    void overlongLinesAreCut() {
        String longLine = "x".repeat(DumpsysSections.MAX_LINE_CHARS + 10);
        List<String> lines = DumpsysSections.lines(longLine + "\nnext");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).hasSize(DumpsysSections.MAX_LINE_CHARS);
        assertThat(lines.get(1)).isEqualTo("next");
    }

    @Test
    void invalidUtf8IsDropped() throws Exception {
        byte[] bytes = {'D', 'U', 'M', 'P', ' ', 'O', 'F', ' ', 'S', 'E', 'R', 'V', 'I', 'C', 'E', ' ', 'x', ':', '\n',
            'a', (byte) 0xff, 'b', '\n'};
        try (Reader r = DumpsysSections.reader(new java.io.ByteArrayInputStream(bytes))) {
            assertThat(DumpsysSections.service(r, "x", "t")).contains(List.of("ab"));
        }
    }
}
