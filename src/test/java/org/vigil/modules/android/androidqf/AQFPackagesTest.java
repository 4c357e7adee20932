package org.vigil.modules.android.androidqf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.android.androidqf.QfFixtures.folder;
import static org.vigil.modules.android.androidqf.QfFixtures.iocs;
import static org.vigil.modules.android.androidqf.QfFixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorType;
import org.vigil.report.MvtJson;

class AQFPackagesTest {
    @TempDir
    Path tmp;

    private final AQFPackages module = new AQFPackages();

    private static String name(Alert a) {
        return ((JsonNode) a.event()).get("name").asText();
    }

    @Test
    void listsTheSevenSamplePackagesAsTheyAre() throws Exception {
        ModuleResult r = run(module, QfFixtures.sampleFolder());
        assertThat(r.recordCount()).isEqualTo(7);
        assertThat(r.timelineCount()).isZero();
        @SuppressWarnings("unchecked")
        List<JsonNode> pkgs = (List<JsonNode>) r.results();
        assertThat(pkgs).extracting(p -> p.get("name").asText()).containsExactly("com.whatsapp",
                "app.revanced.manager.flutter", "com.google.android.youtube", "org.fdroid.fdroid",
                "org.nuclearfog.apollo", "com.malware.blah", "com.malware.muahaha");
        String json = MvtJson.mapper().writeValueAsString(pkgs.get(0));
        assertThat(json).startsWith("{\"name\":\"com.whatsapp\",\"files\":[{\"path\":\"/data/app/~~/com.whatsapp-~~/base.apk\"")
                .endsWith("\"installer\":\"null\",\"uid\":10271,\"disabled\":false,\"system\":false,\"third_party\":true}");
    }

    @Test
    void nonAppStoreWarningsAreTheFiveOfMvt() throws Exception {
        List<Alert> alerts = run(module, QfFixtures.sampleFolder()).alerts();
        assertThat(alerts).extracting(AQFPackagesTest::name).containsExactly("com.whatsapp",
                "app.revanced.manager.flutter", "com.google.android.youtube", "org.fdroid.fdroid",
                "org.nuclearfog.apollo");
        assertThat(alerts).extracting(Alert::level).containsExactly(Level.MEDIUM, Level.MEDIUM, Level.MEDIUM,
                Level.MEDIUM, Level.INFORMATIONAL);
        assertThat(alerts.get(0).message())
                .isEqualTo("Found a non-system package installed via adb or another method: \"com.whatsapp\"");
        assertThat(alerts.get(1).message()).isEqualTo("Found a package installed via a browser"
                + " (installer=\"com.google.android.packageinstaller\"): \"app.revanced.manager.flutter\"");
        assertThat(alerts.get(4).message()).isEqualTo("Found a package installed via a third party store"
                + " (installer=\"org.fdroid.fdroid\"): \"org.nuclearfog.apollo\"");
        assertThat(alerts).allSatisfy(a -> {
            assertThat(a.matchedIndicator()).isNull();
            assertThat(a.eventTime()).isEmpty();
            assertThat(a.module()).isEqualTo("aqf_packages");
        });
    }

    @Test
    void packageNameIndicator() throws Exception {
        List<Alert> alerts = run(module, QfFixtures.sampleFolder(), iocs(IndicatorType.APP_IDS, "com.malware.blah"))
                .alerts();
        List<Alert> hits = alerts.stream().filter(a -> name(a).equals("com.malware.blah")).toList();
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(hits.get(0).matchedIndicator().value()).isEqualTo("com.malware.blah");
        assertThat(alerts).hasSize(6);
    }

