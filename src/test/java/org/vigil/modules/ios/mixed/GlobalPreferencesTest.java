package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class GlobalPreferencesTest {
    @TempDir
    Path tmp;

    private final GlobalPreferences module = new GlobalPreferences();

    private FakeSource backupWith(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(GlobalPreferences.BACKUP_ID, "HomeDomain",
                GlobalPreferences.RELATIVE_PATH, file);
    }

    private static Map<String, Object> prefs(Object lockdown) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("AppleLocale", "en_FR");
        if (lockdown != null) {
            m.put("LDMGlobalEnabled", lockdown);
        }
        m.put("AppleLanguages", List.of("en-FR", "fr-FR"));
        return m;
    }

    @Test
    void realSample() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        JsonNode results = json(r.results());
        assertThat(results).hasSize(16);
        assertThat(results.get(0).toString()).isEqualTo("{\"entry\":\"WebKitShowLinkPreviews\",\"value\":false}");
        assertThat(r.timeline()).isEmpty();
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.INFORMATIONAL);
        assertThat(r.alerts().get(0).message()).isEqualTo("Lockdown mode enabled");
        // a date value is written as MVT writes a naive datetime
        JsonNode date = results.get(2);
        assertThat(date.get("entry").asText()).isEqualTo("AKLastEmailListRequestDateKey");
        assertThat(date.get("value").asText()).startsWith("2023-08-01 21:21:46");
        assertThat(results.get(5).get("value").toString()).isEqualTo("[\"en-FR\",\"fr-FR\"]");
    }

    @Test
    void lockdownDisabledIsLow() throws Exception {
        ModuleResult r = run(module, backupWith(Plists.writeBinary(tmp.resolve("p"), prefs(false))));
        assertThat(json(r.results())).hasSize(3);
        assertThat(r.alerts()).extracting(Alert::level, Alert::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Level.LOW, "Lockdown mode disabled"));
        assertThat(r.alerts().get(0).eventTime()).isEmpty();
    }

    @Test
    void lockdownEnabledInXmlPlistInFsDump() throws Exception {
        Path f = Plists.writeXml(tmp.resolve(GlobalPreferences.FS_PATH), prefs(true));
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(GlobalPreferences.FS_PATH, "",
                GlobalPreferences.FS_PATH, f);
        ModuleResult r = run(module, fs);
        assertThat(json(r.results()).get(1).toString()).isEqualTo("{\"entry\":\"LDMGlobalEnabled\",\"value\":true}");
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.INFORMATIONAL);
    }

    @Test
    void noLockdownKeyNoAlert() throws Exception {
        ModuleResult r = run(module, backupWith(Plists.writeBinary(tmp.resolve("p"), prefs(null))));
        assertThat(json(r.results())).hasSize(2);
        assertThat(r.alerts()).isEmpty();
        assertThat(r.timeline()).isEmpty();
    }

    @Test
    void recheckRaisesNothingAsNoIndicatorApplies() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"entry\":\"LDMGlobalEnabled\",\"value\":false}]");
        Indicators some = Indicators.builder().add(org.vigil.ioc.IndicatorType.DOMAINS, "example.org", "T", "t.stix2").build();
        List<Alert> alerts = module.recheck(results, some);
        assertThat(alerts).isEmpty(); // the Lockdown Mode rule is a heuristic: check-iocs re-runs indicator checks only
    }

    @Test
    void missing() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage(".GlobalPreferences.plist not found");
    }

    @Test
    void listedButAbsent() {
        assertThatThrownBy(() -> run(module, backupWith(null)))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("HomeDomain/Library/Preferences/.GlobalPreferences.plist: "
                        + BackupArtifacts.LISTED_BUT_ABSENT);
    }

    @Test
    void corrupt() throws Exception {
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.emptyFile(tmp, "empty"))))
                .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("empty file");
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.randomFile(tmp, "random"))))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("HomeDomain/Library/Preferences/.GlobalPreferences.plist:");
        // a plist of another shape: root is an array
        assertThatThrownBy(() -> run(module, backupWith(Plists.writeBinary(tmp.resolve("arr"), List.of("a")))))
                .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("root is not a dictionary");
    }
}
