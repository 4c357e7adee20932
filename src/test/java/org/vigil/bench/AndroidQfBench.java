package org.vigil.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.modules.android.androidqf.AndroidQfModules;
import org.vigil.source.android.AndroidQfSource;

/**
 * Generates an androidqf folder whose files.json lists N files, then runs the eight androidqf
 * modules on it (in memory) and prints the time. Usage: {@code AndroidQfBench DIR N}; measure the
 * peak RSS with {@code /usr/bin/time -v}.
 */
public final class AndroidQfBench {
    private AndroidQfBench() {}

    public static void main(String[] args) throws Exception {
        Path qf = Path.of(args[0]).resolve("androidqf");
        int n = Integer.parseInt(args[1]);
        Files.createDirectories(qf);
        Files.writeString(qf.resolve("getprop.txt"), "[persist.sys.timezone]: [Europe/Berlin]\n"
                + "[ro.build.version.security_patch]: [2025-01-05]\n");
        try (BufferedWriter w = Files.newBufferedWriter(qf.resolve("files.json"), StandardCharsets.UTF_8)) {
            w.write('[');
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    w.write(',');
                }
                w.write(String.format(Locale.ROOT, "{\"path\":\"/sdcard/DCIM/Camera/IMG_%08d.jpg\",\"size\":%d,"
                        + "\"mode\":\"-rw-rw----\",\"user_id\":0,\"user_name\":\"\",\"group_id\":1015,"
                        + "\"group_name\":\"\",\"changed_time\":%d,\"modified_time\":%d,\"access_time\":%d,"
                        + "\"error\":\"\",\"context\":\"u:object_r:sdcardfs:s0\",\"sha1\":\"\",\"sha256\":\"%064x\","
                        + "\"sha512\":\"\",\"md5\":\"\"}", i, 1000 + i, 1600000000L + i, 1600000100L + i,
                        1600000200L + i, i));
            }
            w.write(']');
        }
        Indicators iocs = Indicators.builder().add(IndicatorType.FILES_SHA256, String.format("%064x", n + 1), "m", "t")
                .add(IndicatorType.FILE_PATHS, "/data/local/tmp/evil", "m", "t").build();
        long t0 = System.nanoTime();
        List<ModuleOutcome> out;
        try (AndroidQfSource s = AndroidQfSource.open(qf)) {
            out = new ModuleRunner(s, iocs, ModuleOptions.defaults(), Clock.systemUTC(), null)
                    .run(AndroidQfModules.all());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        for (ModuleOutcome o : out) {
            System.out.printf(Locale.ROOT, "%-20s %-12s %8d records %8d timeline%n", o.slug(), o.status(),
                    o.recordCount(), o.timelineCount());
        }
        System.out.printf(Locale.ROOT, "files.json entries: %d, check time: %d ms%n", n, ms);
    }
}
