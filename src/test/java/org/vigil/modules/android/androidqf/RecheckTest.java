package org.vigil.modules.android.androidqf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.androidqf.QfFixtures.folder;
import static org.vigil.modules.android.androidqf.QfFixtures.iocs;
import static org.vigil.modules.android.androidqf.QfFixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;

/** check-iocs re-checks: indicator checks only, on results as written to {@code <slug>.json}. */
class RecheckTest {
    @TempDir
    Path tmp;

    private static JsonNode json(String s) throws Exception {
        return MvtJson.mapper().readTree(s);
    }

    @Test
    void filesRecheckHasNoHeuristics() throws Exception {
        JsonNode res = json("[{\"path\":\"/data/local/tmp/x\",\"mode\":\"-rwx\",\"sha256\":\"\",\"sha1\":\"\",\"md5\":\"\"},"
                + "{\"path\":\"/data/local/tmp/evil\",\"mode\":\"-rw\"}]");
        List<Alert> alerts = new AQFFiles().recheck(res, iocs(IndicatorType.FILE_PATHS, "/data/local/tmp/evil"));
        assertThat(alerts).extracting(Alert::level).containsExactly(Level.CRITICAL);
        assertThat(alerts.get(0).matchedIndicator().value()).isEqualTo("/data/local/tmp/evil");
    }

    @Test
    void filePathMatchSkipsTheSuspiciousPathAlert() throws Exception {
        Path qf = folder(tmp, "files.json", "[{\"path\":\"/data/local/tmp/evil\",\"mode\":\"-rwx\"}]");
        List<Alert> alerts = run(new AQFFiles(), qf, iocs(IndicatorType.FILE_PATHS, "/data/local/tmp/evil")).alerts();
        assertThat(alerts).extracting(Alert::level).containsExactly(Level.CRITICAL);
    }

    @Test
    void processesGetpropMountsRecheck() throws Exception {
        assertThat(new AQFProcesses().recheck(json("[{\"proc_name\":\"evil\"},{\"proc_name\":\"gatekeeperd\"}]"),
                Indicators.builder().add(IndicatorType.PROCESSES, "evil", "m", "t")
                        .add(IndicatorType.PROCESSES, "gatekeeperd", "m", "t").build())).hasSize(1);
        assertThat(new AQFGetProp().recheck(json("[{\"name\":\"a.b\",\"value\":\"1\"}]"),
                iocs(IndicatorType.ANDROID_PROPERTY_NAMES, "a.b"))).hasSize(1);
        assertThat(new Mounts().recheck(json("[{\"device\":\"/dev/evil\",\"mount_point\":\"/mnt/x\"}]"),
                iocs(IndicatorType.FILE_PATHS, "/dev/evil"))).extracting(a -> a.matchedIndicator().value())
                .containsExactly("/dev/evil");
        assertThat(new AQFSettings().recheck(json("{}"), iocs(IndicatorType.APP_IDS, "x"))).isEmpty();
        assertThat(new RootBinaries().recheck(json("[]"), iocs(IndicatorType.APP_IDS, "x"))).isEmpty();
        assertThat(new AQFPackages().recheck(json("[]"), Indicators.empty())).isEmpty();
    }
}
