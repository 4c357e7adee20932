package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.io.Hashing;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

class ApplicationsTest {
    static final byte[] ICON = {(byte) 0x89, 'P', 'N', 'G'};

    @TempDir
    Path tmp;

    private final Applications module = new Applications();

    private static Indicators ioc(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    static Map<String, Object> metadata(String bundleId, String sourceApp) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("itemName", "Example");
        if (bundleId != null) {
            m.put("softwareVersionBundleId", bundleId);
        }
        m.put("bundleShortVersionString", "1.2");
        m.put("artistName", "Example Inc");
        if (sourceApp != null) {
            m.put("sourceApp", sourceApp);
        }
        m.put("com.apple.iTunesStore.downloadInfo", Map.of("purchaseDate", "2023-01-02T03:04:05Z"));
        return m;
    }

    private FakeSource backup(Map<String, Map<String, Object>> apps) throws Exception {
        Map<String, Object> applications = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> e : apps.entrySet()) {
            applications.put(e.getKey(), Map.of("iTunesMetadata", Plists.binary(e.getValue()),
                    "PlaceholderIcon", ICON));
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("Device Name", "iPhone");
        info.put("Applications", applications);
        Plists.writeXml(tmp.resolve("Info.plist"), info);
        return new FakeSource(SourceKind.IOS_BACKUP, tmp);
    }

    private FakeSource one(String bundleId, String sourceApp) throws Exception {
        return backup(Map.of("com.example.app", metadata(bundleId, sourceApp)));
    }

    @Test
    void realSampleHasNoApplications() throws Exception {
        FakeSource sample = new FakeSource(SourceKind.IOS_BACKUP, SharedData.iosBackup());
        ModuleResult r = run(module, sample);
        assertThat(json(r.results())).isEmpty();
        assertThat(r.alerts()).isEmpty();
        assertThat(r.timeline()).isEmpty();
    }

