package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.io.Hashing;
import org.vigil.modules.ModuleRegistry;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.SourceKind;
import org.vigil.source.iosfs.FsDumpFixture;
import org.vigil.source.iosfs.IosFsSource;
import org.vigil.source.sysdiagnose.TarFixture;

class IosCheckFsCommandTest {
    static final String IMPLANT = "private/var/db/com.apple.xpc.roleaccountd.staging/bh";
    static final String STIX = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[{\"type\":\"malware\","
            + "\"id\":\"malware--1\",\"name\":\"TestSpy\",\"is_family\":false},{\"type\":\"indicator\","
            + "\"id\":\"indicator--1\",\"pattern_type\":\"stix\",\"pattern\":\"[file:path="
            + "'/private/var/db/com.apple.xpc.roleaccountd.staging']\",\"valid_from\":\"2020-01-01T00:00:00Z\"},"
            + "{\"type\":\"relationship\",\"id\":\"relationship--1\",\"relationship_type\":\"indicates\","
            + "\"source_ref\":\"indicator--1\",\"target_ref\":\"malware--1\"}]}";

    @TempDir
    Path tmp;

    private CliRunner cli() {
        return new CliRunner(tmp.resolve("home"));
    }

    private static FsDumpFixture dump() {
        return new FsDumpFixture().dir("private/var/mobile").file(IMPLANT, "implant")
                .file("private/var/mobile/Library/Preferences/.GlobalPreferences.plist",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>"
                                + "<key>LDMGlobalEnabled</key><true/></dict></plist>");
    }

    @Test
    void checkFsReadsATarGzInPlaceAndWritesMvtOutputs() throws Exception {
        Path gz = dump().writeTar(tmp.resolve("phone.tar.gz"), "phone", true);
        Path stix = Files.writeString(tmp.resolve("t.stix2"), STIX);
        String before = Hashing.sha256Hex(gz);
        Path out = tmp.resolve("out");
        CliRunner.Result r = cli().run("ios", "check-fs", gz.toString(), "-i", stix.toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("iOS filesystem dump");
        ObjectMapper json = new ObjectMapper();
        JsonNode fs = json.readTree(out.resolve("filesystem.json").toFile());
        assertThat(fs.size()).isEqualTo(9);
        JsonNode detected = json.readTree(out.resolve("filesystem_detected.json").toFile());
        assertThat(detected.size()).isEqualTo(2);
        assertThat(json.readTree(out.resolve("global_preferences.json").toFile()).size()).isEqualTo(1);
        JsonNode info = json.readTree(out.resolve("info.json").toFile());
        assertThat(info.toString()).contains("ios check-fs");
        assertThat(Files.readString(out.resolve("timeline.csv"))).contains("entry_modified").contains(IMPLANT);
        assertThat(Hashing.sha256Hex(gz)).isEqualTo(before);
    }

    @Test
    void checkDetectsAFolderDump() throws Exception {
        Path folder = dump().writeFolder(tmp.resolve("dump"), "");
        Path out = tmp.resolve("out");
        CliRunner.Result r = cli().run("check", folder.toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.exists(out.resolve("filesystem.json"))).isTrue();
        assertThat(Files.readString(out.resolve("command.log"))).contains("Opened filesystem dump folder");
    }

    @Test
    void fastSkipsTheProcessComponentSearch() throws Exception {
        Path folder = dump().writeFolder(tmp.resolve("dump"), "");
        Path stix = Files.writeString(tmp.resolve("p.stix2"), STIX.replace(
                "[file:path='/private/var/db/com.apple.xpc.roleaccountd.staging']", "[process:name='bh']"));
        Path slow = tmp.resolve("slow");
        Path fast = tmp.resolve("fast");
        assertThat(cli().run("ios", "check-fs", folder.toString(), "-i", stix.toString(), "-m", "filesystem", "-o",
                slow.toString()).exitCode()).isZero();
        assertThat(cli().run("ios", "check-fs", folder.toString(), "-i", stix.toString(), "-m", "filesystem", "--fast",
                "-o", fast.toString()).exitCode()).isZero();
        assertThat(Files.exists(slow.resolve("filesystem_detected.json"))).isTrue();
        assertThat(Files.exists(fast.resolve("filesystem_detected.json"))).isFalse();
    }

    @Test
    void notADumpExits3WithOneLine() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("photos/DCIM"));
        CliRunner.Result r = cli().run("ios", "check-fs", folder.getParent().toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(r.err().strip()).doesNotContain("\n")
                .contains("does not appear to be an iOS filesystem dump (expected private/var");
        CliRunner.Result missing = cli().run("ios", "check-fs", tmp.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
    }

    @Test
    void corruptArchiveExits4WithOneLine() throws Exception {
        Path gz = Files.write(tmp.resolve("dump.tar.gz"), TarFixture.gzip("not a tar".getBytes()));
        CliRunner.Result r = cli().run("ios", "check-fs", gz.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INPUT_CORRUPT);
        assertThat(r.err().strip()).doesNotContain("\n").contains("dump.tar.gz: not a readable tar.gz archive");
        Path zip = Files.write(tmp.resolve("dump.zip"), Arrays.copyOf("PK\u0003\u0004".getBytes(), 100));
        CliRunner.Result z = cli().run("ios", "check-fs", zip.toString());
        assertThat(z.exitCode()).isEqualTo(ExitCodes.INPUT_CORRUPT);
        assertThat(z.err()).contains("not a readable zip archive");
    }

    @Test
    void truncatedArchiveRunsAndSaysWhatCouldNotBeChecked() throws Exception {
        byte[] noise = new byte[300_000];
        new java.util.Random(3).nextBytes(noise);
        Path full = dump().file("private/var/zz/blob.bin", noise).writeTar(tmp.resolve("full.tar.gz"), "", true);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(tmp.resolve("cut.tar.gz"), Arrays.copyOf(bytes, bytes.length - 100_000));
        Path out = tmp.resolve("out");
        CliRunner.Result r = cli().run("ios", "check-fs", cut.toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(out.resolve("info.json"))).contains("truncated");
        // modules whose files are not in the readable part are unreadable, not "not present"
        assertThat(Files.readString(out.resolve("command.log"))).contains("may be in the missing part");
    }

    @Test
    void registryRunsTheFilesystemModulesInMvtOrder() {
        var slugs = ModuleRegistry.forKind(SourceKind.IOS_FS).stream().map(m -> m.descriptor().slug()).toList();
        assertThat(slugs).hasSize(35);
        assertThat(slugs.subList(0, 13)).containsExactly("cache_files", "filesystem", "netusage", "analytics",
                "analytics_ios_versions", "safari_favicon", "shutdown_log", "ios_version_history", "webkit_indexeddb",
                "webkit_local_storage", "webkit_safari_view_service", "calls", "chrome_favicon");
        assertThat(slugs.get(slugs.size() - 1)).isEqualTo("global_preferences");
        assertThat(slugs).containsSubsequence("whatsapp", "whatsapp_contacts", "shortcuts");
        assertThat(ModuleRegistry.all().stream().filter(m -> m.descriptor().slug().equals("filesystem"))).hasSize(1);
    }

    @Test
    void prefetchCoversTheModulesFilesystemPatterns() {
        IosFsSource.Options o = CheckPipeline.fsOptions();
        assertThat(o.prefetch()).contains(ArtifactPattern.anyDomain("private/var/mobile/Library/SMS/sms.db"),
                ArtifactPattern.anyDomain("private/var/db/diagnostics/shutdown.log"));
        assertThat(o.prefetch()).noneMatch(p -> p.relativePath().startsWith("HomeDomain"));
    }
}
