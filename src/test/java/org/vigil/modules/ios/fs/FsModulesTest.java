package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.Module;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.model.Alert;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.io.Hashing;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ModuleRegistry;
import org.vigil.source.SourceKind;

class FsModulesTest {
    @TempDir
    Path tmp;

    @Test
    void mvtOrderSlugsAndSourceKinds() {
        List<Module> all = FsModules.all();
        assertThat(all).extracting(m -> m.descriptor().slug()).containsExactly("cache_files", "netusage", "analytics",
                "analytics_ios_versions", "safari_favicon", "ios_version_history", "webkit_indexeddb",
                "webkit_local_storage", "webkit_safari_view_service");
        assertThat(all).extracting(m -> m.descriptor().pluginName()).containsExactly("CacheFiles", "Netusage",
                "Analytics", "AnalyticsIOSVersions", "SafariFavicon", "IOSVersionHistory", "WebkitIndexedDB",
                "WebkitLocalStorage", "WebkitSafariViewService");
        assertThat(all).allSatisfy(m -> assertThat(m.descriptor().sourceKinds()).containsExactly(SourceKind.IOS_FS));
        // registered once each (the registry lists every module; check-fs runs them)
        List<String> registered = ModuleRegistry.all().stream().map(m -> m.descriptor().slug()).toList();
        for (Module m : all) {
            assertThat(registered).filteredOn(m.descriptor().slug()::equals).hasSize(1);
        }
        assertThat(ModuleRegistry.forKind(SourceKind.IOS_FS)).extracting(m -> m.descriptor().slug())
                .containsAll(all.stream().map(m -> m.descriptor().slug()).toList());
    }

    private static Map<String, String> hashes(Path root) throws IOException {
        Map<String, String> h = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                h.put(root.relativize(p).toString(), Hashing.sha256Hex(p));
            }
        }
        return h;
    }

    /**
     * Every module through the runner on one dump: each ends with its own status (a corrupt cache
     * does not stop the others), the dump is not modified, and check-iocs' re-check of each
     * module's written results finds what the run found.
     */
    @Test
    void runnerIsolatesEachModuleAndLeavesTheDumpUntouched() throws Exception {
        FsFixtures.Dump dump = AnalyticsTest.dump(tmp);
        dump.file(CacheFilesTest.APP, FsFixtures.randomBytes());
        dump.dir(WebkitModulesTest.IDB_A, WebkitModulesTest.MTIME)
                .dir(WebkitModulesTest.IDB_A + "/https_evil.example.net_0", WebkitModulesTest.MTIME);
        Map<String, String> before = hashes(tmp);

        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "evil.example.net", "T", "t.stix2")
                .add(IndicatorType.PROCESSES, "bh", "T", "t.stix2").build();
        List<Module> ordered = ModuleRunner.order(FsModules.all(), List.of());
        List<ModuleOutcome> out = new ModuleRunner(dump.source, iocs, ModuleOptions.defaults(), FsFixtures.CLOCK, null)
                .run(ordered);
        Map<String, ModuleStatus> status = new TreeMap<>();
        out.forEach(o -> status.put(o.slug(), o.status()));
        assertThat(status).containsExactlyInAnyOrderEntriesOf(Map.of(
                "cache_files", ModuleStatus.UNREADABLE,
                "netusage", ModuleStatus.NOT_PRESENT,
                "analytics", ModuleStatus.CHECKED,
                "analytics_ios_versions", ModuleStatus.CHECKED,
                "safari_favicon", ModuleStatus.NOT_PRESENT,
                "ios_version_history", ModuleStatus.NOT_PRESENT,
                "webkit_indexeddb", ModuleStatus.CHECKED,
                "webkit_local_storage", ModuleStatus.NOT_PRESENT,
                "webkit_safari_view_service", ModuleStatus.NOT_PRESENT));
        assertThat(out.stream().filter(o -> o.slug().equals("cache_files")).findFirst().orElseThrow().reason())
                .contains(CacheFilesTest.APP);
        assertThat(hashes(tmp)).isEqualTo(before);

        ObjectMapper mapper = new ObjectMapper();
        for (ModuleOutcome o : out) {
            if (!o.hasResults()) {
                continue;
            }
            Module m = ordered.stream().filter(x -> x.descriptor().slug().equals(o.slug())).findFirst().orElseThrow();
            JsonNode written = mapper.readTree(FsFixtures.JSON.writeValueAsString(o.results()));
            assertThat(m.recheck(written, iocs)).extracting(Alert::message)
                    .as(o.slug()).isEqualTo(o.alerts().stream().map(Alert::message).toList());
        }
        assertThat(out.stream().mapToInt(o -> o.alerts().size()).sum()).isEqualTo(3);
    }
}
