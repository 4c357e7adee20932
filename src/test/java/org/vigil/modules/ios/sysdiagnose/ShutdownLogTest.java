package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
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
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceKind;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;
import org.vigil.source.sysdiagnose.TarFixture;
import org.vigil.testing.FakeSource;

class ShutdownLogTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final String EXTRA = "system_logs.logarchive/Extra/";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();
    static final String UUID = "123e4567-e89b-12d3-a456-426614174000";

    /** A real-shaped log: two reboots, the second delayed three times. */
    static final String LOG = String.join("\n",
            "SIGTERM: [1699990000] All buffers flushed",
            "After 0.25s, these clients are still here:",
            "\t\tremaining client pid: 11 (/usr/libexec/keybagd)",
            "\t\tremaining client pid: 12 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)",
            "SIGTERM: [1700000000] All buffers flushed",
            "After 0.50s, these clients are still here:",
            "\t\tremaining client pid: 21 (/private/var/tmp/helperd)",
            "\t\tremaining client pid: 12 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)",
            "After 1.00s, these clients are still here:",
            "\t\tremaining client pid: 12 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)",
            "After 2.25s, these clients are still here:",
            "\t\tremaining client pid: 12 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)",
            "SIGTERM: [1700003600] All buffers flushed",
            "");

    @TempDir
    Path tmp;

    private final ShutdownLog module = new ShutdownLog();

    private Path folder(Map<String, byte[]> files) throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top.resolve(EXTRA));
        Files.writeString(top.resolve("sysdiagnose.log"), "sysdiagnose_2024.01.02_03-04-05+0200.tar.gz\n");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Files.write(top.resolve(f.getKey()), f.getValue());
        }
        return top;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ModuleResult run(AcquisitionSource source, Indicators iocs) throws Exception {
        return module.run(new ModuleContext(source, iocs, null, Map.of(), CLOCK));
    }

    private ModuleResult run(Path path, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return run(s, iocs);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<ShutdownLog.Client> records(ModuleResult r) {
        return (List<ShutdownLog.Client>) r.results();
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "Test", "test.stix2").build();
    }

    // --- MVT conformance (mvt-behaviour.md 7.2) ----------------------------------------------------

    @Test
    void rotatedLogsAreAllRead() throws Exception {
        Path top = folder(Map.of(
                EXTRA + "shutdown.log", utf8("remaining client pid: 100 (/usr/libexec/first)\nSIGTERM: [1700000000]\n"),
                EXTRA + "shutdown.0.log", utf8("remaining client pid: 200 (/usr/libexec/second)\n"
                        + "SIGTERM: [1700000100]\n")));
        ModuleResult r = run(top, Indicators.empty());
        assertThat(records(r)).containsExactly(
                new ShutdownLog.Client("2023-11-14 22:13:20.000000", "100", "/usr/libexec/first", 0.0, 0, null),
                new ShutdownLog.Client("2023-11-14 22:15:00.000000", "200", "/usr/libexec/second", 0.0, 0, null));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void trailingUuidIsNormalisedAndMatchesAFilePathIndicator() throws Exception {
        Path top = folder(Map.of(EXTRA + "shutdown.0.log",
                utf8("remaining client pid: 77 (/usr/sbin/filecoordinationd/" + UUID + ")\nSIGTERM: [1700000000]\n")));
        ModuleResult r = run(top, iocs(IndicatorType.FILE_PATHS, "/usr/sbin/filecoordinationd"));
        assertThat(records(r)).containsExactly(new ShutdownLog.Client("2023-11-14 22:13:20.000000", "77",
                "/usr/sbin/filecoordinationd", 0.0, 0, UUID));
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.matchedIndicator().value()).isEqualTo("/usr/sbin/filecoordinationd");
        assertThat(a.eventTime()).isEqualTo("2023-11-14 22:13:20.000000");
        JsonNode json = JSON.valueToTree(records(r).get(0));
        assertThat(json.toString()).isEqualTo("{\"isodate\":\"2023-11-14 22:13:20.000000\",\"pid\":\"77\","
                + "\"client\":\"/usr/sbin/filecoordinationd\",\"delay\":0.0,\"times_delayed\":0,"
                + "\"client_uuid\":\"" + UUID + "\"}");
    }

    @Test
    void recheckOfMvtResultsWithTrailingUuid() throws Exception {
        JsonNode mvt = JSON.readTree("[{\"isodate\": \"2023-11-14 22:13:20.000000\", \"pid\": \"77\", \"client\":"
                + " \"/usr/sbin/filecoordinationd/" + UUID + "\", \"delay\": 0.0, \"times_delayed\": 0}]");
        List<Alert> alerts = module.recheck(mvt, iocs(IndicatorType.FILE_PATHS, "/usr/sbin/filecoordinationd"));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).matchedIndicator().value()).isEqualTo("/usr/sbin/filecoordinationd");
        assertThat(alerts.get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(module.recheck(mvt, iocs(IndicatorType.FILE_PATHS, "/usr/sbin/other"))).isEmpty();
        assertThat(module.recheck(mvt, Indicators.empty())).isEmpty();
    }

    // --- extraction ------------------------------------------------------------------------------

    @Test
    void extractsClientsWithDelaysLikeMvt() throws Exception {
        ModuleResult r = run(folder(Map.of(EXTRA + "shutdown.log", utf8(LOG))), Indicators.empty());
        String rolexd = "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd";
        assertThat(records(r)).containsExactly(
                new ShutdownLog.Client("2023-11-14 22:13:20.000000", "11", "/usr/libexec/keybagd", 0.25, 1, null),
                new ShutdownLog.Client("2023-11-14 22:13:20.000000", "12", rolexd, 0.25, 1, null),
                new ShutdownLog.Client("2023-11-14 23:13:20.000000", "21", "/private/var/tmp/helperd", 0.5, 1, null),
                new ShutdownLog.Client("2023-11-14 23:13:20.000000", "12", rolexd, 0.5, 1, null),
                new ShutdownLog.Client("2023-11-14 23:13:20.000000", "12", rolexd, 1.5, 2, null),
                new ShutdownLog.Client("2023-11-14 23:13:20.000000", "12", rolexd, 3.75, 3, null));
    }

    @Test
    void timelineHasEveryClientAndPerRebootStatistics() throws Exception {
        ModuleResult r = run(folder(Map.of(EXTRA + "shutdown.log", utf8(LOG))), Indicators.empty());
        String rolexd = "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd";
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2023-11-14 22:13:20.000000", "ShutdownLog", "shutdown",
                        "Client /usr/libexec/keybagd with PID 11 was running when the device was shut down"),
                new TimelineEvent("2023-11-14 22:13:20.000000", "ShutdownLog", "shutdown",
                        "Client " + rolexd + " with PID 12 was running when the device was shut down"),
                new TimelineEvent("2023-11-14 23:13:20.000000", "ShutdownLog", "shutdown",
                        "Client /private/var/tmp/helperd with PID 21 was running when the device was shut down"),
                new TimelineEvent("2023-11-14 23:13:20.000000", "ShutdownLog", "shutdown",
                        "Client " + rolexd + " with PID 12 was running when the device was shut down"),
                new TimelineEvent("2023-11-14 19:26:40.000000", "ShutdownLog", "reboot",
                        "Shutdown with 0 clients still running, delayed 0 times (0.0 s)"),
                new TimelineEvent("2023-11-14 22:13:20.000000", "ShutdownLog", "reboot",
                        "Shutdown with 2 clients still running, delayed 1 time (0.25 s): /usr/libexec/keybagd, "
                                + rolexd),
                new TimelineEvent("2023-11-14 23:13:20.000000", "ShutdownLog", "reboot",
                        "Shutdown with 2 clients still running, delayed 3 times (3.75 s): /private/var/tmp/helperd, "
                                + rolexd));
    }

    @Test
    void firstSigtermWithoutTimeAndFallbacks() {
        assertThat(ShutdownLog.sigtermTime("SIGTERM: [1700000000] All buffers flushed"))
                .isEqualTo("2023-11-14 22:13:20.000000");
        assertThat(ShutdownLog.sigtermTime("SIGTERM: [x] @1700000000 flushed")).isEqualTo("2023-11-14 22:13:20.000000");
        assertThat(ShutdownLog.sigtermTime("SIGTERM: [0]")).isEmpty();
        assertThat(ShutdownLog.sigtermTime("SIGTERM: no time")).isEmpty();
    }

    // --- heuristics ------------------------------------------------------------------------------

    @Test
    void implantFoldersAndDelayedRebootsAreFlagged() throws Exception {
        ModuleResult r = run(folder(Map.of(EXTRA + "shutdown.log", utf8(LOG))), Indicators.empty());
        String rolexd = "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd";
        assertThat(r.alerts()).extracting(Alert::level, Alert::message, Alert::eventTime).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.HIGH, "Process " + rolexd + " (PID 12) was still running at"
                        + " shutdown from /private/var/db/, where no Apple system process lives (seen in 2 shutdowns,"
                        + " first on 2023-11-14 22:13:20.000000)", "2023-11-14 22:13:20.000000"),
                org.assertj.core.groups.Tuple.tuple(Level.HIGH, "Process /private/var/tmp/helperd (PID 21) was still"
                        + " running at shutdown from /private/var/tmp/, where no Apple system process lives (seen in 1"
                        + " shutdown, first on 2023-11-14 23:13:20.000000)", "2023-11-14 23:13:20.000000"),
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM, "Shutdown on 2023-11-14 23:13:20.000000 was delayed"
                        + " 3 times (3.75 s) by processes that did not stop: /private/var/tmp/helperd, " + rolexd,
                        "2023-11-14 23:13:20.000000"));
        assertThat(r.alerts().get(2).event()).isEqualTo(new ShutdownLog.Reboot("2023-11-14 23:13:20.000000",
                EXTRA + "shutdown.log", 3, 3.75, List.of("/private/var/tmp/helperd", rolexd)));
        assertThat(r.alerts().get(0).matchedIndicator()).isNull();
    }

    @Test
    void roleaccountdStagingAnywhereAndOrdinaryDaemonsAndTwoDelays() throws Exception {
        String log = "After 1.0s, these clients are still here:\n"
                + "remaining client pid: 5 (/private/var/containers/com.apple.xpc.roleaccountd.staging/bh)\n"
                + "remaining client pid: 6 (/usr/libexec/locationd)\n"
                + "After 1.0s, these clients are still here:\n"
                + "remaining client pid: 6 (/usr/libexec/locationd)\n"
                + "SIGTERM: [1700000000]\n";
        ModuleResult r = run(folder(Map.of(EXTRA + "shutdown.log", utf8(log))), Indicators.empty());
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.HIGH, "Process /private/var/containers/com.apple.xpc."
                        + "roleaccountd.staging/bh (PID 5) was still running at shutdown from a roleaccountd.staging"
                        + " folder (com.apple.xpc.roleaccountd.staging), where no Apple system process lives (seen in"
                        + " 1 shutdown, first on 2023-11-14 22:13:20.000000)"));
        assertThat(ShutdownLog.stickyFolder("/usr/libexec/locationd")).isEmpty();
        assertThat(ShutdownLog.stickyFolder("/private/var/dbx/a")).isEmpty();
    }

    // --- indicators ------------------------------------------------------------------------------

    @Test
    void processIndicatorInAPathComponentLikeMvt() throws Exception {
        ModuleResult r = run(folder(Map.of(EXTRA + "shutdown.log", utf8(LOG))), iocs(IndicatorType.PROCESSES, "rolexd"));
        List<Alert> critical = r.alerts().stream().filter(a -> a.level() == Level.CRITICAL).toList();
        assertThat(critical).hasSize(4);
        assertThat(critical).allSatisfy(a -> {
            assertThat(a.message()).isEqualTo("Found mention of a known malicious process \"rolexd\" in shutdown.log");
            assertThat(a.matchedIndicator().value()).isEqualTo("rolexd");
        });
        ModuleResult none = run(folder(Map.of(EXTRA + "shutdown.log", utf8(LOG))),
                iocs(IndicatorType.PROCESSES, "rolex"));
        assertThat(none.alerts()).noneMatch(a -> a.level() == Level.CRITICAL);
    }

    @Test
    void fileNameIndicatorMatchesTheBasenameOnceTheUuidIsGone() throws Exception {
        Path top = folder(Map.of(EXTRA + "shutdown.log",
                utf8("remaining client pid: 9 (/usr/libexec/evild/" + UUID + ")\nSIGTERM: [1700000000]\n")));
        ModuleResult r = run(top, iocs(IndicatorType.FILE_NAMES, "evild"));
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.level()).isEqualTo(Level.CRITICAL);
            assertThat(a.matchedIndicator().value()).isEqualTo("evild");
        });
    }

    // --- sources, missing and bad input ------------------------------------------------------------

    @Test
    void readsTheLogInPlaceFromATarGz() throws Exception {
        Path gz = new TarFixture().file(TOP + "/sysdiagnose.log", "x")
                .file(TOP + "/" + EXTRA + "shutdown.log", LOG)
                .file(TOP + "/" + EXTRA + "shutdown.1.log", "remaining client pid: 1 (/a)\nSIGTERM: [1600000000]\n")
                .writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        ModuleResult r = run(gz, Indicators.empty());
        assertThat(records(r)).hasSize(7);
        assertThat(records(r).get(0)).isEqualTo(
                new ShutdownLog.Client("2020-09-13 12:26:40.000000", "1", "/a", 0.0, 0, null));
        assertThat(r.timelineCount()).isEqualTo(9); // identical rows are kept once
    }

    @Test
    void filesystemDumpLayout() throws Exception {
        Path log = Files.writeString(tmp.resolve("shutdown.log"), LOG);
        Path rotated = Files.writeString(tmp.resolve("shutdown.2.log"),
                "remaining client pid: 3 (/b)\nSIGTERM: [1600000000]\n");
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp)
                .add("l", "", ShutdownLog.FS_LOG, log)
                .add("r", "", "private/var/db/diagnostics/shutdown.2.log", rotated)
                .add("n", "", "private/var/db/diagnostics/shutdown.notes.log", rotated);
        ModuleResult r = run(fs, Indicators.empty());
        assertThat(records(r)).hasSize(7);
        assertThat(records(r).get(0).client()).isEqualTo("/b");
    }

    @Test
    void nonUtf8LinesDoNotStopTheParse() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(utf8("remaining client pid: 4 (/usr/libexec/caf"));
        b.writeBytes(new byte[] {(byte) 0xe9, (byte) 0xff});
        b.writeBytes(utf8("d)\n"));
        b.writeBytes(new byte[] {(byte) 0xc3, (byte) 0x28, '\n'});
        b.writeBytes(utf8("x".repeat(200_000) + "\nSIGTERM: [1700000000]\n"));
        ModuleResult r = run(folder(Map.of(EXTRA + "shutdown.log", b.toByteArray())), Indicators.empty());
        assertThat(records(r)).containsExactly(new ShutdownLog.Client("2023-11-14 22:13:20.000000", "4",
                "/usr/libexec/caf\ufffd\ufffdd", 0.0, 0, null));
    }

    @Test
    void missingLogIsNotPresent() throws Exception {
        Path top = folder(Map.of());
        assertThatThrownBy(() -> run(top, Indicators.empty())).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessageContaining("shutdown log not found");
    }

    @Test
    void logMissingFromATruncatedArchiveIsUnreadableNotAbsent() throws Exception {
        byte[] full = TarFixture.gzip(new TarFixture().file(TOP + "/sysdiagnose.log", "x")
                .file(TOP + "/big.bin", "q".repeat(50_000)).file(TOP + "/" + EXTRA + "shutdown.log", LOG).tar());
        Path cut = Files.write(tmp.resolve(TOP + ".tar.gz"), Arrays.copyOf(full, full.length / 2));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(cut)) {
            assertThat(s.truncated()).isPresent();
            assertThatThrownBy(() -> run(s, Indicators.empty())).isInstanceOf(IOException.class)
                    .hasMessageContaining("is truncated").hasMessageContaining("may be in the missing part");
        }
    }

    @Test
    void descriptorIsMvts() {
        assertThat(module.descriptor().slug()).isEqualTo("shutdown_log");
        assertThat(module.descriptor().pluginName()).isEqualTo("ShutdownLog");
        assertThat(module.descriptor().sourceKinds()).containsExactlyInAnyOrder(SourceKind.IOS_SYSDIAGNOSE,
                SourceKind.IOS_FS);
    }
}
