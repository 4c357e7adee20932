package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.cli.CheckCommandTest.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.demo.DemoScenario;
import org.vigil.demo.ExpectedAlert;

/** {@code vigil demo} end to end: every planted trace is found, and nothing else is. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    private static String key(String module, String level, String time, String indicatorOrMessage) {
        return module + " | " + level + " | " + time + " | " + indicatorOrMessage;
    }

    @Test
    void demoFindsEveryPlantedTraceAndOnlyThem() throws Exception {
        Path dir = tmp.resolve("demo");
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        CliRunner.Result r = cli.run("demo", "--output", dir.toString());
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).containsPattern("\n    CRITICAL +3 ").containsPattern("\n    HIGH +2 ")
                .containsPattern("\n    MEDIUM +1 ").containsPattern("\n    LOW +1 ")
                .containsPattern("\n    INFORMATIONAL +0\n").containsPattern("\n    total +7 ")
                .contains("not proof");

        List<String> expected = new ArrayList<>();
        for (ExpectedAlert a : DemoScenario.expectedAlerts()) {
            expected.add(key(a.module(), a.level().name(), a.eventTime(), a.indicator() != null ? a.indicator() : a.message()));
        }
        List<String> actual = new ArrayList<>();
        for (JsonNode a : json(dir.resolve("results/alerts.json"))) {
            JsonNode m = a.get("matched_indicator");
            actual.add(key(a.get("module").asText(), a.get("level").asText(), a.get("event_time").asText(),
                    m.isNull() ? a.get("message").asText() : m.get("value").asText()));
        }
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);

        JsonNode coverage = json(dir.resolve("results/coverage.json"));
        assertThat(coverage.get("summary").get("unreadable").asInt()).isZero();
        assertThat(coverage.get("summary").get("failed").asInt()).isZero();
        for (String m : java.util.List.of("backup_info", "manifest", "datausage", "safari_history", "sms")) {
            assertThat(coverage.get("modules").findValuesAsText("module")).contains(m);
        }
        assertThat(coverage.get("summary").get("checked").asInt()).isGreaterThanOrEqualTo(5);

        // a second run replaces the demo it made, and gives the same results
        byte[] alerts = Files.readAllBytes(dir.resolve("results/alerts.json"));
        assertThat(cli.run("demo", "--output", dir.toString(), "--quiet").exitCode()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("results/alerts.json"))).isEqualTo(alerts);
    }

    @Test
    void refusesAFolderItDidNotMake() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(dir.resolve("precious.txt"), "keep me");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("demo", "--output", dir.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("was not made by `vigil demo`");
        assertThat(dir.resolve("precious.txt")).hasContent("keep me");
    }
}