    @Test
    void apkSha256Indicator() throws Exception {
        String sha = "31037a27af59d4914906c01ad14a318eee2f3e31d48da8954dca62a99174e3fa";
        List<Alert> hits = run(module, QfFixtures.sampleFolder(), iocs(IndicatorType.FILES_SHA256, sha)).alerts()
                .stream().filter(a -> a.matchedIndicator() != null).toList();
        assertThat(hits).hasSize(1);
        assertThat(name(hits.get(0))).isEqualTo("com.malware.muahaha");
        assertThat(hits.get(0).matchedIndicator().value()).isEqualTo(sha);
    }

    @Test
    void certificateHashIndicator() throws Exception {
        String cert = "c7e56178748be1441370416d4c10e34817ea0c961eb636c8e9d98e0fd79bf730";
        List<Alert> hits = run(module, QfFixtures.sampleFolder(), iocs(IndicatorType.APP_CERT_HASHES, cert))
                .alerts().stream().filter(a -> a.matchedIndicator() != null).toList();
        assertThat(hits).hasSize(1);
        assertThat(name(hits.get(0))).isEqualTo("com.malware.muahaha");
        assertThat(hits.get(0).matchedIndicator().value()).isEqualTo(cert);
        assertThat(hits.get(0).level()).isEqualTo(Level.CRITICAL);
    }

    @Test
    void rootAndDisabledSecurityAndUpdatePackages() throws Exception {
        Path qf = folder(tmp, "packages.json", "["
                + "{\"name\":\"com.topjohnwu.magisk\",\"files\":[],\"installer\":\"null\",\"system\":false,\"disabled\":false},"
                + "{\"name\":\"com.policydm\",\"files\":[],\"installer\":\"com.android.vending\",\"system\":true,\"disabled\":true},"
                + "{\"name\":\"com.wssyncmldm\",\"files\":[],\"installer\":\"com.android.vending\",\"system\":true,\"disabled\":true},"
                + "{\"name\":\"com.wssyncmldm\",\"files\":[],\"installer\":\"com.android.vending\",\"system\":true,\"disabled\":false},"
                + "{\"name\":\"com.example.play\",\"files\":[],\"installer\":\"com.android.vending\",\"system\":false,\"disabled\":false}]");
        List<Alert> alerts = run(module, qf).alerts();
        assertThat(alerts).extracting(Alert::level, Alert::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM,
                        "Found an installed package related to rooting/jailbreaking: \"com.topjohnwu.magisk\""),
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM, "Security package \"com.policydm\" disabled on the phone"),
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM,
                        "System OTA update package \"com.wssyncmldm\" disabled on the phone"));
    }

    @Test
    void rootPackagesStillGetIndicatorChecks() throws Exception {
        Path qf = folder(tmp, "packages.json",
                "[{\"name\":\"com.topjohnwu.magisk\",\"files\":[],\"installer\":\"null\",\"system\":false}]");
        List<Alert> alerts = run(module, qf, iocs(IndicatorType.APP_IDS, "com.topjohnwu.magisk")).alerts();
        assertThat(alerts).extracting(Alert::level).containsExactly(Level.MEDIUM, Level.CRITICAL);
    }

    @Test
    void missingAndCorrupt() throws Exception {
        Path none = folder(tmp.resolve("a"), "getprop.txt", "");
        assertThatThrownBy(() -> run(module, none)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessageContaining("packages.json");
        Path bad = folder(tmp.resolve("b"), "packages.json", "[{\"name\":");
        assertThatThrownBy(() -> run(module, bad)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("qf/packages.json: not valid JSON");
        Path obj = folder(tmp.resolve("c"), "packages.json", "{}");
        assertThatThrownBy(() -> run(module, obj)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining("expected a JSON list");
    }

    @Test
    void recheckFindsOnlyIndicatorMatches() throws Exception {
        JsonNode results = MvtJson.mapper().readTree(
                "[{\"name\":\"com.malware.blah\",\"installer\":\"null\",\"system\":false,\"files\":[]}]");
        assertThat(module.recheck(results, iocs(IndicatorType.APP_IDS, "com.malware.blah")))
                .extracting(Alert::level).containsExactly(Level.CRITICAL);
    }
}
