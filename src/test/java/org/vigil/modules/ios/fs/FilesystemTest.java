package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceKind;
import org.vigil.source.iosfs.FsDumpFixture;
import org.vigil.source.iosfs.IosFsSource;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

class FilesystemTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final String IMPLANT = "private/var/db/com.apple.xpc.roleaccountd.staging/bh";

    @TempDir
    Path tmp;

    private final Filesystem module = new Filesystem();

    private static ModuleResult run(AcquisitionSource source, Indicators iocs, boolean fast) throws Exception {
        return module().run(new ModuleContext(source, iocs, new ModuleOptions(fast, false), Map.of(), CLOCK));
    }

    private static Filesystem module() {
        return new Filesystem();
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "Test", "test.stix2").build();
    }

    private static List<Filesystem.Entry> records(ModuleResult r) {
        List<Filesystem.Entry> out = new ArrayList<>();
        for (Object o : (List<?>) r.results()) {
            out.add((Filesystem.Entry) o);
        }
        return out;
    }

    private IosFsSource dump() throws Exception {
        Path d = new FsDumpFixture().dir("private/var/mobile").file(IMPLANT, "x")
                .file("private/var/mobile/Library/Preferences/com.apple.x.plist", "p")
                .writeTar(tmp.resolve("d.tar"), "", false);
        return IosFsSource.open(d);
    }

    @Test
    void recordsEveryEntryWithItsTimeAndTimeline() throws Exception {
        try (IosFsSource s = dump()) {
            ModuleResult r = run(s, Indicators.empty(), false);
            assertThat(records(r)).extracting(Filesystem.Entry::path).containsExactly("private", "private/var",
                    "private/var/db", "private/var/db/com.apple.xpc.roleaccountd.staging", IMPLANT,
                    "private/var/mobile", "private/var/mobile/Library", "private/var/mobile/Library/Preferences",
                    "private/var/mobile/Library/Preferences/com.apple.x.plist");
            Filesystem.Entry implant = records(r).get(4);
            assertThat(implant.modified()).isEqualTo("2023-11-14 22:13:20.000000");
            // folders the archive does not list have no time: recorded with "", not on the timeline
            assertThat(records(r).get(0)).isEqualTo(new Filesystem.Entry("private", ""));
            assertThat(r.timeline()).extracting(TimelineEvent::event).containsOnly("entry_modified");
            assertThat(r.timeline()).contains(new TimelineEvent("2023-11-14 22:13:20.000000", "Filesystem",
                    "entry_modified", IMPLANT));
            assertThat(r.timeline()).hasSize(3); // private/var/mobile (listed), the two files
            assertThat(r.alerts()).isEmpty();
            JsonNode json = MvtJson.mapper().valueToTree(implant);
            assertThat(json.toString()).isEqualTo("{\"path\":\"" + IMPLANT
                    + "\",\"modified\":\"2023-11-14 22:13:20.000000\"}");
        }
    }

    @Test
    void absoluteFilePathIndicatorsMatchUnlikeMvt() throws Exception {
        try (IosFsSource s = dump()) {
            ModuleResult r = run(s, iocs(IndicatorType.FILE_PATHS,
                    "/private/var/db/com.apple.xpc.roleaccountd.staging"), false);
            // the folder and the file under it
            assertThat(r.alerts()).extracting(Alert::level).containsOnly(Level.HIGH);
            assertThat(r.alerts()).extracting(a -> ((Filesystem.Entry) a.event()).path()).containsExactly(
                    "private/var/db/com.apple.xpc.roleaccountd.staging", IMPLANT);
            assertThat(r.alerts().get(1).matchedIndicator().value())
                    .isEqualTo("/private/var/db/com.apple.xpc.roleaccountd.staging");
            assertThat(r.alerts().get(1).eventTime()).isEqualTo("2023-11-14 22:13:20.000000");
        }
    }

    @Test
    void fileNameIndicatorsStillMatch() throws Exception {
        try (IosFsSource s = dump()) {
            ModuleResult r = run(s, iocs(IndicatorType.FILE_NAMES, "com.apple.x.plist"), false);
            assertThat(r.alerts()).singleElement().satisfies(a -> {
                assertThat(a.level()).isEqualTo(Level.HIGH);
                assertThat(((Filesystem.Entry) a.event()).path())
                        .isEqualTo("private/var/mobile/Library/Preferences/com.apple.x.plist");
            });
        }
    }

    @Test
    void processNamedLikeAPathComponentUnlessFast() throws Exception {
        try (IosFsSource s = dump()) {
            ModuleResult r = run(s, iocs(IndicatorType.PROCESSES, "bh"), false);
            assertThat(r.alerts()).singleElement().satisfies(a -> {
                assertThat(a.level()).isEqualTo(Level.HIGH);
                assertThat(((Filesystem.Entry) a.event()).path()).isEqualTo(IMPLANT);
                assertThat(a.message()).contains("Found known suspicious process name mentioned in file at path");
            });
            assertThat(run(s, iocs(IndicatorType.PROCESSES, "bh"), true).alerts()).isEmpty();
            // a component must be equal, not contain the name
            assertThat(run(s, iocs(IndicatorType.PROCESSES, "mobil"), false).alerts()).isEmpty();
        }
    }

    @Test
    void unrelatedIndicatorsDoNotMatch() throws Exception {
        try (IosFsSource s = dump()) {
            assertThat(run(s, iocs(IndicatorType.FILE_PATHS, "/private/var/tmp/evil"), false).alerts()).isEmpty();
        }
    }

    @Test
    void recordsAreStreamedNotKept() throws Exception {
        List<Object> streamed = new ArrayList<>();
        List<TimelineEvent> rows = new ArrayList<>();
        ResultSink sink = new ResultSink() {
            @Override
            public void record(Object record) {
                streamed.add(record);
            }

            @Override
            public void timeline(TimelineEvent event) {
                rows.add(event);
            }

            @Override
            public long finish() {
                return rows.size();
            }

            @Override
            public void abort() {
                // nothing to undo
            }
        };
        try (IosFsSource s = dump()) {
            ModuleResult r = new Filesystem().run(new ModuleContext(s, Indicators.empty(), ModuleOptions.defaults(),
                    Map.of(), CLOCK, sink, false));
            assertThat(r.results()).isNull();
            assertThat(r.recordCount()).isEqualTo(9);
            assertThat(streamed).hasSize(9);
            assertThat(r.timelineCount()).isEqualTo(3);
        }
    }

    @Test
    void emptyDumpGivesNoRecords() throws Exception {
        FakeSource empty = new FakeSource(SourceKind.IOS_FS, tmp);
        ModuleResult r = run(empty, Indicators.empty(), false);
        assertThat(r.recordCount()).isZero();
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void recheckAppliesTheIndicatorChecksToWrittenResults() throws Exception {
        JsonNode results = MvtJson.mapper().readTree("[{\"path\":\"" + IMPLANT
                + "\",\"modified\":\"2023-11-14 22:13:20.000000\"},{\"path\":\"private/var/ok\",\"modified\":\"\"}]");
        assertThat(module.recheck(results, iocs(IndicatorType.FILE_PATHS, "/private/var/db"))).hasSize(1);
        assertThat(module.recheck(results, iocs(IndicatorType.PROCESSES, "bh"))).hasSize(1);
        assertThat(module.recheck(results, Indicators.empty())).isEmpty();
    }

    // --- MVT conformance (mvt-behaviour 7.2): Filesystem on the ios_backup sample folder -----------------

    @Test
    void mvtSampleFolderGives23EntriesAnd23TimelineRows() throws Exception {
        Path backup = SharedData.iosBackup();
        try (IosFsSource s = IosFsSource.openAt(backup, IosFsSource.Options.DEFAULT)) {
            ModuleResult r = run(s, Indicators.empty(), false);
            assertThat(r.recordCount()).isEqualTo(23);
            assertThat(r.timeline()).hasSize(23);
            assertThat(r.alerts()).isEmpty();
        }
    }

    @Test
    void mvtSampleFolderWithTheTccProcessIndicatorGivesOneAlert() throws Exception {
        Path backup = SharedData.iosBackup();
        Path generated = SharedData.generatedIocs();
        Path process = Files.writeString(tmp.resolve("process.stix2"), "{\"type\":\"bundle\",\"id\":\"bundle--1\","
                + "\"objects\":[{\"type\":\"malware\",\"id\":\"malware--1\",\"name\":\"TestProcess\","
                + "\"is_family\":false},{\"type\":\"indicator\",\"id\":\"indicator--1\",\"pattern_type\":\"stix\","
                + "\"pattern\":\"[process:name='64d0019cb3d46bfc8cce545a8ba54b93e7ea9347']\","
                + "\"valid_from\":\"2020-01-01T00:00:00Z\"},{\"type\":\"relationship\",\"id\":\"relationship--1\","
                + "\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}");
        Indicators.LoadResult loaded = Indicators.load(List.of(generated, process));
        assertThat(loaded.failures()).isEmpty();
        try (IosFsSource s = IosFsSource.openAt(backup, IosFsSource.Options.DEFAULT)) {
            ModuleResult r = run(s, loaded.indicators(), false);
            assertThat(r.recordCount()).isEqualTo(23);
            assertThat(r.timeline()).hasSize(23);
            assertThat(r.alerts()).singleElement().satisfies(a -> {
                assertThat(a.level()).isEqualTo(Level.HIGH);
                assertThat(((Filesystem.Entry) a.event()).path()).endsWith("64d0019cb3d46bfc8cce545a8ba54b93e7ea9347");
            });
        }
    }
}
