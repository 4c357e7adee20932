package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.android.bugreport.Fixtures.androidData;
import static org.vigil.modules.android.bugreport.Fixtures.indicators;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.lines;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;
import org.vigil.source.android.BugreportSource;
import org.vigil.testing.FakeSource;

/** DumpsysPlatformCompat, DumpsysGetProp and BugReportTimestamps. */
class SmallModulesTest {
    @TempDir
    Path tmp;

    @Test
    void platformCompatSingleSample() throws Exception {
        List<DumpsysPlatformCompat.Entry> r = DumpsysPlatformCompat.parse(lines(androidData("dumpsys_platform_compat.txt")));
        assertThat(r).extracting(DumpsysPlatformCompat.Entry::packageName)
                .containsExactly("org.torproject.torbrowser", "org.article19.circulo.next");
        List<Alert> alerts = new DumpsysPlatformCompat().recheck(json(r), indicators(IndicatorType.APP_IDS,
                "org.torproject.torbrowser", "org.article19.circulo.next"));
        assertThat(alerts).hasSize(2);
    }

    @Test
    void platformCompatOnTheBugreportWithIndicator() throws Exception {
        try (BugreportSource s = Fixtures.sampleBugreport()) {
            ModuleResult res = run(new DumpsysPlatformCompat(), s,
                    indicators(IndicatorType.APP_IDS, "org.article19.circulo.next"));
            assertThat(res.recordCount()).isEqualTo(2);
            assertThat(res.timeline()).isEmpty();
            assertThat(res.alerts()).hasSize(1);
            assertThat(res.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
            assertThat(res.alerts().get(0).event()).isEqualTo(new DumpsysPlatformCompat.Entry("org.article19.circulo.next"));
        }
    }

    @Test
    void getPropSingleSample() throws Exception {
        List<DumpsysGetProp.Property> r = DumpsysGetProp.parse(lines(androidData("getprop.txt")));
        assertThat(r).hasSize(13);
        assertThat(r.get(0)).isEqualTo(new DumpsysGetProp.Property("af.fast_track_multiplier", "1"));
        List<Alert> alerts = new DumpsysGetProp().recheck(json(r),
                indicators(IndicatorType.ANDROID_PROPERTY_NAMES, "dalvik.vm.appimageformat"));
        assertThat(alerts).hasSize(1);
    }

    @Test
    void getPropBugreportSampleHasNoSystemProperties() throws Exception {
        try (BugreportSource s = Fixtures.sampleBugreport()) {
            assertThatThrownBy(() -> run(new DumpsysGetProp(), s)).isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessage("dumpstate.txt: no \"------ SYSTEM PROPERTIES\" block");
        }
    }

    @Test
    void getPropBlockAndOutdatedPatch() throws Exception {
        String text = "x\n------ SYSTEM PROPERTIES (getprop) ------\n[ro.build.version.security_patch]: [2026-01-05]\n"
                + "[empty]: []\n[dalvik.vm.heapmaxfree]: [8m]\n------ 0.05s was the duration\n[after]: [x]\n";
        ModuleResult res = run(new DumpsysGetProp(), Fixtures.dumpstate(tmp, text),
                indicators(IndicatorType.ANDROID_PROPERTY_NAMES, "dalvik.vm.heapmaxfree"));
        assertThat(res.recordCount()).isEqualTo(2);
        assertThat(res.alerts()).extracting(Alert::level).containsExactly(Level.MEDIUM, Level.CRITICAL);
        assertThat(res.alerts().get(0).message()).isEqualTo(
                "This phone has not received security updates for more than six months (last update: 2026-01-05)");
        assertThat(DumpsysGetProp.isOutdated("2026-05-21", LocalDate.of(2026, 11, 23))).isFalse();
        assertThat(DumpsysGetProp.isOutdated("2026-05-20", LocalDate.of(2026, 11, 23))).isTrue();
        assertThat(DumpsysGetProp.isOutdated("garbage", LocalDate.of(2026, 11, 23))).isFalse();
    }

    @Test
    void timestampsOnTheBugreportSample() throws Exception {
        Path dir = androidData("bugreport");
        try (BugreportSource s = BugreportSource.open(dir)) {
            ModuleResult res = run(new BugReportTimestamps(), s);
            @SuppressWarnings("unchecked")
            List<BugReportTimestamps.FileTime> r = (List<BugReportTimestamps.FileTime>) res.results();
            assertThat(r).extracting(BugReportTimestamps.FileTime::path)
                    .containsExactly("FS/data/tombstones/tombstone_00", "FS/data/tombstones/tombstone_01");
            long mtime = Files.getLastModifiedTime(dir.resolve("FS/data/tombstones/tombstone_00")).toInstant()
                    .getEpochSecond();
            assertThat(r.get(0).modifiedTime()).isEqualTo(org.vigil.io.Times.fromUnixSeconds(mtime));
            assertThat(res.timeline()).hasSize(2);
            assertThat(res.timeline().get(0).event()).isEqualTo("M---");
        }
    }

    @Test
    void timestampsFromZipEntryTimes() throws Exception {
        FakeSource s = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp)
                .add("FS/a", "", "FS/a", new FileMeta(1, -1, -1, null, 1_700_000_000L, null), null)
                .add("other", "", "other", new FileMeta(1, -1, -1, null, 1L, null), null);
        ModuleResult res = run(new BugReportTimestamps(), s);
        assertThat(json(res.results()).toString())
                .isEqualTo("[{\"path\":\"FS/a\",\"modified_time\":\"2023-11-14 22:13:20.000000\"}]");
        assertThat(res.timeline()).containsExactly(
                new TimelineEvent("2023-11-14 22:13:20.000000", "BugReportTimestamps", "M---", "FS/a"));
        FakeSource empty = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp);
        assertThatThrownBy(() -> run(new BugReportTimestamps(), empty)).isInstanceOf(ArtifactNotFoundException.class);
        assertThat(new BugReportTimestamps().recheck(json(res.results()), Indicators.empty())).isEmpty();
    }
}
