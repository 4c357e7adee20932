package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;
import org.vigil.source.sysdiagnose.TarFixture;

class SysdiagnoseAnalyticsTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final String JOURNAL = "crashes_and_spins/Analytics-Journal-2024-01-02-030405.ips";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();

    static final String HEADER = "{\"bug_type\":\"211\",\"timestamp\":\"2024-01-02 03:00:00.00 +0200\","
            + "\"os_version\":\"iPhone OS 17.2 (21C62)\",\"incident_id\":\"A\"}\n";
    static final String MARKER = "{\"_marker\":\"<metadata>\",\"startTimestamp\":\"2024-01-01T22:00:00Z\"}\n";

    @TempDir
    Path tmp;

    private final SysdiagnoseAnalytics module = new SysdiagnoseAnalytics();

    static String journal() {
        return HEADER + MARKER
                + "{\"name\":\"com.apple.Safari.PageLoad\",\"message\":{\"processName\":\"bh\",\"bundleID\":\"com.evil.app\","
                + "\"nested\":{\"deep\":[\"https://evil.example.com/x\",\"/private/var/db/com.apple.xpc.roleaccountd.staging/bh\"]},"
                + "\"count\":3},\"timestamp\":\"2024-01-02T01:02:03Z\"}\n"
                + "{\"eventName\":\"com.apple.network.usage\",\"message\":{\"domain\":\"tracker.example.org\",\"appName\":\"Safe\"}}\n"
                + "{\"name\":\"com.apple.power\",\"message\":{\"level\":42}}\n";
    }

    private Path folder(Map<String, String> files) throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top);
        Files.writeString(top.resolve("sysdiagnose.log"), "x\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.createDirectories(top.resolve(f.getKey()).getParent());
            Files.writeString(top.resolve(f.getKey()), f.getValue());
        }
        return top;
    }

    private Path tgz(String name, String content) throws IOException {
        return new TarFixture().dir(TOP + "/").file(TOP + "/sysdiagnose.log", "x\n").file(TOP + "/" + name, content)
                .writeTarGz(tmp.resolve(TOP + ".tar.gz"));
    }

    private ModuleResult run(Path path, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return module.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<SysdiagnoseAnalytics.Event> records(ModuleResult r) {
        return (List<SysdiagnoseAnalytics.Event>) r.results();
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "Test", "test.stix2").build();
    }

    @Test
    void eventsAreExtractedWithTimesAndValues() throws Exception {
        ModuleResult r = run(tgz(JOURNAL, journal()), Indicators.empty());
        String os = "iPhone OS 17.2 (21C62)";
        assertThat(records(r)).containsExactly(
                new SysdiagnoseAnalytics.Event(JOURNAL, 3, "2024-01-02 01:02:03.000000", "com.apple.Safari.PageLoad",
                        os, List.of("bh"), List.of("com.evil.app"),
                        List.of("/private/var/db/com.apple.xpc.roleaccountd.staging/bh"),
                        List.of("https://evil.example.com/x")),
                new SysdiagnoseAnalytics.Event(JOURNAL, 4, "2024-01-01 22:00:00.000000", "com.apple.network.usage",
                        os, List.of("Safe"), List.of(), List.of(), List.of("tracker.example.org")),
                new SysdiagnoseAnalytics.Event(JOURNAL, 5, "2024-01-01 22:00:00.000000", "com.apple.power", os,
                        List.of(), List.of(), List.of(), List.of()));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2024-01-02 01:02:03.000000", "SysdiagnoseAnalytics", "analytics_event",
                        "Analytics event com.apple.Safari.PageLoad: bh, com.evil.app,"
                                + " /private/var/db/com.apple.xpc.roleaccountd.staging/bh, https://evil.example.com/x"),
                new TimelineEvent("2024-01-01 22:00:00.000000", "SysdiagnoseAnalytics", "analytics_event",
                        "Analytics event com.apple.network.usage: Safe, tracker.example.org"),
                new TimelineEvent("2024-01-01 22:00:00.000000", "SysdiagnoseAnalytics", "analytics_event",
                        "Analytics event com.apple.power"));
        assertThat(r.alerts()).isEmpty();
        assertThat(JSON.valueToTree(records(r).get(2)).toString()).isEqualTo("{\"file\":\"" + JOURNAL + "\","
                + "\"line\":5,\"timestamp\":\"2024-01-01 22:00:00.000000\",\"event\":\"com.apple.power\","
                + "\"os_version\":\"" + os + "\",\"processes\":[],\"bundle_ids\":[],\"paths\":[],\"urls\":[]}");
    }

    @Test
    void eachIndicatorTypeAlerts() throws Exception {
        Path tgz = tgz(JOURNAL, journal());
        assertThat(run(tgz, iocs(IndicatorType.PROCESSES, "bh")).alerts())
                .extracting(Alert::level, a -> a.matchedIndicator().value(), Alert::eventTime)
                .containsExactly(tuple(Level.CRITICAL, "bh", "2024-01-02 01:02:03.000000"),
                        // the same process as a path component: HIGH
                        tuple(Level.HIGH, "bh", "2024-01-02 01:02:03.000000"));
        assertThat(run(tgz, iocs(IndicatorType.APP_IDS, "com.evil.app")).alerts())
                .extracting(Alert::level, a -> a.matchedIndicator().value())
                .containsExactly(tuple(Level.CRITICAL, "com.evil.app"));
        assertThat(run(tgz, iocs(IndicatorType.FILE_PATHS, "/private/var/db/com.apple.xpc.roleaccountd.staging"))
                .alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL);
        assertThat(run(tgz, iocs(IndicatorType.DOMAINS, "example.com")).alerts())
                .extracting(Alert::level, a -> a.matchedIndicator().value())
                .containsExactly(tuple(Level.CRITICAL, "example.com"));
        assertThat(run(tgz, iocs(IndicatorType.DOMAINS, "tracker.example.org")).alerts())
                .extracting(Alert::level, Alert::eventTime)
                .containsExactly(tuple(Level.CRITICAL, "2024-01-01 22:00:00.000000"));
    }

    @Test
    void unrelatedIndicatorsDoNotAlert() throws Exception {
        Path top = folder(Map.of("logs/Analytics-2024-01-02-030405.ips.ca.synced", journal()));
        assertThat(run(top, iocs(IndicatorType.PROCESSES, "other")).alerts()).isEmpty();
        assertThat(run(top, iocs(IndicatorType.DOMAINS, "example.net")).alerts()).isEmpty();
        assertThat(run(top, iocs(IndicatorType.APP_IDS, "com.evil")).alerts()).isEmpty();
        assertThat(records(run(top, Indicators.empty()))).hasSize(3)
                .allMatch(e -> e.file().equals("logs/Analytics-2024-01-02-030405.ips.ca.synced"));
    }

    @Test
    void malformedLinesAreSkippedAndEmptyFilesUnreadable() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("crashes_and_spins/Analytics-Journal-a.ips", HEADER + "not json\n{\"name\":\"x\",\n"
                + "[1,2]\n" + "{\"name\":\"ok\",\"message\":{\"bundleId\":\"com.a\"},\"timestamp\":1704160800}\n"
                + "{\"a\":".repeat(1000) + "\n"
                // longer than the line cap: cut, so not JSON, skipped
                + "{\"name\":\"long\",\"x\":\"" + "a".repeat(SysdiagnoseAnalytics.MAX_LINE) + "\"}\n");
        files.put("crashes_and_spins/Analytics-Journal-b.ips", "garbage\n\u0000\u0001\n");
        files.put("logs/x.core_analytics", "");
        ModuleResult r = run(folder(files), Indicators.empty());
        assertThat(records(r)).extracting(SysdiagnoseAnalytics.Event::line, SysdiagnoseAnalytics.Event::event,
                SysdiagnoseAnalytics.Event::timestamp, SysdiagnoseAnalytics.Event::bundle_ids)
                .containsExactly(tuple(5, "ok", "2024-01-02 02:00:00.000000", List.of("com.a")));

        Path bad = folder(Map.of("a/b.core_analytics", "nothing here\n"));
        Files.delete(bad.resolve("crashes_and_spins/Analytics-Journal-a.ips"));
        Files.delete(bad.resolve("crashes_and_spins/Analytics-Journal-b.ips"));
        Files.delete(bad.resolve("logs/x.core_analytics"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(bad)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(CorruptArtifactException.class)
                    .hasMessageContaining("a/b.core_analytics: no JSON line");
        }
    }

    @Test
    void journalWithoutHeaderKeepsItsFirstEvent() throws Exception {
        Path top = folder(Map.of("logs/Analytics/x.core_analytics",
                "{\"name\":\"first\",\"message\":{\"procName\":\"p1\"}}\n{\"event\":\"second\"}\n"));
        assertThat(records(run(top, Indicators.empty())))
                .extracting(SysdiagnoseAnalytics.Event::line, SysdiagnoseAnalytics.Event::event,
                        SysdiagnoseAnalytics.Event::timestamp, SysdiagnoseAnalytics.Event::os_version,
                        SysdiagnoseAnalytics.Event::processes)
                .containsExactly(tuple(1, "first", "", "", List.of("p1")), tuple(2, "second", "", "", List.of()));
        assertThat(run(top, Indicators.empty()).timeline()).isEmpty();
    }

    @Test
    void missingJournalsAreNotPresent() throws Exception {
        Path top = folder(Map.of("crashes_and_spins/other.ips", "{}\n"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessageStartingWith("no analytics journal found");
        }
    }

    @Test
    void timesAndRecheck() throws Exception {
        assertThat(SysdiagnoseAnalytics.time(JSON.readTree("\"2024-01-02 03:00:00.00 +0200\"")))
                .isEqualTo("2024-01-02 01:00:00.000000");
        assertThat(SysdiagnoseAnalytics.time(JSON.readTree("1704160800123"))).isEqualTo("2024-01-02 02:00:00.123000");
        assertThat(SysdiagnoseAnalytics.time(JSON.readTree("\"soon\""))).isEmpty();
        assertThat(SysdiagnoseAnalytics.time(JSON.readTree("-5"))).isEmpty();
        JsonNode saved = JSON.readTree("[{\"timestamp\":\"2024-01-02 01:02:03.000000\",\"processes\":[\"bh\"],"
                + "\"bundle_ids\":[],\"paths\":[],\"urls\":[\"https://evil.example.com/x\"]}]");
        assertThat(module.recheck(saved, iocs(IndicatorType.DOMAINS, "evil.example.com")))
                .extracting(Alert::level, Alert::eventTime)
                .containsExactly(tuple(Level.CRITICAL, "2024-01-02 01:02:03.000000"));
        assertThat(module.recheck(saved, Indicators.empty())).isEmpty();
    }
}