    @Test
    void extractionReadsPurchaseDateAsUtc() throws Exception {
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            ModuleResult r = run(module, one("com.example.app", "com.apple.AppStore"));
            JsonNode results = json(r.results());
            assertThat(results).hasSize(1);
            Fixtures.assertKeys(results.get(0), "name", "itemName", "softwareVersionBundleId",
                    "bundleShortVersionString", "artistName", "sourceApp", "com.apple.iTunesStore.downloadInfo",
                    "isodate", "icon_sha256");
            assertThat(results.get(0).get("name").asText()).isEqualTo("com.example.app");
            assertThat(results.get(0).get("isodate").asText()).isEqualTo("2023-01-02 03:04:05.000000");
            assertThat(results.get(0).get("icon_sha256").asText()).isEqualTo(Hashing.sha256Hex(ICON));
            assertThat(r.alerts()).isEmpty();
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void timeline() throws Exception {
        ModuleResult r = run(module, one("com.example.app", "com.apple.AppStore"));
        assertThat(r.timeline()).containsExactly(new TimelineEvent("2023-01-02 03:04:05.000000", "Applications",
                "app_installed", "App com.example.app version 1.2 from Example Inc installed from com.apple.AppStore"));
    }

    @Test
    void noPurchaseDateNoTimeline() throws Exception {
        Map<String, Object> m = metadata("com.example.app", null);
        m.remove("com.apple.iTunesStore.downloadInfo");
        ModuleResult r = run(module, backup(Map.of("com.example.app", m)));
        assertThat(json(r.results()).get(0).has("isodate")).isFalse();
        assertThat(r.timeline()).isEmpty();
    }

    @Test
    void sideloadedAppIsMedium() throws Exception {
        ModuleResult r = run(module, one("com.example.app", "com.example.altstore"));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM,
                        "Suspicious app not installed from the App Store or MDM: com.example.app"));
    }

    @Test
    void appStoreMdmAndAbsentSourceAreFine() throws Exception {
        for (String src : new String[] {"com.apple.AppStore", "com.apple.AppStore.ProductPageExtension",
                "com.apple.dmd", "dmd", null}) {
            assertThat(run(module, one("com.example.app", src)).alerts()).as(String.valueOf(src)).isEmpty();
        }
    }

    @Test
    @Tag("needs-ioc-engine")
    void bundleIdMatchesProcessIndicator() throws Exception {
        ModuleResult r = run(module, one("com.evil.app", "com.apple.AppStore"),
                ioc(IndicatorType.PROCESSES, "com.evil.app"));
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(r.alerts().get(0).message()).isEqualTo("Malicious application com.evil.app identified");
        assertThat(r.alerts().get(0).matchedIndicator()).isNotNull();
    }

    @Test
    @Tag("needs-ioc-engine")
    void bundleIdMatchesAppIdIndicator() throws Exception {
        Indicators iocs = ioc(IndicatorType.APP_IDS, "COM.EVIL.APP");
        ModuleResult r = run(module, one("com.evil.app", "com.example.altstore"), iocs);
        // the IOC hit skips the store check, as in MVT
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL);
        assertThat(module.recheck(json(r.results()), iocs)).extracting(Alert::message)
                .containsExactly("Malicious application com.evil.app identified");
    }

    @Test
    void recheckRunsIndicatorChecksOnly() throws Exception {
        Indicators iocs = ioc(IndicatorType.APP_IDS, "com.other.app");
        ModuleResult r = run(module, one("com.evil.app", "com.example.altstore"), iocs);
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.MEDIUM); // sideload heuristic
        assertThat(module.recheck(json(r.results()), iocs)).isEmpty();
    }

    @Test
    void noMatchingIndicator() throws Exception {
        ModuleResult r = run(module, one("com.example.app", "com.apple.AppStore"),
                ioc(IndicatorType.PROCESSES, "com.evil.app"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void missingBundleIdIsHighOnlyWithIndicators() throws Exception {
        assertThat(run(module, one(null, "com.apple.AppStore")).alerts()).isEmpty();
        ModuleResult r = run(module, one(null, "com.apple.AppStore"), ioc(IndicatorType.PROCESSES, "x"));
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.HIGH,
                        "Suspicious application identified without softwareVersionBundleId"));
    }

    @Test
    void fsDump() throws Exception {
        String id = "private/var/containers/Bundle/Application/0000-AAAA/iTunesMetadata.plist";
        Path f = Plists.writeBinary(tmp.resolve(id), metadata("com.example.app", "com.apple.AppStore"));
        ModuleResult r = run(module, new FakeSource(SourceKind.IOS_FS, tmp).add(id, "", id, f));
        JsonNode app = json(r.results()).get(0);
        Fixtures.assertKeys(app, "itemName", "softwareVersionBundleId", "bundleShortVersionString", "artistName",
                "sourceApp", "com.apple.iTunesStore.downloadInfo", "file_path", "isodate");
        assertThat(app.get("file_path").asText()).isEqualTo(tmp.resolve(id).toString());
        assertThat(r.timeline().get(0).data())
                .isEqualTo("App  version 1.2 from Example Inc installed from com.apple.AppStore");
    }

    @Test
    void missing() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Info.plist not found");
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_FS, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("iTunesMetadata.plist not found");
    }

    @Test
    void corrupt() throws Exception {
        Fixtures.emptyFile(tmp, "Info.plist");
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith("Info.plist:");
        Files.delete(tmp.resolve("Info.plist"));
        Fixtures.randomFile(tmp, "Info.plist");
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith("Info.plist:");
        Plists.writeXml(tmp.resolve("Info.plist"), Map.of("Applications",
                Map.of("com.example.app", Map.of("iTunesMetadata", new byte[] {1, 2, 3}))));
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("Info.plist: Applications/com.example.app/iTunesMetadata:");
        Plists.writeXml(tmp.resolve("Info.plist"), Map.of("Applications", List.of("x")));
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("Info.plist: Applications is not a dictionary");
    }
}
