package org.vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoIndicatorsTest {
    @TempDir
    Path tmp;

    private static List<JsonNode> ofType(JsonNode bundle, String type) {
        List<JsonNode> out = new ArrayList<>();
        bundle.get("objects").forEach(o -> {
            if (o.get("type").asText().equals(type)) {
                out.add(o);
            }
        });
        return out;
    }

    @Test
    void bundleHoldsMalwareIndicatorsAndIndicatesRelationships() throws Exception {
        Path file = tmp.resolve("iocs/" + DemoIndicators.FILE_NAME);
        DemoIndicators.write(file);
        JsonNode bundle = new ObjectMapper().readTree(file.toFile());
        assertThat(bundle.get("type").asText()).isEqualTo("bundle");
        assertThat(ofType(bundle, "identity")).hasSize(1);
        List<JsonNode> malware = ofType(bundle, "malware");
        assertThat(malware).hasSize(1);
        assertThat(malware.get(0).get("name").asText()).isEqualTo("DemoSpy (fictional)");
        List<JsonNode> indicators = ofType(bundle, "indicator");
        assertThat(indicators).extracting(i -> i.get("pattern").asText()).containsExactly(
                "[domain-name:value='secure-login.example.net']",
                "[domain-name:value='cdn-delivery.example.net']",
                "[domain-name:value='update-check.example.org']",
                "[url:value='https://cdn-delivery.example.net/l/4f7a1b']",
                "[process:name='msgservd']",
                "[file:path='/private/var/db/msgservd.staging/']");
        indicators.forEach(i -> {
            assertThat(i.get("spec_version").asText()).isEqualTo("2.1");
            assertThat(i.get("pattern_type").asText()).isEqualTo("stix");
            assertThat(i.get("valid_from").asText()).isEqualTo("2023-09-20T00:00:00.000Z");
            // MVT splits patterns on '=': exactly one per pattern
            assertThat(i.get("pattern").asText().chars().filter(c -> c == '=').count()).isEqualTo(1);
        });
        List<JsonNode> rels = ofType(bundle, "relationship");
        assertThat(rels).hasSize(6);
        Set<String> indicatorIds = new HashSet<>();
        indicators.forEach(i -> indicatorIds.add(i.get("id").asText()));
        for (JsonNode r : rels) {
            assertThat(r.get("relationship_type").asText()).isEqualTo("indicates");
            assertThat(r.get("target_ref").asText()).isEqualTo(malware.get(0).get("id").asText());
            assertThat(indicatorIds).contains(r.get("source_ref").asText());
        }
        Set<String> ids = new HashSet<>();
        bundle.get("objects").forEach(o -> ids.add(o.get("id").asText()));
        assertThat(ids).hasSize(14);
        assertThat(ids).allMatch(id -> id.matches("[a-z-]+--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void bytesAreStable() throws Exception {
        assertThat(DemoIndicators.bytes()).isEqualTo(DemoIndicators.bytes());
        Path a = tmp.resolve("a.stix2");
        DemoIndicators.write(a);
        assertThat(Files.readAllBytes(a)).isEqualTo(DemoIndicators.bytes());
        assertThat(new String(DemoIndicators.bytes(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\r");
    }

    @Test
    void uuid5MatchesTheRfcAlgorithm() {
        // well-known value: uuid5(NAMESPACE_DNS, "python.org")
        assertThat(DemoIndicators.uuid5(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org"))
                .hasToString("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    }
}
