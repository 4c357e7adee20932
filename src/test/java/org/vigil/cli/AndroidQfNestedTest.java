package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.cli.CheckCommandTest.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check-androidqf runs what the acquisition holds besides its own files, as MVT does (section 3.6):
 * the bug report (or its dumpsys.txt), the backup and the intrusion logs, merged into one result.
 */
class AndroidQfNestedTest {
    static final String DASHES = "-".repeat(78);
    /** 1750000000000 ms = 2025-06-15 15:06:40 UTC = 17:06:40 in Rome (CEST). */
    static final String DNS = "{\"dns_event\":{\"event_time\":1750000000000,\"hostname\":\"example.org\","
            + "\"ip_addresses\":[\"/192.0.2.1\"],\"package_name\":\"com.example\"}}";

    @TempDir
    Path tmp;

    static String dumpstate() {
        return String.join("\n", "== dumpstate: 2025-06-20 18:00:00",
                "------ SYSTEM PROPERTIES (getprop) ------",
                "[persist.sys.timezone]: [Europe/Rome]",
                "[ro.product.model]: [Pixel 8]",
                "------ 0.1s was the duration of 'SYSTEM PROPERTIES' ------",
                "DUMP OF SERVICE adb:",
                "ADB MANAGER STATE (dumpsys adb):",
                "{",
                "  debugging_manager={",
                "    connected_to_adb=true",
                "    user_keys=RUZHSA== other@host",
                "",
                "  }",
                "}",
                DASHES,
                "DUMP OF SERVICE appops:",
                "Current AppOps Service state:",
                DASHES, "");
    }

