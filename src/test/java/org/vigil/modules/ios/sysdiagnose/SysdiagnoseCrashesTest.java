package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

class SysdiagnoseCrashesTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final String DIR = "crashes_and_spins/";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();

    @TempDir
    Path tmp;

    private final SysdiagnoseCrashes module = new SysdiagnoseCrashes();

    /** A modern report: JSON header line and JSON body. */
    static String ips(String name, String bundle, String time, String path) {
        return "{\"app_name\":\"" + name + "\",\"timestamp\":\"" + time + "\",\"bug_type\":\"309\","
                + "\"os_version\":\"iPhone OS 17.0 (21A329)\",\"bundleID\":\"" + bundle + "\",\"name\":\"" + name
                + "\"}\n{\n  \"procName\" : \"" + name + "\",\n  \"procPath\" : \"" + path + "\",\n"
                + "  \"exception\" : {\"type\" : \"EXC_BAD_ACCESS\", \"signal\" : \"SIGSEGV\"},\n"
                + "  \"captureTime\" : \"" + time + "\"\n}\n";
    }

    static final String IMT = "/System/Library/PrivateFrameworks/IMTranscoderAgent.framework/IMTranscoderAgent";

    private Path folder(Map<String, String> files) throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top.resolve(DIR));
        Files.writeString(top.resolve("sysdiagnose.log"), "sysdiagnose_2024.01.02_03-04-05+0200.tar.gz\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.createDirectories(top.resolve(f.getKey()).getParent());
            Files.writeString(top.resolve(f.getKey()), f.getValue());
        }
        return top;
    }

    private ModuleResult run(Path path, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return module.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<SysdiagnoseCrashes.Report> records(ModuleResult r) {
        return (List<SysdiagnoseCrashes.Report>) r.results();
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "Test", "test.stix2").build();
    }

    @Test
    void jsonAndTextReportsAreParsed() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(DIR + "IMTranscoderAgent-2023-09-07-101112.ips",
                ips("IMTranscoderAgent", "com.apple.imtranscoding.IMTranscoderAgent", "2023-09-07 10:11:12.00 +0200",
                        IMT));
        files.put(DIR + "Retired/old.ips", "{\"bug_type\":\"109\",\"timestamp\":\"2019-01-02 03:04:05 -0500\","
                + "\"os_version\":\"iPhone OS 12.4\"}\nIncident Identifier: X\nProcess:         Some App [321]\n"
                + "Path:            /private/var/containers/Bundle/Application/0A/Some App.app/Some App\n"
                + "Identifier:      com.example.someapp\nException Type:  EXC_CRASH (SIGABRT)\n");
        files.put(DIR + "stacks.ips", "{\"bug_type\":\"288\",\"name\":\"stacks\"}\nnot json, no fields\n");
        ModuleResult r = run(folder(files), Indicators.empty());
        assertThat(records(r)).containsExactly(
                new SysdiagnoseCrashes.Report(DIR + "stacks.ips", "", "288", "stacks", "", "", "", ""),
                new SysdiagnoseCrashes.Report(DIR + "Retired/old.ips", "2019-01-02 08:04:05.000000", "109", "Some App",
                        "/private/var/containers/Bundle/Application/0A/Some App.app/Some App", "com.example.someapp",
                        "EXC_CRASH", "iPhone OS 12.4"),
                new SysdiagnoseCrashes.Report(DIR + "IMTranscoderAgent-2023-09-07-101112.ips",
                        "2023-09-07 08:11:12.000000", "309", "IMTranscoderAgent", IMT,
                        "com.apple.imtranscoding.IMTranscoderAgent", "EXC_BAD_ACCESS", "iPhone OS 17.0 (21A329)"));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2019-01-02 08:04:05.000000", "SysdiagnoseCrashes", "crash",
                        "Report (bug type 109) of Some App (com.example.someapp): EXC_CRASH"),
                new TimelineEvent("2023-09-07 08:11:12.000000", "SysdiagnoseCrashes", "crash",
                        "Report (bug type 309) of IMTranscoderAgent (com.apple.imtranscoding.IMTranscoderAgent):"
                                + " EXC_BAD_ACCESS"));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message, Alert::eventTime).containsExactly(
                tuple(Level.LOW, "Crash of IMTranscoderAgent, a message and image parser that zero-click exploits go"
                        + " through, on 2023-09-07 08:11:12.000000 (" + DIR + "IMTranscoderAgent-2023-09-07-101112.ips)",
                        "2023-09-07 08:11:12.000000"));
        assertThat(JSON.valueToTree(records(r).get(0)).toString()).isEqualTo("{\"file\":\"crashes_and_spins/stacks.ips\","
                + "\"timestamp\":\"\",\"bug_type\":\"288\",\"process\":\"stacks\",\"path\":\"\",\"bundle_id\":\"\","
                + "\"exception_type\":\"\",\"os_version\":\"\"}");
    }

    @Test
    void threeParserCrashesWithin24HoursAreOneMediumCluster() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(DIR + "a.ips", ips("imagent", "com.apple.imagent", "2023-09-07 10:00:00.00 +0000", "/x/imagent"));
        files.put(DIR + "b.ips", ips("MessagesBlastDoorService", "com.apple.MessagesBlastDoorService",
                "2023-09-07 20:00:00.50 +0000", "/x/MessagesBlastDoorService"));
        files.put(DIR + "c.ips", ips("com.apple.WebKit.WebContent", "com.apple.WebKit.WebContent",
                "2023-09-08 10:00:00.00 +0000", "/x/com.apple.WebKit.WebContent"));
        files.put(DIR + "d.ips", ips("imagent", "com.apple.imagent", "2023-09-20 10:00:00.00 +0000", "/x/imagent"));
        files.put(DIR + "e.ips", ips("SpringBoard", "com.apple.springboard", "2023-09-07 11:00:00.00 +0000",
                "/x/SpringBoard"));
        ModuleResult r = run(folder(files), Indicators.empty());
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.LOW, Level.LOW, Level.LOW, Level.LOW,
                Level.MEDIUM);
        Alert cluster = r.alerts().get(4);
        assertThat(cluster.message()).isEqualTo("Cluster of 3 crashes of message and image parsers within 24 hours,"
                + " from 2023-09-07 10:00:00.000000 to 2023-09-08 10:00:00.000000: imagent, MessagesBlastDoorService,"
                + " com.apple.WebKit.WebContent");
        assertThat(cluster.eventTime()).isEqualTo("2023-09-07 10:00:00.000000");
        assertThat(records(r)).hasSize(5);
    }

    @Test
    void twoParserCrashesOrSpreadOutAreNoCluster() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(DIR + "a.ips", ips("imagent", "", "2023-09-07 10:00:00.00 +0000", "/x/imagent"));
        files.put(DIR + "b.ips", ips("imagent", "", "2023-09-08 10:00:01.00 +0000", "/x/imagent"));
        files.put(DIR + "c.ips", ips("imagent", "", "2023-09-09 10:00:02.00 +0000", "/x/imagent"));
        ModuleResult r = run(folder(files), Indicators.empty());
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.LOW, Level.LOW, Level.LOW);
        // a spin report (no exception, bug type 288) of a parser is not a crash
        assertThat(SysdiagnoseCrashes.isParserCrash(new SysdiagnoseCrashes.Report("f", "", "288", "imagent", "", "",
                "", ""))).isFalse();
    }

    @Test
    void processPathAndBundleIndicatorsAreCritical() throws Exception {
        Path tgz = new TarFixture().dir(TOP + "/").file(TOP + "/sysdiagnose.log", "x\n")
                .file(TOP + "/" + DIR + "bh.ips", ips("bh", "com.evil.bh", "2023-09-07 10:00:00.00 +0000",
                        "/private/var/db/bh"))
                .writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        ModuleResult byProcess = run(tgz, iocs(IndicatorType.PROCESSES, "bh"));
        assertThat(byProcess.alerts()).extracting(Alert::level, a -> a.matchedIndicator().value())
                .containsExactly(tuple(Level.CRITICAL, "bh"));
        ModuleResult byPath = run(tgz, iocs(IndicatorType.FILE_PATHS, "/private/var/db/bh"));
        assertThat(byPath.alerts()).extracting(Alert::level, a -> a.matchedIndicator().value())
                .containsExactly(tuple(Level.CRITICAL, "/private/var/db/bh"));
        ModuleResult byApp = run(tgz, iocs(IndicatorType.APP_IDS, "com.evil.bh"));
        assertThat(byApp.alerts()).extracting(Alert::level, a -> a.matchedIndicator().value())
                .containsExactly(tuple(Level.CRITICAL, "com.evil.bh"));
        assertThat(byApp.alerts().get(0).eventTime()).isEqualTo("2023-09-07 10:00:00.000000");
        assertThat(run(tgz, iocs(IndicatorType.PROCESSES, "other")).alerts()).isEmpty();
    }

    @Test
    void brokenReportsDoNotFail() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(DIR + "empty.ips", "");
        files.put(DIR + "deep.ips", "{\"bug_type\":\"309\",\"timestamp\":\"bad time\"}\n" + "{\"a\":".repeat(5000));
        Path top = folder(files);
        Files.write(top.resolve(DIR + "latin1.ips"), "{\"name\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        ModuleResult r = run(top, Indicators.empty());
        assertThat(records(r)).containsExactly(
                new SysdiagnoseCrashes.Report(DIR + "deep.ips", "", "309", "", "", "", "", ""),
                new SysdiagnoseCrashes.Report(DIR + "empty.ips", "", "", "", "", "", "", ""),
                new SysdiagnoseCrashes.Report(DIR + "latin1.ips", "", "", "caf\ufffd", "", "", "", ""));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void missingFolderIsNotPresent() throws Exception {
        Path top = folder(Map.of("ps.txt", "PID COMMAND\n"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessage("no crash report found (crashes_and_spins/*.ips)");
        }
    }

    @Test
    void timesAndRecheck() throws Exception {
        assertThat(SysdiagnoseCrashes.time("2023-09-07 10:11:12.3456 +0530")).isEqualTo("2023-09-07 04:41:12.345600");
        assertThat(SysdiagnoseCrashes.time("2023-09-07 10:11:12 -0100")).isEqualTo("2023-09-07 11:11:12.000000");
        assertThat(SysdiagnoseCrashes.time("2023-09-07")).isEmpty();
        JsonNode saved = JSON.readTree("[{\"timestamp\":\"2023-09-07 10:00:00.000000\",\"process\":\"bh\","
                + "\"path\":\"/x/bh\",\"bundle_id\":\"com.evil.bh\"}]");
        assertThat(module.recheck(saved, iocs(IndicatorType.APP_IDS, "com.evil.bh")))
                .extracting(Alert::level, Alert::eventTime).containsExactly(tuple(Level.CRITICAL,
                        "2023-09-07 10:00:00.000000"));
        assertThat(module.recheck(saved, Indicators.empty())).isEmpty();
    }
}
