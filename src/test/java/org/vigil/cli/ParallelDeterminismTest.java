package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.demo.BackupWriter;
import org.vigil.demo.DataUsageDb;
import org.vigil.demo.DemoScenario;
import org.vigil.demo.FileTimes;
import org.vigil.demo.SafariHistoryDb;
import org.vigil.demo.SmsDb;
import org.vigil.testing.SharedData;

/**
 * {@code --jobs 1} (modules one after the other, as before) and {@code --jobs 4} (modules at the
 * same time) write the same bytes: every output file but command.log (run times), on the demo
 * backup, on a backup where several modules have timeline rows at the same instant and repeated
 * rows, and on MVT's sample backup.
 */
class ParallelDeterminismTest {
    /** The instant every artifact of the tie backup happens at. */
    private static final Instant T = Instant.parse("2023-05-06T07:08:09Z");
    private static final String T_ISO = "2023-05-06 07:08:09.000000";

    @TempDir
    Path tmp;

    /** Runs {@code ios check-backup} with {@code --jobs jobs}; returns the output files but command.log. */
    private Map<String, byte[]> check(Path backup, Path iocs, int jobs, String name) throws Exception {
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("ios", "check-backup", "--jobs", String.valueOf(jobs), "-o",
                out.toString()));
        if (iocs != null) {
            args.addAll(List.of("--iocs", iocs.toString()));
        }
        args.add(backup.toString());
        CliRunner.Result r = new CliRunner(tmp.resolve("home-" + name)).run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        String log = Files.readString(out.resolve("command.log"));
        if (jobs > 1) {
            assertThat(log).contains("modules on up to " + jobs + " threads"); // really ran concurrently
        } else {
            assertThat(log).doesNotContain(" threads");
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.sorted().toList()) {
                if (!p.getFileName().toString().equals("command.log")) {
                    files.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        // the console's module lines come in module order too
        List<String> lines = r.out().lines().filter(l -> l.matches("\\s+\\[\\s*\\d+/\\d+\\] .*")).toList();
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).as("module line %d", i + 1).contains("[" + pad(i + 1, lines.size()) + "/");
        }
        return files;
    }

    private static String pad(int i, int total) {
        String s = String.valueOf(i);
        return " ".repeat(String.valueOf(total).length() - s.length()) + s;
    }

    private static void assertSameBytes(Map<String, byte[]> serial, Map<String, byte[]> parallel) {
        assertThat(parallel.keySet()).isEqualTo(serial.keySet());
        for (String name : serial.keySet()) {
            assertThat(new String(parallel.get(name), StandardCharsets.UTF_8)).as(name)
                    .isEqualTo(new String(serial.get(name), StandardCharsets.UTF_8));
        }
    }

    @Test
    void theDemoBackupGivesTheSameBytes() throws Exception {
        Path backup = tmp.resolve("demo-backup");
        Path stix = tmp.resolve("demo.stix2");
        DemoScenario.write(backup, stix);
        Map<String, byte[]> serial = check(backup, stix, 1, "serial");
        Map<String, byte[]> parallel = check(backup, stix, 4, "parallel");
        assertThat(serial).containsKeys("sms.json", "safari_history.json", "datausage.json", "manifest.json",
                "timeline.csv", "alerts.json", "coverage.json", "report.html");
        assertSameBytes(serial, parallel);
    }

    /**
     * A backup whose Manifest rows, messages, Safari visits and data usage all happen at {@link #T},
     * with repeated messages, and usage rows that give the same timeline row several times in one
     * module.
     */
    private Path tieBackup() throws Exception {
        Path backup = tmp.resolve("tie-backup");
        SmsDb sms = new SmsDb().handle(new SmsDb.Handle(1, "+12025550101", "iMessage"))
                .handle(new SmsDb.Handle(2, "+12025550102", "SMS"));
        for (int i = 1; i <= 40; i++) {
            // every third message repeats the previous one's text and sender
            String text = i % 3 == 0 ? "Message " + (i - 1) : "Message " + i;
            long handle = i % 3 == 0 ? (i - 1) % 2 + 1 : i % 2 + 1;
            sms.message(new SmsDb.Message(i, "guid-" + i, text, handle, handle == 2 ? "SMS" : "iMessage", T,
                    i % 2 == 0 ? T : null, false));
        }
        SafariHistoryDb history = new SafariHistoryDb();
        for (int i = 1; i <= 12; i++) {
            history.item(new SafariHistoryDb.Item(i, "https://site" + i + ".example.com/"));
            history.visit(new SafariHistoryDb.Visit(i, i, T, "Site " + i, null, null));
        }
        DataUsageDb usage = new DataUsageDb("4C1D7A52-2E0B-4F8D-9A63-DE70DE700002");
        long live = 1;
        for (int p = 1; p <= 8; p++) {
            usage.process(new DataUsageDb.Process(p, "proc" + p, p % 2 == 0 ? "com.example.app" + p : null, T, T));
            for (int k = 0; k < 3; k++) { // three identical usage rows: repeated first/current usage rows
                usage.liveUsage(new DataUsageDb.LiveUsage(live++, p, T, 100, 200, 300, 400));
            }
        }
        FileTimes at = FileTimes.of(T.getEpochSecond());
        new BackupWriter(backup).info(DemoScenario.device())
                .addFile("HomeDomain", "Library/SMS/sms.db", sms.toBytes(), at)
                .addFile("HomeDomain", "Library/Safari/History.db", history.toBytes(), at)
                .addFile("WirelessDomain", "Library/Databases/DataUsage.sqlite", usage.toBytes(), at)
                .addFile("HomeDomain", "Library/Notes/a.txt", "a".getBytes(StandardCharsets.UTF_8), at)
                .addFile("HomeDomain", "Library/Notes/b.txt", "b".getBytes(StandardCharsets.UTF_8), at)
                .write();
        return backup;
    }

    @Test
    void rowsAtTheSameInstantFromSeveralModulesKeepModuleOrder() throws Exception {
        Path backup = tieBackup();
        Map<String, byte[]> serial = check(backup, null, 1, "serial");
        Map<String, byte[]> parallel = check(backup, null, 4, "parallel");
        assertSameBytes(serial, parallel);

        // several modules have rows at T; in timeline.csv they come in module order, each module's
        // rows in the order it produced them (MVT's stable sort of the modules' rows concatenated)
        List<String> atT = new String(parallel.get("timeline.csv"), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("\"" + T_ISO + "\""))
                .map(l -> l.split("\",\"")[1]).toList();
        LinkedHashSet<String> plugins = new LinkedHashSet<>(atT);
        assertThat(plugins).containsExactly("Manifest", "Datausage", "SafariHistory", "SMS");
        List<String> grouped = new ArrayList<>();
        for (String p : plugins) {
            atT.stream().filter(p::equals).forEach(grouped::add);
        }
        assertThat(atT).isEqualTo(grouped); // one block per module, no interleaving
        // a message's rows name its guid, so repeated texts stay distinct: 40 received, 20 read
        assertThat(atT.stream().filter("SMS"::equals).count()).isEqualTo(40 + 20);
        // repeated rows are dropped within a module: the three alike usage rows of a process give one
        // live_usage, one first_usage and one current_usage row instead of three each
        assertThat(atT.stream().filter("Datausage"::equals).count()).isEqualTo(8 * 3);
        assertThat(atT.stream().filter("SafariHistory"::equals).count()).isEqualTo(12);
    }

    @Test
    void jobsOutsideOneToSixtyFourIsAUsageError() throws Exception {
        Path backup = tieBackup();
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        for (String jobs : List.of("0", "65", "-3")) {
            CliRunner.Result r = cli.run("ios", "check-backup", "--jobs", jobs, backup.toString());
            assertThat(r.exitCode()).as(jobs).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("--jobs must be between 1 and 64 (got " + jobs + ")");
        }
        CliRunner.Result r = cli.run("ios", "check-backup", "--jobs", "many", backup.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--jobs");
    }

    @Test
    void mvtsSampleBackupGivesTheSameBytes() throws Exception {
        Path backup = SharedData.iosBackup();
        Path iocs = SharedData.generatedIocs();
        Map<String, byte[]> serial = check(backup, iocs, 1, "serial");
        Map<String, byte[]> parallel = check(backup, iocs, 4, "parallel");
        assertThat(serial).containsKeys("manifest.json", "timeline.csv");
        assertSameBytes(serial, parallel);
    }
}
