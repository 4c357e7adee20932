package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fast header search finds the sections the line-by-line search finds, wherever the buffer ends. */
class DumpsysSectionsSkipTest {
    private static Optional<List<String>> slow(String text, String service) throws Exception {
        String header = DumpsysSections.HEADER + service + ":";
        return DumpsysSections.block(new StringReader(text), l -> l.strip().equals(header),
                l -> l.strip().startsWith(DumpsysSections.END) || l.startsWith(DumpsysSections.HEADER), "t");
    }

    @Test
    void sameSectionsAsTheLineByLineSearch() throws Exception {
        String dash = DumpsysSections.END;
        for (String nl : List.of("\n", "\r\n", "\r")) {
            for (int pad = 8150; pad < 8210; pad += 3) {
                String text = "x".repeat(pad) + nl + "DUMP OF SERVICE packagex:" + nl + "no" + nl
                        + "  DUMP OF SERVICE package:  " + nl + "a" + nl + nl + "  b" + nl + dash + nl
                        + "DUMP OF SERVICE appops:" + nl + "c" + nl + "DUMP OF SERVICE  dbinfo:" + nl + "d" + nl
                        + "\tDUMP OF SERVICE dbinfo:\t" + nl + "e";
                for (String service : List.of("package", "appops", "dbinfo", "packagex", "missing", "pack")) {
                    assertThat(DumpsysSections.service(new StringReader(text), service, "t"))
                            .as("%s pad %d %s", nl.replace("\r", "CR").replace("\n", "LF"), pad, service)
                            .isEqualTo(slow(text, service));
                }
            }
        }
        assertThat(DumpsysSections.service(new StringReader("DUMP OF SERVICE package: "), "package", "t"))
                .isEqualTo(slow("DUMP OF SERVICE package: ", "package")).contains(List.of());
        assertThat(DumpsysSections.service(new StringReader("DUMP OF SERVICE package:\nz"), "package", "t"))
                .contains(List.of("z"));
    }
}
