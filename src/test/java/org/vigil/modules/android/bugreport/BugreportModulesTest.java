package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.core.ModuleResult;
import org.vigil.source.android.BugreportSource;

/** All bug report modules on the sample, as a folder and as a zip. */
class BugreportModulesTest {
    @TempDir
    Path tmp;

    @Test
    void mvtOrderAndSlugs() {
        assertThat(BugreportModules.all()).extracting(m -> m.descriptor().slug()).containsExactly(
                "dumpsys_accessibility", "dumpsys_activities", "dumpsys_appops", "dumpsys_battery_daily",
                "dumpsys_battery_history", "dbinfo", "dumpsys_get_prop", "dumpsys_packages", "dumpsys_platform_compat",
                "dumpsys_receivers", "dumpsys_adb_state", "bugreport_timestamps", "tombstones");
        assertThat(BugreportModules.all()).extracting(m -> m.descriptor().pluginName()).containsExactly(
                "DumpsysAccessibility", "DumpsysActivities", "DumpsysAppops", "DumpsysBatteryDaily",
                "DumpsysBatteryHistory", "DumpsysDBInfo", "DumpsysGetProp", "DumpsysPackages", "DumpsysPlatformCompat",
                "DumpsysReceivers", "DumpsysADBState", "BugReportTimestamps", "Tombstones");
    }

    /** Slug to record count (-1: not present) and JSON of the results. */
    private static Map<String, String> runAll(BugreportSource s) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (Module m : BugreportModules.all()) {
            try {
                ModuleResult r = run(m, s);
                String results = m.descriptor().slug().equals("bugreport_timestamps") ? ""
                        : json(r.results()).toString().replaceAll("\"file_timestamp\":\"[^\"]*\"", "");
                out.put(m.descriptor().slug(), r.recordCount() + " " + r.timeline().size() + " " + r.alerts().size()
                        + " " + results.hashCode());
            } catch (ArtifactNotFoundException e) {
                out.put(m.descriptor().slug(), "not_present");
            }
        }
        return out;
    }

    @Test
    void folderAndZipGiveTheSameResultsAndTheEvidenceIsUntouched() throws Exception {
        Path dir = Fixtures.androidData("bugreport");
        Map<Path, String> before = hashes(dir);
        Map<String, String> folder;
        try (BugreportSource s = BugreportSource.open(dir)) {
            folder = runAll(s);
        }
        assertThat(folder.values().stream().map(v -> v.split(" ")[0]).toList()).containsExactly(
                "not_present", "0", "12", "not_present", "not_present", "not_present", "not_present", "2", "2", "0", "not_present", "2", "2");
        assertThat(folder.get("dumpsys_appops")).startsWith("12 16 1 ");
        assertThat(folder.get("dumpsys_packages")).startsWith("2 6 0 ");
        Path zip = tmp.resolve("bugreport.zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream zos = new ZipOutputStream(os);
                Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                zos.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
                zos.write(Files.readAllBytes(p));
                zos.closeEntry();
            }
        }
        try (BugreportSource s = BugreportSource.open(zip)) {
            assertThat(runAll(s)).isEqualTo(folder);
        }
        assertThat(hashes(dir)).isEqualTo(before);
    }

    private static Map<Path, String> hashes(Path dir) throws Exception {
        Map<Path, String> out = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.put(p, java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
