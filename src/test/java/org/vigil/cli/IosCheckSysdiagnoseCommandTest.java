package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.io.Hashing;
import org.vigil.ioc.update.UserEnvironment;
import org.vigil.modules.ModuleRegistry;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;
import org.vigil.source.sysdiagnose.TarFixture;
import org.vigil.testing.SharedData;
import picocli.CommandLine;

class IosCheckSysdiagnoseCommandTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final String LOG = "sysdiagnose_2024.01.02_03-04-05+0200.tar.gz\n";
    static final String SHUTDOWN = "remaining client pid: 100 (/private/var/tmp/helperd)\nSIGTERM: [1700000000]\n";

    @TempDir
    Path tmp;

    record Result(int exitCode, String out, String err) {}

    /** Runs the CLI with this command under `ios` (added here when the lead has not registered it yet). */
    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        UserEnvironment env = new UserEnvironment(Map.of("VIGIL_DATA_DIR", tmp.resolve("data").toString()), tmp,
                "Linux");
        CommandLine cl = VigilCommand.commandLine(env, Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"),
                ZoneOffset.UTC), PasswordPrompt.none());
        CommandLine ios = cl.getSubcommands().get("ios");
        if (!ios.getSubcommands().containsKey("check-sysdiagnose")) {
            ios.addSubcommand(new IosCheckSysdiagnoseCommand());
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), out.toString(), err.toString());
    }

    private static boolean registered() throws Exception {
        Path probe = Files.createTempDirectory("vigil-probe-");
        try {
            Path top = Files.createDirectories(probe.resolve(TOP));
            Files.writeString(top.resolve("sysdiagnose.log"), LOG);
            return SourceDetector.standard().detect(probe) == SourceKind.IOS_SYSDIAGNOSE
                    && !ModuleRegistry.forKind(SourceKind.IOS_SYSDIAGNOSE).isEmpty();
        } catch (org.vigil.core.VigilException e) {
            return false;
        } finally {
            Files.deleteIfExists(probe.resolve(TOP).resolve("sysdiagnose.log"));
            Files.deleteIfExists(probe.resolve(TOP));
            Files.deleteIfExists(probe);
        }
    }

    @Test
    void helpNamesTheCommand() {
        Result r = run("ios", "check-sysdiagnose", "--help");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("Usage: vigil ios check-sysdiagnose").contains("SYSDIAGNOSE_PATH")
                .contains("--iocs").contains("--output");
    }

    @Test
    void missingPathIsInputNotFound() {
        Result r = run("ios", "check-sysdiagnose", tmp.resolve("nope.tar.gz").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(r.err()).contains("nope.tar.gz: no such file or folder");
    }

    @Test
    void aBackupIsNotASysdiagnose() {
        Path backup = SharedData.require("testdata/mvt-artifacts/ios_backup");
        Result r = run("ios", "check-sysdiagnose", backup.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(r.err()).contains("this is a iOS backup, not what `vigil ios check-sysdiagnose` reads");
    }

    /** End to end; runs once the lead registers SysdiagnoseProbe and ShutdownLog (skipped before). */
    @Test
    void folderAndArchiveGiveTheSameResults() throws Exception {
        assumeTrue(registered(), "SysdiagnoseProbe / ShutdownLog not registered in SourceDetector/ModuleRegistry yet");
        Path top = Files.createDirectories(tmp.resolve("folder").resolve(TOP)
                .resolve("system_logs.logarchive/Extra"));
        Files.writeString(tmp.resolve("folder").resolve(TOP).resolve("sysdiagnose.log"), LOG);
        Files.writeString(top.resolve("shutdown.log"), SHUTDOWN);
        Path gz = new TarFixture().file(TOP + "/sysdiagnose.log", LOG)
                .file(TOP + "/system_logs.logarchive/Extra/shutdown.log", SHUTDOWN)
                .symlink(TOP + "/evil", "/etc/passwd").file(TOP + "/../escape.txt", "x")
                .writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        String hash = Hashing.sha256Hex(gz);
        ObjectMapper json = new ObjectMapper();
        for (Path input : new Path[] {tmp.resolve("folder"), gz}) {
            Path out = tmp.resolve("out-" + input.getFileName());
            Result r = run("ios", "check-sysdiagnose", input.toString(), "-o", out.toString());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
            JsonNode records = json.readTree(out.resolve("shutdown_log.json").toFile());
            assertThat(records).hasSize(1);
            assertThat(records.get(0).get("client").asText()).isEqualTo("/private/var/tmp/helperd");
            assertThat(records.get(0).get("isodate").asText()).isEqualTo("2023-11-14 22:13:20.000000");
            JsonNode alerts = json.readTree(out.resolve("alerts.json").toFile());
            assertThat(alerts).hasSize(1);
            assertThat(alerts.get(0).get("level").asText()).isEqualTo("HIGH");
            assertThat(alerts.get(0).get("module").asText()).isEqualTo("shutdown_log");
        }
        assertThat(Hashing.sha256Hex(gz)).isEqualTo(hash);
        assertThat(tmp.resolve("escape.txt")).doesNotExist();
    }

    @Test
    void infoJsonCarriesTheModelAndVersionFromInsideTheArchive() throws Exception {
        assumeTrue(registered(), "SysdiagnoseProbe not registered in SourceDetector yet");
        Path gz = new TarFixture().file(TOP + "/sysdiagnose.log", LOG)
                .file(TOP + "/remotectl_dumpstate.txt", "Found device: local\n\tProperties: {\n"
                        + "\t\tProductType => iPhone14,2\n\t\tOSVersion => 17.0.3\n\t}\n")
                .file(TOP + "/logs/SystemVersion/SystemVersion.plist", "<?xml version=\"1.0\"?><plist version=\"1.0\">"
                        + "<dict><key>ProductName</key><string>iPhone OS</string><key>ProductVersion</key>"
                        + "<string>17.0.3</string><key>ProductBuildVersion</key><string>21A360</string></dict></plist>")
                .writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        Path out = tmp.resolve("out-info");
        Result r = run("ios", "check-sysdiagnose", gz.toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.OK);
        JsonNode info = new ObjectMapper().readTree(out.resolve("info.json").toFile());
        String device = info.toString();
        assertThat(device).contains("\"Product Type\":\"iPhone14,2\"").contains("\"Product Version\":\"17.0.3\"")
                .contains("\"Product Name\":\"iPhone OS\"");
        JsonNode sysinfo = new ObjectMapper().readTree(out.resolve("sysdiagnose_info.json").toFile());
        assertThat(sysinfo.get("ProductType").asText()).isEqualTo("iPhone14,2");
        assertThat(sysinfo.get("SystemVersion.ProductBuildVersion").asText()).isEqualTo("21A360");
    }
}
