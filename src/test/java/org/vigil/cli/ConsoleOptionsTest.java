package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vigil.demo.DemoScenario;

/**
 * The console options of the check commands: --quiet, --json-summary, --fail-on, colour, and
 * progress only on a terminal. Runs on the synthetic demo backup (alerts of every level but
 * INFORMATIONAL with its indicator file; one MEDIUM heuristic alert in safari_history alone; no
 * alert in applications).
 */
class ConsoleOptionsTest {
    private static final String ESC = "\u001b[";

    @TempDir
    static Path tmp;
    static Path backup;
    static Path stix;

    @BeforeAll
    static void makeBackup() throws Exception {
        backup = tmp.resolve("backup");
        stix = tmp.resolve("demo.stix2");
        DemoScenario.write(backup, stix);
    }

    private static CliRunner cli() {
        return cli(Tty.none(), Map.of());
    }

    private static CliRunner cli(Tty tty, Map<String, String> vars) {
        Map<String, String> env = new java.util.HashMap<>(vars);
        env.put("VIGIL_DATA_DIR", tmp.resolve("home/data").toString());
        return new CliRunner(tmp.resolve("home"), env, PasswordPrompt.none(), tty);
    }

    private static Path out(String name) {
        return tmp.resolve("out-" + name + "-" + System.nanoTime());
    }

