package org.vigil.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleStatus;

/** Every key the generator asks for is in the English bundle, and the generator has no English of its own. */
class MessagesTest {
    @Test
    void everyKeyUsedIsDefined() throws Exception {
        Messages m = Messages.english();
        String source = java.nio.file.Files.readString(java.nio.file.Path.of(
                "src/main/java/org/vigil/report/html/HtmlReport.java"), StandardCharsets.UTF_8)
                + java.nio.file.Files.readString(java.nio.file.Path.of(
                        "src/main/java/org/vigil/report/html/TimelineChart.java"), StandardCharsets.UTF_8);
        Matcher k = Pattern.compile("\"((?:page|nav|verdict|meaning|summary|alerts?|timeline|coverage|device|iocs|hashes|col|problems)"
                + "\\.[a-zA-Z.]+)\"").matcher(source);
        List<String> missing = new ArrayList<>();
        while (k.find()) {
            String key = k.group(1);
            if (!key.endsWith(".") && !m.has(key) && !(m.has(key + ".one") && m.has(key + ".other"))) {
                missing.add(key);
            }
        }
        assertThat(missing).isEmpty();
        for (Level l : Level.values()) {
            assertThat(m.has("level." + l.name())).isTrue();
            assertThat(m.has("level.explain." + l.name())).isTrue();
        }
        for (ModuleStatus s : ModuleStatus.values()) {
            assertThat(m.has("status." + s.jsonName())).isTrue();
        }
        for (TimelineChart.Unit u : TimelineChart.Unit.values()) {
            assertThat(m.has("timeline.unit." + u.name())).isTrue();
        }
    }

    @Test
    void bundleIsValidUtf8AndHelpLinksAreHttps() throws Exception {
        Properties p = new Properties();
        try (InputStream in = Messages.class.getResourceAsStream("messages.properties")) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        assertThat(p.getProperty("meaning.help.amnesty.url")).isEqualTo("https://securitylab.amnesty.org/get-help/");
        assertThat(p.getProperty("meaning.help.accessnow.url")).isEqualTo("https://www.accessnow.org/help/");
        assertThat(Messages.english().plural("alerts.count", 1)).isEqualTo("1 alert");
        assertThat(Messages.english().plural("alerts.count", 3)).isEqualTo("3 alerts");
        assertThat(Messages.english().get("no.such.key")).isEqualTo("no.such.key");
    }
}
