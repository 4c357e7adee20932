package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.bugreport.Fixtures.androidData;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleResult;

class DumpsysADBStateTest {
    static final String LINUX_FP = "F0:A1:3D:8C:B3:F4:7B:09:9F:EE:8B:D8:38:2E:BD:C6";

    @TempDir
    Path tmp;

    private ModuleResult runOn(String file) throws Exception {
        byte[] bytes = Files.readAllBytes(androidData(file));
        return run(new DumpsysADBState(), Fixtures.dumpstate(tmp, new String(bytes, StandardCharsets.UTF_8)));
    }

    @Test
    void binaryKeystoreSample() throws Exception {
        ModuleResult res = runOn("dumpsys_adb.txt");
        assertThat(res.recordCount()).isEqualTo(1);
        JsonNode state = json(((List<?>) res.results()).get(0));
        assertThat(state.path("connected_to_adb").asText()).isEqualTo("true");
        assertThat(state.path("user_keys")).hasSize(1);
        assertThat(state.path("user_keys").get(0).path("fingerprint").asText()).isEqualTo(LINUX_FP);
        assertThat(state.path("user_keys").get(0).path("user").asText()).isEqualTo("user@linux");
        assertThat(state.path("keystore")).hasSize(1);
        assertThat(state.path("keystore").get(0).path("fingerprint").asText()).isEqualTo(LINUX_FP);
        assertThat(res.alerts()).isEmpty();
    }

    @Test
    void wifiBlockEndsTheKeystore() throws Exception {
        JsonNode state = json(((List<?>) runOn("dumpsys_adb_wifi.txt").results()).get(0));
        assertThat(state.path("user_keys").get(0).path("fingerprint").asText()).isEqualTo(LINUX_FP);
        assertThat(state.path("keystore").toString()).doesNotContain("adb_wifi");
        assertThat(state.path("adb_wifi").path("enabled").asText()).isEqualTo("false");
        assertThat(state.path("adb_wifi").path("tls_port").asText()).isEqualTo("0");
    }

    @Test
    void xmlKeystoreSample() throws Exception {
        JsonNode state = json(((List<?>) runOn("dumpsys_adb_xml.txt").results()).get(0));
        assertThat(state.path("user_keys").get(0).path("user").asText()).isEqualTo("user@laptop");
        JsonNode k = state.path("keystore").get(0);
        assertThat(k.path("user").asText()).isEqualTo("user@laptop");
        assertThat(k.path("fingerprint").asText()).isEqualTo("F0:0B:27:08:E3:68:7B:FA:4C:79:A2:B4:BF:0E:CF:70");
        assertThat(k.path("last_connected").asText()).isEqualTo("1628501829898");
    }

    @Test
    void keystoreEndsAtAStructuralLineOrBrace() throws Exception {
        String xml = "DUMP OF SERVICE adb:\n{\n  debugging_manager={\n    keystore=<?xml version='1.0' ?>\n"
                + "    <keyStore version=\"1\">\n    <adbKey key=\"QUJDRA== a@b\" lastConnection=\"1\" />\n"
                + "    </keyStore>\n    connected_to_adb=true\n  }\n}\n";
        Map<String, Object> s = DumpsysADBState.parse(DumpsysSections.lines(xml));
        assertThat(s.get("connected_to_adb")).isEqualTo("true");
        assertThat(json(s.get("keystore")).toString()).isEqualTo("[{\"user\":\"a@b\",\"fingerprint\":"
                + "\"CB:08:CA:4A:7B:B5:F9:68:3C:19:13:3A:84:87:2C:A7\",\"key\":\"QUJDRA==\",\"last_connected\":\"1\"}]");
        String brace = xml.replace("    connected_to_adb=true\n", "");
        assertThat(json(DumpsysADBState.parse(DumpsysSections.lines(brace)).get("keystore")).get(0).path("key").asText())
                .isEqualTo("QUJDRA==");
        assertThat(DumpsysADBState.parse(DumpsysSections.lines("nothing\n"))).isNull();
        assertThat(DumpsysADBState.fingerprint("not base64!")).isEqualTo("");
    }

    // --- trusted-key checks (MVT's TestDumpsysADBStateAlerts) ---------------------------------------