    @Test
    void quietPrintsNothingButStillWritesTheResults() throws Exception {
        Path out = out("quiet");
        CliRunner.Result r = cli().run("ios", "check-backup", "-q", "--iocs", stix.toString(), "-o", out.toString(),
                backup.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(CheckCommandTest.json(out.resolve("alerts.json")).size()).isEqualTo(7);
    }

    @Test
    void quietStillPrintsErrors() {
        CliRunner.Result r = cli().run("check", "-q", tmp.resolve("nothing-here").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("vigil: error: ").contains("nothing-here: no such file or folder");
    }

    @Test
    void jsonSummaryIsTheOnlyThingOnStandardOutput() throws Exception {
        Path out = out("json");
        CliRunner.Result r = cli().run("ios", "check-backup", "--json-summary", "--iocs", stix.toString(),
                "-o", out.toString(), backup.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().count()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("summary_schema", "vigil_version", "command", "input", "source_kind", "output",
                "report", "modules", "not_checked", "alerts", "highest_level", "indicators", "verdict", "fail_on",
                "exit_code", "error");
        assertThat(j.get("summary_schema").asInt()).isEqualTo(1);
        assertThat(j.get("command").asText()).isEqualTo("ios check-backup");
        assertThat(j.get("input").asText()).isEqualTo(backup.toAbsolutePath().normalize().toString());
        assertThat(j.get("source_kind").asText()).isEqualTo("iOS backup");
        assertThat(j.get("output").asText()).isEqualTo(out.toAbsolutePath().normalize().toString());
        assertThat(j.get("report").isNull()).isTrue();
        assertThat(j.get("modules").toString())
                .isEqualTo("{\"total\":28,\"checked\":8,\"not_present\":20,\"unreadable\":0,\"failed\":0}");
        assertThat(j.get("not_checked").size()).isZero();
        assertThat(j.get("alerts").toString()).isEqualTo(
                "{\"total\":7,\"critical\":3,\"high\":2,\"medium\":1,\"low\":1,\"informational\":0}");
        assertThat(j.get("highest_level").asText()).isEqualTo("CRITICAL");
        assertThat(j.get("indicators").get("files").asInt()).isEqualTo(1);
        assertThat(j.get("verdict").asText()).isEqualTo("traces_found");
        assertThat(j.get("fail_on").isNull()).isTrue();
        assertThat(j.get("exit_code").asInt()).isZero();
        assertThat(j.get("error").isNull()).isTrue();
        // the human-readable lines moved to standard error
        assertThat(r.err()).contains("Summary").contains("Modules by status").contains("not proof");
    }

    @Test
    void jsonSummaryWithQuietIsTheOnlyOutputAndNamesTheReportWhenThereIsOne() throws Exception {
        Path out = out("report");
        Files.createDirectories(out);
        // a report.html beside the outputs (written by the report step when present) is named
        Files.writeString(out.resolve("report.html"), "<html></html>");
        CliRunner.Result r = cli().run("ios", "check-backup", "-q", "--json-summary", "-m", "applications",
                "-o", out.toString(), backup.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("report").asText()).isEqualTo(out.resolve("report.html").toAbsolutePath().toString());
        assertThat(j.get("verdict").asText()).isEqualTo("nothing_found");
        assertThat(j.get("highest_level").isNull()).isTrue();
        assertThat(j.get("modules").get("total").asInt()).isEqualTo(1);
    }

    @Test
    void jsonSummaryIsPrintedWhenTheCheckFails() throws Exception {
        CliRunner.Result r = cli().run("check", "--json-summary", tmp.resolve("nothing-here").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("exit_code").asInt()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(j.get("error").asText()).endsWith("nothing-here: no such file or folder");
        assertThat(j.get("command").asText()).isEqualTo("check");
        assertThat(j.get("modules").isNull()).isTrue();
        assertThat(j.get("verdict").isNull()).isTrue();
        assertThat(r.err()).contains("vigil: error: ");
    }

    @ParameterizedTest(name = "{0} with --fail-on {1} exits {2}")
    @CsvSource({
        // safari_history alone raises one MEDIUM alert (a redirect heuristic)
        "safari_history, critical, 0",
        "safari_history, HIGH, 0",
        "safari_history, medium, 11",
        "safari_history, low, 11",
        "safari_history, informational, 11",
        "safari_history, info, 11",
        // applications raises none
        "applications, informational, 0",
        "applications, critical, 0",
        // datausage raises HIGH and LOW
        "datausage, critical, 0",
        "datausage, high, 11",
    })
    void failOnSetsItsExitCodeOnlyWhenAnAlertReachesTheLevel(String module, String level, int code) throws Exception {
        CliRunner.Result r = cli().run("ios", "check-backup", "--json-summary", "--fail-on", level, "-m", module,
                backup.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(code);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("exit_code").asInt()).isEqualTo(code);
        assertThat(j.get("fail_on").asText()).isEqualTo(ConsoleOptions.LevelConverter.class.cast(
                new ConsoleOptions.LevelConverter()).convert(level).name());
    }

    @Test
    void withoutFailOnACheckWithAlertsExitsZero() {
        CliRunner.Result r = cli().run("ios", "check-backup", "-q", "--iocs", stix.toString(), backup.toString());
        assertThat(r.exitCode()).isZero();
        CliRunner.Result f = cli().run("ios", "check-backup", "-q", "--fail-on", "critical", "--iocs", stix.toString(),
                backup.toString());
        assertThat(f.exitCode()).isEqualTo(ExitCodes.ALERTS_FOUND);
    }

    @Test
    void anUnknownLevelIsAUsageError() {
        CliRunner.Result r = cli().run("check", "--fail-on", "severe", backup.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--fail-on").contains("expected critical, high, medium, low or informational");
    }

    @Test
    void noColourWhenPipedOrWithNoColorOrNever() {
        List<CliRunner.Result> plain = List.of(
                cli().run("ios", "check-backup", "--iocs", stix.toString(), backup.toString()),
                cli(new Tty(true, true), Map.of("NO_COLOR", "1")).run("ios", "check-backup", "--iocs",
                        stix.toString(), backup.toString()),
                cli(new Tty(true, true), Map.of()).run("ios", "check-backup", "--no-color", "--iocs",
                        stix.toString(), backup.toString()),
                cli(new Tty(true, true), Map.of()).run("ios", "check-backup", "--color=never", "--iocs",
                        stix.toString(), backup.toString()),
                cli(new Tty(true, true), Map.of("TERM", "dumb")).run("ios", "check-backup", "--iocs",
                        stix.toString(), backup.toString()));
        for (CliRunner.Result r : plain) {
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("Summary").doesNotContain(ESC);
            assertThat(r.err()).doesNotContain(ESC);
        }
    }

    @Test
    void colourOnATerminalOrWhenForced() {
        List<CliRunner.Result> coloured = List.of(
                cli(new Tty(true, false), Map.of()).run("ios", "check-backup", "--iocs", stix.toString(),
                        backup.toString()),
                cli().run("ios", "check-backup", "--color=always", "--iocs", stix.toString(), backup.toString()),
                // a command-line choice overrides NO_COLOR (no-color.org)
                cli(Tty.none(), Map.of("NO_COLOR", "1")).run("ios", "check-backup", "--color", "ALWAYS", "--iocs",
                        stix.toString(), backup.toString()));
        for (CliRunner.Result r : coloured) {
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains(ESC + "32mchecked" + ESC + "0m").contains(ESC + "1m" + ESC + "31mCRITICAL");
        }
        // with --json-summary the human lines are on standard error: coloured when that is the terminal
        CliRunner.Result j = cli(new Tty(false, true), Map.of()).run("ios", "check-backup", "--json-summary",
                "--iocs", stix.toString(), backup.toString());
        assertThat(j.out()).doesNotContain(ESC);
        assertThat(j.err()).contains(ESC + "32mchecked");
    }

    @Test
    void progressAndEscapesNeverReachTheOutputFiles() throws Exception {
        Path out = out("files");
        CliRunner.Result r = cli(new Tty(true, true), Map.of()).run("ios", "check-backup", "--hashes", "--iocs",
                stix.toString(), "-o", out.toString(), backup.toString());
        assertThat(r.exitCode()).isZero();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                String text = Files.readString(f);
                assertThat(text).as(f.toString()).doesNotContain(ESC);
                if (!f.toString().endsWith(".csv")) { // CSV rows end with CRLF (RFC 4180)
                    assertThat(text).as(f.toString()).doesNotContain("\r");
                }
            }
        }
    }

    @Test
    void progressIsDrawnOnlyWhenStandardErrorIsATerminalAndNotQuiet() {
        Map<String, String> env = Map.of();
        java.io.PrintWriter sink = new java.io.PrintWriter(new java.io.StringWriter());
        assertThat(Console.create(new ConsoleOptions(), sink, sink, Tty.none(), env).progress())
                .isNotInstanceOf(TerminalProgress.class);
        assertThat(Console.create(new ConsoleOptions(), sink, sink, new Tty(true, false), env).progress())
                .isNotInstanceOf(TerminalProgress.class);
        assertThat(Console.create(new ConsoleOptions(), sink, sink, new Tty(false, true), env).progress())
                .isInstanceOf(TerminalProgress.class);
        ConsoleOptions quiet = new ConsoleOptions();
        quiet.quiet = true;
        assertThat(Console.create(quiet, sink, sink, new Tty(true, true), env).progress())
                .isNotInstanceOf(TerminalProgress.class);
        // and a piped run writes no progress line (no carriage return) anywhere
        CliRunner.Result r = cli().run("ios", "check-backup", "--hashes", "--iocs", stix.toString(), backup.toString());
        assertThat(r.out() + r.err()).doesNotContain("\r");
    }

    @Test
    void everyCheckCommandHasTheConsoleOptions() {
        for (String[] cmd : List.of(new String[] {"check"}, new String[] {"ios", "check-backup"},
                new String[] {"ios", "check-sysdiagnose"}, new String[] {"android", "check-androidqf"},
                new String[] {"android", "check-bugreport"}, new String[] {"android", "check-backup"},
                new String[] {"android", "check-intrusion-logs"}, new String[] {"check-iocs"},
                new String[] {"demo"})) {
            String[] args = Stream.concat(Stream.of(cmd), Stream.of("--help")).toArray(String[]::new);
            CliRunner.Result r = cli().run(args);
            assertThat(r.out()).as(String.join(" ", cmd)).contains("--quiet", "--json-summary", "--fail-on=LEVEL",
                    "--color=WHEN", "--no-color", "11 --fail-on LEVEL");
        }
    }

    @Test
    void checkIocsAndDemoShareTheOptions() throws Exception {
        Path out = out("recheck");
        assertThat(cli().run("ios", "check-backup", "-q", "--iocs", stix.toString(), "-o", out.toString(),
                backup.toString()).exitCode()).isZero();
        CliRunner.Result r = cli().run("check-iocs", "--json-summary", "--fail-on", "critical", "--iocs",
                stix.toString(), out.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.ALERTS_FOUND);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("command").asText()).isEqualTo("check-iocs");
        assertThat(j.get("alerts").get("critical").asInt()).isEqualTo(3);
        assertThat(j.get("output").asText()).isEqualTo(out.resolve("check-iocs").toString());

        CliRunner.Result d = cli().run("demo", "-q", "--json-summary", "--output", tmp.resolve("demo").toString());
        assertThat(d.exitCode()).as(d.err()).isZero();
        assertThat(d.err()).isEmpty();
        assertThat(new ObjectMapper().readTree(d.out()).get("command").asText()).isEqualTo("demo");
    }
}
