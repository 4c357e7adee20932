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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;
import org.vigil.source.sysdiagnose.TarFixture;

class SysdiagnoseProcessesTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();
    static final String APP = "/private/var/containers/Bundle/Application/0A1B/My Notes.app/My Notes";

    static final String PS = String.join("\n",
            "USER               UID   PID  PPID  %CPU %MEM PRI  NI      VSZ    RSS WCHAN    TT  STAT STARTED      TIME COMMAND",
            "root                 0     1     0   0.0  0.1  37   0 408290112  12048 -        ??  Ss    8:04PM   0:12.34 /sbin/launchd",
            "mobile             501   312     1   0.0  0.2  31   0 408700000  20480 -        ??  Ss    8:05PM   0:01.00 /usr/libexec/imagent -daemon",
            "mobile             501   400     1   0.0  0.5  47   0 408800000  40960 -        ??  Ss    9:00PM   0:02.00 " + APP + " -launchedBy springboard",
            "root                 0   666     1   0.0  0.0  31   0 408100000   1024 -        ??  S     9:01PM   0:00.01 /private/var/db/com.apple.xpc.roleaccountd.staging/rolexd --x",
            "mobile             501   667     1   0.0  0.0  31   0 408100000   1024 -        ??  S     9:02PM   0:00.01 /var/tmp/helper",
            "mobile             501   668     1   0.0  0.0  31   0 408100000   1024 -        ??  S     9:03PM   0:00.01 /private/var/mobile/Library/bh",
            "root                 0     0     0   0.0  0.0   0   0        0      0 -        ??  R     8:04PM   0:00.00 (kernel_task)",
            "short row",
            "");

    @TempDir
    Path tmp;

    private final SysdiagnoseProcesses module = new SysdiagnoseProcesses();

    private Path folder(Map<String, String> files) throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top);
        Files.writeString(top.resolve("sysdiagnose.log"), "sysdiagnose_2024.01.02_03-04-05+0200.tar.gz\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
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
    private static List<SysdiagnoseProcesses.Process> records(ModuleResult r) {
        return (List<SysdiagnoseProcesses.Process>) r.results();
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "Test", "test.stix2").build();
    }

    @Test
    void parsesRowsByHeaderWithCommandsContainingSpaces() throws Exception {
        ModuleResult r = run(folder(Map.of("ps.txt", PS)), Indicators.empty());
        assertThat(records(r)).containsExactly(
                new SysdiagnoseProcesses.Process("ps.txt", "root", "1", "0", "launchd", "/sbin/launchd",
                        "/sbin/launchd", "8:04PM"),
                new SysdiagnoseProcesses.Process("ps.txt", "mobile", "312", "1", "imagent",
                        "/usr/libexec/imagent", "/usr/libexec/imagent -daemon", "8:05PM"),
                new SysdiagnoseProcesses.Process("ps.txt", "mobile", "400", "1", "My Notes", APP,
                        APP + " -launchedBy springboard", "9:00PM"),
                new SysdiagnoseProcesses.Process("ps.txt", "root", "666", "1", "rolexd",
                        "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd",
                        "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd --x", "9:01PM"),
                new SysdiagnoseProcesses.Process("ps.txt", "mobile", "667", "1", "helper", "/var/tmp/helper",
                        "/var/tmp/helper", "9:02PM"),
                new SysdiagnoseProcesses.Process("ps.txt", "mobile", "668", "1", "bh",
                        "/private/var/mobile/Library/bh", "/private/var/mobile/Library/bh", "9:03PM"),
                new SysdiagnoseProcesses.Process("ps.txt", "root", "0", "0", "(kernel_task)", "", "(kernel_task)",
                        "8:04PM"));
        assertThat(r.timeline()).isEmpty();
        assertThat(JSON.valueToTree(records(r).get(0)).toString()).isEqualTo("{\"file\":\"ps.txt\",\"user\":\"root\","
                + "\"pid\":\"1\",\"ppid\":\"0\",\"process\":\"launchd\",\"path\":\"/sbin/launchd\",\"command\":"
                + "\"/sbin/launchd\",\"started\":\"8:04PM\"}");
    }

    @Test
    void unusualFoldersAreMedium() throws Exception {
        ModuleResult r = run(folder(Map.of("ps.txt", PS)), Indicators.empty());
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                tuple(Level.MEDIUM, "Process rolexd (PID 666) is running from"
                        + " /private/var/db/com.apple.xpc.roleaccountd.staging/rolexd, under /private/var/db/, a system"
                        + " database folder, where no Apple daemon lives: Apple daemons and App Store apps do not run"
                        + " from there"),
                tuple(Level.MEDIUM, "Process helper (PID 667) is running from /var/tmp/helper, under"
                        + " /private/var/tmp/, a temporary folder: Apple daemons and App Store apps do not run from"
                        + " there"),
                tuple(Level.MEDIUM, "Process bh (PID 668) is running from /private/var/mobile/Library/bh, under"
                        + " /private/var/mobile/ outside an app bundle: Apple daemons and App Store apps do not run"
                        + " from there"));
        assertThat(r.alerts()).allMatch(a -> a.matchedIndicator() == null);
    }

    @Test
    void processAndPathIndicatorsAreCritical() throws Exception {
        Path top = folder(Map.of("ps.txt", PS));
        ModuleResult byName = run(top, iocs(IndicatorType.PROCESSES, "imagent"));
        List<Alert> critical = byName.alerts().stream().filter(a -> a.level() == Level.CRITICAL).toList();
        assertThat(critical).hasSize(1);
        assertThat(critical.get(0).matchedIndicator().value()).isEqualTo("imagent");
        assertThat(critical.get(0).message()).isEqualTo(
                "Found a known suspicious process name \"imagent\" matching indicators from \"Test\"");
        ModuleResult byPath = run(top, iocs(IndicatorType.FILE_PATHS,
                "/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd"));
        critical = byPath.alerts().stream().filter(a -> a.level() == Level.CRITICAL).toList();
        assertThat(critical).hasSize(1);
        assertThat(critical.get(0).matchedIndicator().value())
                .isEqualTo("/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd");
        assertThat(run(top, iocs(IndicatorType.PROCESSES, "notthere")).alerts())
                .noneMatch(a -> a.level() == Level.CRITICAL);
    }

    @Test
    void threadListingAndOtherColumnOrdersInATarGz() throws Exception {
        String psThread = String.join("\n",
                "USER     PID   TT   %CPU STAT PRI     STIME     UTIME COMMAND",
                "root       1   ??    0.0 S    31T   0:00.39   0:00.13 /sbin/launchd",
                "           1         0.0 S    20T   0:00.00   0:00.00",
                "mobile    77   ??    0.0 S    31T   0:00.01   0:00.01 /usr/sbin/mDNSResponder",
                "");
        Path tgz = new TarFixture().dir(TOP + "/")
                .file(TOP + "/sysdiagnose.log", "x\n")
                .file(TOP + "/ps.txt", "PID COMMAND\n  5 /usr/libexec/keybagd\n")
                .file(TOP + "/ps_thread.txt", psThread)
                .writeTarGz(tmp.resolve("sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329.tar.gz"));
        ModuleResult r = run(tgz, Indicators.empty());
        assertThat(records(r)).containsExactly(
                new SysdiagnoseProcesses.Process("ps.txt", "", "5", "", "keybagd", "/usr/libexec/keybagd",
                        "/usr/libexec/keybagd", ""),
                new SysdiagnoseProcesses.Process("ps_thread.txt", "root", "1", "", "launchd", "/sbin/launchd",
                        "/sbin/launchd", ""),
                new SysdiagnoseProcesses.Process("ps_thread.txt", "mobile", "77", "", "mDNSResponder",
                        "/usr/sbin/mDNSResponder", "/usr/sbin/mDNSResponder", ""));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void noHeaderGivesNoRecordsAndBadBytesDoNotFail() throws Exception {
        byte[] bad = "PID COMMAND\n  9 /usr/bin/\u00e9x\n".getBytes(StandardCharsets.ISO_8859_1);
        Path top = folder(Map.of("ps_thread.txt", "garbage\nno header here\n"));
        Files.write(top.resolve("ps.txt"), bad);
        ModuleResult r = run(top, Indicators.empty());
        assertThat(records(r)).containsExactly(new SysdiagnoseProcesses.Process("ps.txt", "", "9", "",
                "\ufffdx", "/usr/bin/\ufffdx", "/usr/bin/\ufffdx", ""));
    }

    @Test
    void missingListingIsNotPresent() throws Exception {
        Path top = folder(Map.of("other.txt", "x"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessage("process listing not found (ps.txt, ps_thread.txt)");
        }
    }

    @Test
    void executableExtraction() {
        assertThat(SysdiagnoseProcesses.executable("/a/b c")).isEqualTo("/a/b");
        assertThat(SysdiagnoseProcesses.executable("/x/A B.app/A B")).isEqualTo("/x/A B.app/A B");
        assertThat(SysdiagnoseProcesses.executable("/x/A.app/PlugIns/W.appex/W -x")).isEqualTo(
                "/x/A.app/PlugIns/W.appex/W");
        assertThat(SysdiagnoseProcesses.executable("launchd")).isEmpty();
    }

    @Test
    void recheckOfSavedResults() throws Exception {
        JsonNode saved = JSON.readTree("[{\"path\": \"/usr/libexec/imagent\", \"process\": \"imagent\"},"
                + " {\"path\": \"/usr/libexec/imagent\", \"process\": \"imagent\"}]");
        List<Alert> alerts = module.recheck(saved, iocs(IndicatorType.PROCESSES, "imagent"));
        assertThat(alerts).extracting(Alert::level).containsExactly(Level.CRITICAL);
        assertThat(module.recheck(saved, Indicators.empty())).isEmpty();
    }
}