    private static Map<String, Object> key(String key, String user, String lastConnected) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("user", user);
        m.put("fingerprint", user + "-fingerprint");
        m.put("key", key);
        if (lastConnected != null) {
            m.put("last_connected", lastConnected);
        }
        return m;
    }

    private static List<org.vigil.core.model.Alert> check(Map<String, Object> state,
            org.vigil.core.ModuleOptions.Acquisition context) {
        ModuleResult.Builder out = ModuleResult.builder(new DumpsysADBState().descriptor());
        DumpsysADBState.checkTrustedKeys(out, state, context);
        return out.build().alerts();
    }

    @Test
    void trustedKeysAgainstTheAcquisitionHost() {
        Map<String, Object> state = new java.util.LinkedHashMap<>();
        state.put("user_keys", List.of(key("QUJDRA==", "acquisition@host", null), key("RUZHSA==", "other@host", null),
                key("not-base64", "invalid@host", null)));
        state.put("keystore", List.of(key("QUJDRA==", "acquisition@host", "1750266000000")));
        var alerts = check(state, new org.vigil.core.ModuleOptions.Acquisition("2025-06-20T18:00:00Z",
                "QUJDRA== acquisition@host"));
        assertThat(alerts).extracting(a -> a.level()).containsExactly(org.vigil.core.model.Level.INFORMATIONAL,
                org.vigil.core.model.Level.LOW, org.vigil.core.model.Level.LOW);
        assertThat(alerts.get(0).message()).isEqualTo("Found a trusted ADB host key last connected at least one day"
                + " before the AndroidQF acquisition: acquisition@host-fingerprint (acquisition@host)");
        assertThat(alerts.get(0).eventTime()).isEqualTo("2025-06-18 17:00:00.000000");
        assertThat(alerts.get(1).message()).isEqualTo("Found a trusted ADB host key different from the AndroidQF"
                + " acquisition host: other@host-fingerprint (other@host)");
        assertThat(alerts.get(1).eventTime()).isEmpty();
        assertThat(alerts.get(2).message()).isEqualTo("Found an invalid trusted ADB host key:"
                + " invalid@host-fingerprint (invalid@host)");
    }

    @Test
    void acquisitionWithoutHostKeyFlagsEveryValidKey() {
        Map<String, Object> state = Map.of("user_keys", List.of(key("QUJDRA==", "host@example", null)));
        var alerts = check(state, new org.vigil.core.ModuleOptions.Acquisition(null, null));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).level()).isEqualTo(org.vigil.core.model.Level.LOW);
        assertThat(alerts.get(0).message()).contains("does not include its host key");
        // an invalid acquisition key counts as none
        assertThat(check(state, new org.vigil.core.ModuleOptions.Acquisition(null, "%%% host"))).hasSize(1);
    }

    @Test
    void recentConnectionOfTheAcquisitionHostIsQuiet() {
        Map<String, Object> state = Map.of("keystore", List.of(key("QUJDRA==", "acquisition@host", "1750438800000")));
        assertThat(check(state, new org.vigil.core.ModuleOptions.Acquisition("2025-06-20T18:00:00Z",
                "QUJDRA== acquisition@host\n"))).isEmpty();
        // no start time: no age check
        Map<String, Object> old = Map.of("keystore", List.of(key("QUJDRA==", "acquisition@host", "1")));
        assertThat(check(old, new org.vigil.core.ModuleOptions.Acquisition(null, "QUJDRA=="))).isEmpty();
    }

    @Test
    void noChecksOutsideAnAndroidqfRun() throws Exception {
        byte[] bytes = Files.readAllBytes(androidData("dumpsys_adb.txt"));
        var src = Fixtures.dumpstate(tmp, new String(bytes, StandardCharsets.UTF_8));
        assertThat(run(new DumpsysADBState(), src).alerts()).isEmpty();
        ModuleResult inQf = new DumpsysADBState().run(new org.vigil.core.ModuleContext(src,
                org.vigil.ioc.Indicators.empty(), org.vigil.core.ModuleOptions.defaults().withAcquisition(
                        new org.vigil.core.ModuleOptions.Acquisition("2025-06-20T18:00:00Z", "QUJDRA== me")),
                Map.of(), null));
        assertThat(inQf.alerts()).hasSize(1);
        assertThat(inQf.alerts().get(0).message()).startsWith("Found a trusted ADB host key different from the"
                + " AndroidQF acquisition host: " + LINUX_FP + " (user@linux)");
    }
}
