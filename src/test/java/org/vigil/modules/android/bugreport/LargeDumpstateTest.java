package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleResult;
import org.vigil.source.SourceKind;
import org.vigil.source.android.BugreportSource;
import org.vigil.testing.FakeSource;

/** A large dumpstate whose first section never ends: streamed, and the later sections still found. */
class LargeDumpstateTest {
    @TempDir
    Path tmp;

    @Test
    void unterminatedSectionDoesNotSwallowTheRest() throws Exception {
        Path f = tmp.resolve("dumpstate.txt");
        long filler = 0;
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            w.write("DUMP OF SERVICE appops:\n  Uid 0:\n    Package a.b:\n      OP (allow):\n");
            String line = "    state=cch padding padding padding padding padding padding padding padding\n";
            while (filler < 40L * 1024 * 1024) {
                w.write(line);
                filler += line.length();
            }
            w.write("DUMP OF SERVICE platform_compat:\nChangeId(168419799; name=DOWNSCALED; disabled; "
                    + "rawOverrides={x.y=false}; overridable)\n");
        }
        FakeSource s = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp).add(BugreportSource.DUMPSTATE_ID, "",
                "dumpstate.txt", f);
        ModuleResult compat = run(new DumpsysPlatformCompat(), s);
        assertThat(compat.results()).isEqualTo(java.util.List.of(new DumpsysPlatformCompat.Entry("x.y")));
        ModuleResult appops = run(new DumpsysAppops(), s);
        assertThat(appops.recordCount()).isEqualTo(1);
    }
}
