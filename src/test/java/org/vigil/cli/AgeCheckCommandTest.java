package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.cli.CheckCommandTest.json;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.io.Hashing;
import org.vigil.source.android.AbFixtures;
import org.vigil.source.android.AgeFixtures;
import org.vigil.source.android.AndroidBackupSource;
import org.vigil.testing.SharedData;

/** {@code --age-identity}: androidqf acquisitions encrypted with age, checked in memory. */
class AgeCheckCommandTest {
    @TempDir
    Path tmp;

    private AgeFixtures.Key key;
    private Path identity;
    private CliRunner cli;

    @BeforeEach
    void setUp() throws Exception {
        key = AgeFixtures.newKey();
        identity = AgeFixtures.identityFile(tmp.resolve("key.txt"), key);
        cli = new CliRunner(tmp.resolve("home"));
    }

    private Path plainAndEncrypted(byte[] zip, String name) throws Exception {
        AgeFixtures.write(tmp.resolve(name + ".zip"), zip);
        return AgeFixtures.write(tmp.resolve(name + ".zip.age"), AgeFixtures.encrypt(zip, false, key));
    }

    /** Every output file but info.json, command.log and report.html (they name the input and the run). */
    private static Map<String, byte[]> outputs(Path dir) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.toList()) {
                String n = f.getFileName().toString();
                if (!n.equals("info.json") && !n.equals("command.log") && !n.equals("report.html")) {
                    files.put(n, Files.readAllBytes(f));
                }
            }
        }
        return files;
    }

    /** Same files, same bytes, once the input's own path (named in coverage reasons) is masked. */
    private static void assertSameOutputs(Path plain, Path zip, Path age, Path agePath) throws Exception {
        Map<String, byte[]> a = outputs(plain);
        Map<String, byte[]> b = outputs(age);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String n : a.keySet()) {
            String x = new String(a.get(n), java.nio.charset.StandardCharsets.UTF_8).replace(zip.toString(), "INPUT");
            String y = new String(b.get(n), java.nio.charset.StandardCharsets.UTF_8).replace(agePath.toString(),
                    "INPUT");
            assertThat(y).as(n).isEqualTo(x);
        }
    }

    @Test
    void anEncryptedAcquisitionGivesWhatItsPlainZipGives() throws Exception {
        Path age = plainAndEncrypted(AgeFixtures.zip(AgeFixtures.androidqf("c1")), "acq");
        String before = Hashing.sha256Hex(age);
        CliRunner.Result p = cli.run("android", "check-androidqf", "-o", tmp.resolve("plain").toString(),
                tmp.resolve("acq.zip").toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        CliRunner.Result e = cli.run("android", "check-androidqf", "--age-identity", identity.toString(), "-o",
                tmp.resolve("age").toString(), age.toString());
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertThat(e.out()).contains("age identity accepted", "Nested adb backup");
        assertSameOutputs(tmp.resolve("plain"), tmp.resolve("acq.zip"), tmp.resolve("age"), age);
        // the modules found what the fixture holds: the nested backup's SMS, the settings, root binaries
        assertThat(json(tmp.resolve("age/sms.json"))).hasSize(1);
        assertThat(json(tmp.resolve("age/root_binaries.json"))).hasSize(1);
        assertThat(json(tmp.resolve("age/alerts.json")).findValuesAsText("module")).contains("aqf_settings",
                "root_binaries");
        assertThat(json(tmp.resolve("age/info.json")).get("target_path").asText()).isEqualTo(age.toString());
        // vigil check detects it
        CliRunner.Result c = cli.run("check", "--age-identity", identity.toString(), "-o", tmp.resolve("check")
                .toString(), age.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertSameOutputs(tmp.resolve("plain"), tmp.resolve("acq.zip"), tmp.resolve("check"), age);
        assertThat(Hashing.sha256Hex(age)).isEqualTo(before);
    }

    @Test
    void theSampleAcquisitionGivesTheSameResultsEncrypted() throws Exception {
        Path qf = SharedData.require("testdata/mvt-artifacts/androidqf");
        Path iocs = SharedData.generatedIocs();
        Path age = plainAndEncrypted(AgeFixtures.zipFolder(qf, "androidqf"), "sample");
        CliRunner.Result p = cli.run("android", "check-androidqf", "--iocs", iocs.toString(), "-o",
                tmp.resolve("plain").toString(), tmp.resolve("sample.zip").toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        CliRunner.Result e = cli.run("android", "check-androidqf", "--iocs", iocs.toString(), "--age-identity",
                identity.toString(), "-o", tmp.resolve("age").toString(), age.toString());
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertSameOutputs(tmp.resolve("plain"), tmp.resolve("sample.zip"), tmp.resolve("age"), age);
        // section 8: the androidqf modules' 10 alerts, plus 7 from the dumpsys modules run on its
        // dumpsys.txt (no bugreport.zip; see AndroidQfNestedBackupTest); 2 SMS from the nested backup
        assertThat(json(tmp.resolve("age/alerts.json"))).hasSize(17);
        assertThat(json(tmp.resolve("age/sms.json"))).hasSize(2);
    }

    @Test
    void missingWrongAndMalformedIdentitiesAndTruncatedFilesHaveTheirExitCodes() throws Exception {
        Path age = plainAndEncrypted(AgeFixtures.zip(AgeFixtures.androidqf("c2")), "x");
        CliRunner.Result none = cli.run("android", "check-androidqf", age.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.ENCRYPTED);
        assertThat(none.err()).contains("this acquisition is age-encrypted: pass --age-identity FILE");
        CliRunner.Result noneCheck = cli.run("check", age.toString());
        assertThat(noneCheck.exitCode()).isEqualTo(ExitCodes.ENCRYPTED);

        Path wrong = AgeFixtures.identityFile(tmp.resolve("wrong.txt"), AgeFixtures.newKey());
        CliRunner.Result w = cli.run("check", "--age-identity", wrong.toString(), age.toString());
        assertThat(w.exitCode()).isEqualTo(ExitCodes.WRONG_PASSWORD);
        assertThat(w.err()).contains("wrong identity");

        Path malformed = Files.writeString(tmp.resolve("malformed.txt"), "# key\nAGE-SECRET-KEY-1NOTAKEY\n");
        CliRunner.Result m = cli.run("check", "--age-identity", malformed.toString(), age.toString());
        assertThat(m.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(m.err()).contains("malformed.txt, line 2");
        CliRunner.Result missing = cli.run("check", "--age-identity", tmp.resolve("nope.txt").toString(),
                age.toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);

        byte[] enc = Files.readAllBytes(age);
        Path cut = AgeFixtures.write(tmp.resolve("cut.zip.age"), Arrays.copyOf(enc, enc.length - 20));
        Path out = tmp.resolve("cut-out");
        CliRunner.Result t = cli.run("check", "--age-identity", identity.toString(), "-o", out.toString(),
                cut.toString());
        assertThat(t.exitCode()).isEqualTo(ExitCodes.INPUT_CORRUPT);
        assertThat(t.err()).contains("truncated or corrupt");
        assertThat(out.resolve("alerts.json")).doesNotExist();

        // an identity given for a plain acquisition is not needed, and not fatal
        CliRunner.Result plain = cli.run("check", "--age-identity", identity.toString(), tmp.resolve("x.zip")
                .toString());
        assertThat(plain.exitCode()).as(plain.err()).isZero();
    }

    @Test
    void anEncryptedBackupInsideAnEncryptedAcquisitionStillNeedsItsPassword() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>(AgeFixtures.androidqf("c3"));
        byte[] tar = new AbFixtures.Tar().file(AndroidBackupSource.TELEPHONY_DF + "000000_sms_backup",
                AbFixtures.zjson("[{\"address\":\"+1\",\"body\":\"hi https://example.org/c3\",\"date\":\"1700000000000\",\"date_sent\":\"0\"}]"))
                .bytes();
        entries.put("androidqf/backup.ab", AbFixtures.abEncrypted(5, true, tar, "123456", 100));
        Path age = plainAndEncrypted(AgeFixtures.zip(entries), "nested");
        CliRunner.Result none = cli.run("check", "--age-identity", identity.toString(), age.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.ENCRYPTED);
        CliRunner.Result wrong = cli.run("check", "--age-identity", identity.toString(), "-p", "nope", age.toString());
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.WRONG_PASSWORD);
        CliRunner.Result ok = cli.run("check", "--age-identity", identity.toString(), "-p", "123456", "-o",
                tmp.resolve("ok").toString(), age.toString());
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(tmp.resolve("ok/sms.json")).as(ok.out() + ok.err()).exists();
        assertThat(json(tmp.resolve("ok/sms.json"))).hasSize(1);
    }

    /**
     * The androidqf fixture of {@link AndroidQfNestedTest} (bug report with a protobuf tombstone,
     * dumpsys.txt, intrusion logs with a malformed line and a nested zip, acquisition context),
     * plus the age fixture's backup.ab, all under {@code androidqf/}.
     */
    private static Map<String, byte[]> nestedAcquisition(boolean withBugreport) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        AndroidQfNestedTest.acquisition(withBugreport).forEach((k, v) -> entries.put("androidqf/" + k, v));
        entries.put("androidqf/intrusion_logs/more.zip", AndroidQfNestedTest.zip(Map.of("inner/log.txt",
                AndroidQfNestedTest.DNS.replace("example.org", "inner.example").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8))));
        entries.put("androidqf/backup.ab", AgeFixtures.androidqf("n").get("androidqf/backup.ab"));
        return entries;
    }

    @Test
    void nestedBugreportBackupAndIntrusionLogsOfAnEncryptedAcquisitionGiveWhatThePlainZipGives() throws Exception {
        Path age = plainAndEncrypted(AgeFixtures.zip(nestedAcquisition(true)), "nested");
        String before = Hashing.sha256Hex(age);
        CliRunner.Result p = cli.run("android", "check-androidqf", "-o", tmp.resolve("plain").toString(),
                tmp.resolve("nested.zip").toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        CliRunner.Result e = cli.run("android", "check-androidqf", "--age-identity", identity.toString(), "-o",
                tmp.resolve("age").toString(), age.toString());
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertThat(e.out()).contains("Nested bug report androidqf/bugreport.zip (in memory)",
                "Nested adb backup androidqf/backup.ab (in memory)", "Nested intrusion logs (2 files)");
        assertSameOutputs(tmp.resolve("plain"), tmp.resolve("nested.zip"), tmp.resolve("age"), age);
        // the nested modules found what the fixture holds, read from memory
        assertThat(json(tmp.resolve("age/tombstones.json"))).hasSize(1);
        assertThat(json(tmp.resolve("age/bugreport_timestamps.json"))).hasSize(1);
        assertThat(json(tmp.resolve("age/dumpsys_adb_state_detected.json"))).hasSize(1);
        assertThat(json(tmp.resolve("age/sms.json"))).hasSize(1);
        assertThat(json(tmp.resolve("age/dns_event.json")).findValuesAsText("hostname"))
                .containsExactlyInAnyOrder("example.org", "inner.example");
        assertThat(json(tmp.resolve("age/coverage.json")).get("modules").findValuesAsText("module"))
                .contains("tombstones", "dumpsys_adb_state", "sms", "dns_event", "connect_event", "security_event");
        assertThat(Hashing.sha256Hex(age)).isEqualTo(before);
        // and nothing decrypted reaches the disk on the way
        assertThat(createdInTmp(age, "--age-identity", identity.toString())).isEmpty();
    }

    @Test
    void withoutABugreportTheDumpsysModulesReadDumpsysTxtFromMemory() throws Exception {
        Path age = plainAndEncrypted(AgeFixtures.zip(nestedAcquisition(false)), "dumpsys");
        CliRunner.Result p = cli.run("android", "check-androidqf", "-o", tmp.resolve("plain").toString(),
                tmp.resolve("dumpsys.zip").toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        CliRunner.Result e = cli.run("android", "check-androidqf", "--age-identity", identity.toString(), "-o",
                tmp.resolve("age").toString(), age.toString());
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertSameOutputs(tmp.resolve("plain"), tmp.resolve("dumpsys.zip"), tmp.resolve("age"), age);
        assertThat(json(tmp.resolve("age/dumpsys_adb_state_detected.json"))).hasSize(1);
        assertThat(json(tmp.resolve("age/coverage.json")).get("modules").findValuesAsText("module"))
                .contains("dumpsys_adb_state", "dumpsys_appops").doesNotContain("tombstones");
    }

    @Test
    void aBugreportNotKeptInMemoryIsRefusedWithItsReason() throws Exception {
        Map<String, byte[]> entries = nestedAcquisition(true);
        Path age = plainAndEncrypted(AgeFixtures.zip(entries), "capped");
        long cap = entries.get("androidqf/bugreport.zip").length - 1L;
        try (org.vigil.source.android.AndroidQfSource qf = org.vigil.source.android.AgeAcquisition.open(age,
                org.vigil.source.android.AgeIdentities.read(identity), cap)) {
            org.vigil.source.ArtifactRef br = qf.byId("androidqf/bugreport.zip").orElseThrow();
            assertThatThrownBy(() -> org.vigil.source.android.AgeAcquisition.openNestedBugreport(qf, br))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("not kept in memory");
            assertThatThrownBy(() -> qf.localFile(br)).hasMessageContaining("never written to disk");
        }
    }

    /**
     * Runs Vigil in a child JVM whose temporary folder is private and watched: checking the
     * encrypted acquisition creates nothing there (no extracted entry, no copy of the zip), while
     * the plain zip's check does extract its backup.ab (the control that the watch works).
     */
    @Test
    void nothingDecryptedTouchesTheDisk() throws Exception {
        Path age = plainAndEncrypted(AgeFixtures.zip(AgeFixtures.androidqf("c4")), "disk");
        List<String> ageCreated = createdInTmp(age, "--age-identity", identity.toString());
        assertThat(ageCreated).isEmpty();
        List<String> plainCreated = createdInTmp(tmp.resolve("disk.zip"));
        assertThat(plainCreated).anyMatch(n -> n.startsWith("vigil-androidqf-"));
    }

    private List<String> createdInTmp(Path input, String... extra) throws Exception {
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp-" + input.getFileName()));
        Path out = tmp.resolve("child-out-" + input.getFileName());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + childTmp, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "check", "-q", "-o", out.toString()));
        cmd.addAll(List.of(extra));
        cmd.add(input.toString());
        List<String> created = new ArrayList<>();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            childTmp.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("child-" + input.getFileName() + ".log").toFile());
            pb.environment().put("VIGIL_DATA_DIR", tmp.resolve("child-data").toString());
            Process proc = pb.start();
            assertThat(proc.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(proc.exitValue()).as(Files.readString(tmp.resolve("child-" + input.getFileName() + ".log")))
                    .isZero();
            WatchKey k;
            while ((k = watch.poll(200, TimeUnit.MILLISECONDS)) != null) {
                for (WatchEvent<?> ev : k.pollEvents()) {
                    if (ev.context() != null) {
                        created.add(ev.context().toString());
                    }
                }
                k.reset();
            }
        }
        try (Stream<Path> left = Files.list(childTmp)) {
            created.addAll(left.map(p -> p.getFileName().toString()).toList());
        }
        // not evidence: sqlite-jdbc's native library (unpacked when first used), and the timeline spool
        // of the results being written to the output folder (the same events as timeline.csv)
        created.removeIf(n -> n.startsWith("sqlite-") || n.endsWith(".lck") || n.startsWith("vigil-timeline-"));
        assertThat(json(out.resolve("coverage.json"))).isNotNull();
        return created;
    }
}