    static byte[] tombstonePb() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        o.writeString(2, "fp");
        o.writeString(4, "2025-06-19 10:00:00.000000+0200");
        o.writeUInt32(5, 7);
        o.writeUInt32(6, 7);
        o.writeUInt32(7, 2000);
        o.flush();
        return b.toByteArray();
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return b.toByteArray();
    }

    static byte[] bugreportZip() throws IOException {
        Map<String, byte[]> br = new LinkedHashMap<>();
        br.put("main_entry.txt", "dumpstate-2025.txt".getBytes(StandardCharsets.UTF_8));
        br.put("dumpstate-2025.txt", dumpstate().getBytes(StandardCharsets.UTF_8));
        br.put("FS/data/tombstones/tombstone_00.pb", tombstonePb());
        return zip(br);
    }

    /** The files of an androidqf acquisition, by path inside it. */
    static Map<String, byte[]> acquisition(boolean withBugreport) throws IOException {
        Map<String, byte[]> f = new LinkedHashMap<>();
        f.put("getprop.txt", "[persist.sys.timezone]: [Europe/Rome]\n".getBytes(StandardCharsets.UTF_8));
        f.put("acquisition.json", "{\"started\": \"2025-06-20T18:00:00Z\", \"adb_host_public_key\": \"QUJDRA== me@host\"}"
                .getBytes(StandardCharsets.UTF_8));
        f.put("dumpsys.txt", dumpstate().getBytes(StandardCharsets.UTF_8));
        if (withBugreport) {
            f.put("bugreport.zip", bugreportZip());
        }
        f.put("intrusion_logs/2025-06-15.txt", (DNS + "\nnot json\n").getBytes(StandardCharsets.UTF_8));
        return f;
    }

    static Path folder(Path dir, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        return dir;
    }

    private static List<String> names(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void bugreportAndIntrusionLogsRunNestedWithTheAcquisitionContext() throws Exception {
        Path qf = folder(tmp.resolve("acq"), acquisition(true));
        Path out = tmp.resolve("out");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("android", "check-androidqf", "-o", out.toString(),
                qf.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // the bug report's modules ran on bugreport.zip (its tombstone), not on dumpsys.txt
        assertThat(json(out.resolve("tombstones.json"))).hasSize(1);
        assertThat(json(out.resolve("bugreport_timestamps.json"))).hasSize(1);
        // the ADB key is not the acquisition host's: MVT's LOW alert
        JsonNode adb = json(out.resolve("dumpsys_adb_state_detected.json"));
        assertThat(adb).hasSize(1);
        assertThat(adb.get(0).get("level").asText()).isEqualTo("LOW");
        assertThat(adb.get(0).get("message").asText()).startsWith("Found a trusted ADB host key different from the"
                + " AndroidQF acquisition host: ");
        // intrusion logs, in the device's zone from getprop.txt; the malformed line is counted, not fatal
        JsonNode dns = json(out.resolve("dns_event.json"));
        assertThat(dns).hasSize(1);
        assertThat(dns.get(0).get("timestamp").asText()).isEqualTo("2025-06-15 17:06:40.000000");
        String timeline = Files.readString(out.resolve("timeline.csv"));
        assertThat(timeline).contains("\"2025-06-15 17:06:40.000000\",\"DnsEvent\",\"dns_query\"");
        assertThat(json(out.resolve("info.json")).get("device").get("Device Timezone").asText())
                .isEqualTo("Europe/Rome");
        JsonNode coverage = json(out.resolve("coverage.json")).get("modules");
        assertThat(coverage.findValuesAsText("module")).contains("aqf_get_prop", "tombstones", "dumpsys_adb_state",
                "dns_event", "connect_event", "security_event");
    }

    @Test
    void withoutABugreportTheDumpsysModulesReadDumpsysTxt() throws Exception {
        Path qf = folder(tmp.resolve("acq"), acquisition(false));
        Path out = tmp.resolve("out");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("android", "check-androidqf", "-o", out.toString(),
                qf.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(out.resolve("dumpsys_adb_state_detected.json"))).hasSize(1);
        JsonNode coverage = json(out.resolve("coverage.json")).get("modules");
        List<String> modules = coverage.findValuesAsText("module");
        // no FS/, tombstones nor SYSTEM PROPERTIES in dumpsys.txt: those modules are not run at all
        assertThat(modules).contains("dumpsys_adb_state", "dumpsys_appops", "dumpsys_packages")
                .doesNotContain("tombstones", "bugreport_timestamps", "dumpsys_get_prop");
    }

    @Test
    void zipAcquisitionReadsNestedFilesInPlaceAndSkipsEscapingEntries() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        acquisition(true).forEach((k, v) -> files.put("acq/" + k, v));
        files.put("intrusion_logs/../../evil.txt", DNS.replace("example.org", "evil.example").getBytes(
                StandardCharsets.UTF_8));
        files.put("acq/intrusion_logs/nested.zip", zip(Map.of("inner/log.txt", DNS.replace("1750000000000",
                "1750000001000").getBytes(StandardCharsets.UTF_8))));
        Path z = Files.write(tmp.resolve("acq.zip"), zip(files));
        Path out = tmp.resolve("out");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("android", "check-androidqf", "-o", out.toString(),
                z.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode dns = json(out.resolve("dns_event.json"));
        assertThat(dns.findValuesAsText("hostname")).containsExactly("example.org", "example.org");
        assertThat(Files.readString(out.resolve("command.log"))).contains("skipping unsafe zip entry name"
                + " \"intrusion_logs/../../evil.txt\"");
        assertThat(tmp.getParent().resolve("evil.txt")).doesNotExist();
        assertThat(json(out.resolve("tombstones.json"))).hasSize(1);
    }

    @Test
    void moduleSelectionReachesNestedModules() throws Exception {
        Path qf = folder(tmp.resolve("acq"), acquisition(true));
        Path out = tmp.resolve("out");
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        CliRunner.Result r = cli.run("android", "check-androidqf", "-m", "dumpsys_adb_state", "-o", out.toString(),
                qf.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(names(out)).filteredOn(n -> n.endsWith(".json") && !n.equals("info.json")
                && !n.equals("alerts.json") && !n.equals("urls.json") && !n.equals("coverage.json"))
                .containsExactly("dumpsys_adb_state.json", "dumpsys_adb_state_detected.json");
        CliRunner.Result bad = cli.run("android", "check-androidqf", "-m", "no_such_module", qf.toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("Unknown module \"no_such_module\"");
    }

    @Test
    void intrusionLogsTimezoneOption() throws Exception {
        Path logs = folder(tmp.resolve("logs"), Map.of("a.txt", DNS.getBytes(StandardCharsets.UTF_8)));
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        Path utc = tmp.resolve("utc");
        assertThat(cli.run("android", "check-intrusion-logs", "-o", utc.toString(), logs.toString()).exitCode()).isZero();
        assertThat(json(utc.resolve("dns_event.json")).get(0).get("timestamp").asText())
                .isEqualTo("2025-06-15 15:06:40.000000");
        assertThat(json(utc.resolve("info.json")).get("device").get("Device Timezone").asText()).isEqualTo("UTC");
        Path rome = tmp.resolve("rome");
        CliRunner.Result r = cli.run("android", "check-intrusion-logs", "--timezone", "Europe/Rome", "-o",
                rome.toString(), logs.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(json(rome.resolve("dns_event.json")).get(0).get("timestamp").asText())
                .isEqualTo("2025-06-15 17:06:40.000000");
        assertThat(json(rome.resolve("info.json")).get("device").get("Device Timezone").asText())
                .isEqualTo("Europe/Rome");
        CliRunner.Result bad = cli.run("android", "check-intrusion-logs", "--timezone", "Mars/Olympus", logs.toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("Invalid value for '--timezone'");
    }

    @Test
    void bugreportInfoStatesTheDeviceTimezone() throws Exception {
        Path br = Files.write(tmp.resolve("bugreport.zip"), bugreportZip());
        Path out = tmp.resolve("out");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("android", "check-bugreport", "-o", out.toString(),
                br.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode device = json(out.resolve("info.json")).get("device");
        assertThat(device.get("Device Timezone").asText()).isEqualTo("Europe/Rome");
        assertThat(device.get("Model").asText()).isEqualTo("Pixel 8");
        // in a plain bug report there is no acquisition context: keys are listed, not flagged
        assertThat(out.resolve("dumpsys_adb_state_detected.json")).doesNotExist();
        assertThat(json(out.resolve("dumpsys_adb_state.json"))).hasSize(1);
    }
}
