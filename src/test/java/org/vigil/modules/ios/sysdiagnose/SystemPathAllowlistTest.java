package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;

class SystemPathAllowlistTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    /** A made-up Apple-looking daemon the test list allows. */
    static final String ALLOWED = "/private/var/db/com.apple.example/exampled";
    /** Paths of published indicators (mvt-indicators: QuaDream, Pegasus; field notes H6). */
    static final List<String> IMPLANTS = List.of("/private/var/db/com.apple.xpc.roleaccountd.staging/subridged",
            "/private/var/tmp/UserEventAgent", "/private/var/tmp/com.apple.WebKit.Networking");

    static final SystemPathAllowlist TEST_LIST = SystemPathAllowlist.parse(List.of(
            "# a documented test entry", ALLOWED, "/var/tmp/com.apple.example/  # a folder, /var spelling"), "test");

    @TempDir
    Path tmp;

    @Test
    void shippedListParsesAndIsEmptyAsDocumented() {
        assertThat(SystemPathAllowlist.builtIn().size()).isZero();
        assertThat(SystemPathAllowlist.builtIn().allows(ALLOWED)).isFalse();
    }

    @Test
    void entriesMatchExactlyOrByFolder() {
        assertThat(TEST_LIST.size()).isEqualTo(2);
        assertThat(TEST_LIST.allows(ALLOWED)).isTrue();
        assertThat(TEST_LIST.allows("/var/db/com.apple.example/exampled")).isTrue();
        assertThat(TEST_LIST.allows(ALLOWED + "2")).isFalse();
        assertThat(TEST_LIST.allows("/private/var/tmp/com.apple.example/helper")).isTrue();
        assertThat(TEST_LIST.allows("/private/var/tmp/com.apple.example/../hooker")).isFalse();
        assertThat(TEST_LIST.allows("/private/var/tmp/com.apple.example/com.apple.xpc.roleaccountd.staging/x"))
                .isFalse();
        for (String implant : IMPLANTS) {
            assertThat(TEST_LIST.allows(implant)).as(implant).isFalse();
        }
    }

    @Test
    void refusesEntriesThatWouldHideImplants() {
        assertThatThrownBy(() -> SystemPathAllowlist.parse(List.of("# ok", "/private/var/db/"), "f"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("f line 2: \"/private/var/db/\"");
        assertThatThrownBy(() -> SystemPathAllowlist.parse(List.of(
                "/private/var/db/com.apple.xpc.roleaccountd.staging/"), "f"))
                .hasMessageContaining("never allowlisted");
        assertThatThrownBy(() -> SystemPathAllowlist.parse(List.of("/usr/libexec/keybagd"), "f"))
                .hasMessageContaining("not strictly inside");
        assertThatThrownBy(() -> SystemPathAllowlist.parse(List.of("/private/var/db/x/../../tmp/"), "f"))
                .hasMessageContaining("not a plain absolute path");
    }

    private Path sysdiagnose() throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top.resolve("system_logs.logarchive/Extra"));
        Files.writeString(top.resolve("sysdiagnose.log"), "x\n");
        StringBuilder shutdown = new StringBuilder("After 0.5s, these clients are still here:\n");
        StringBuilder ps = new StringBuilder("USER PID COMMAND\n");
        int pid = 100;
        for (String path : concat(ALLOWED, IMPLANTS)) {
            shutdown.append("\t\tremaining client pid: ").append(pid).append(" (").append(path).append(")\n");
            ps.append("root ").append(pid++).append(' ').append(path).append('\n');
        }
        shutdown.append("SIGTERM: [1700000000] All buffers flushed\n");
        Files.writeString(top.resolve("system_logs.logarchive/Extra/shutdown.log"), shutdown);
        Files.writeString(top.resolve("ps.txt"), ps);
        return top;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static ModuleResult run(org.vigil.core.Module module, Path top, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            return module.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    @Test
    void shutdownLogSkipsAllowlistedPathsButNotImplants() throws Exception {
        Path top = sysdiagnose();
        List<Alert> alerts = run(new ShutdownLog(TEST_LIST), top, Indicators.empty()).alerts();
        assertThat(alerts).allMatch(a -> a.level() == Level.HIGH).hasSize(IMPLANTS.size());
        assertThat(alerts).noneMatch(a -> a.message().contains(ALLOWED));
        for (String implant : IMPLANTS) {
            assertThat(alerts).anyMatch(a -> a.message().contains(implant));
        }
        // without the list the same path alerts: the list is what silences it
        assertThat(run(new ShutdownLog(SystemPathAllowlist.empty()), top, Indicators.empty()).alerts())
                .hasSize(IMPLANTS.size() + 1);
        // an indicator on an allowlisted path still matches
        Indicators iocs = Indicators.builder().add(IndicatorType.FILE_PATHS, ALLOWED, "T", "t.stix2").build();
        assertThat(run(new ShutdownLog(TEST_LIST), top, iocs).alerts()).anyMatch(a -> a.level() == Level.CRITICAL);
    }

    @Test
    void processListingSkipsAllowlistedPathsButNotImplants() throws Exception {
        Path top = sysdiagnose();
        List<Alert> alerts = run(new SysdiagnoseProcesses(TEST_LIST), top, Indicators.empty()).alerts();
        assertThat(alerts).allMatch(a -> a.level() == Level.MEDIUM).hasSize(IMPLANTS.size());
        assertThat(alerts).noneMatch(a -> a.message().contains(ALLOWED));
        assertThat(run(new SysdiagnoseProcesses(SystemPathAllowlist.empty()), top, Indicators.empty()).alerts())
                .hasSize(IMPLANTS.size() + 1);
        Indicators iocs = Indicators.builder().add(IndicatorType.FILE_PATHS, ALLOWED, "T", "t.stix2").build();
        assertThat(run(new SysdiagnoseProcesses(TEST_LIST), top, iocs).alerts())
                .anyMatch(a -> a.level() == Level.CRITICAL);
    }
}
