package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.report.MvtJson;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;
import org.vigil.source.sysdiagnose.TarFixture;

class SwcutilShowTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();
    static final String DASHES = "-".repeat(80);

    /** swcutil show output, entries as Apple's TN3155 prints them. */
    static final String SHOW = String.join("\n",
            "Enterprise Mode:      false",
            "Developer Mode:       true",
            "",
            "=================================== DATABASE ===================================",
            "Service:              applinks",
            "App ID:               Y28TH9SHX7.com.stripe.FruitStore",
            "App Version:          1.0",
            "App PI:               <LSPersistentIdentifier 0x115e1a390> { v = 0, t = 0x8 }",
            "Domain:               example.com?mode=developer",
            "User Approval:        unspecified",
            "Site/Fmwk Approval:   unspecified",
            "Flags:                developer",
            "Last Checked:         2021-09-23 18:16:58 +0000",
            "Next Check:           2021-09-23 21:21:34 +0000",
            "Error:                Error Domain=NSCocoaErrorDomain Code=3840 \"JSON text did not start\"",
            DASHES,
            "Service:              webcredentials",
            "App ID:               ABCDE12345.com.example.chat",
            "Domain:               *.Login.Evil-Example.net",
            "User Approval:        unspecified",
            "Site/Fmwk Approval:   approved",
            "Last Checked:         2024-12-01 3:04:05\u202fPM +0100",
            DASHES,
            "Service:              applinks",
            "App ID:               ABCDE12345.com.example.chat",
            "Domain:               chat.example.org",
            "",
            "=================================== NETWORK ====================================",
            "Domain:               ignored.example",
            "================================= MEMORY USAGE =================================",
            "swcd: 1 MB",
            "");

    @TempDir
    Path tmp;

    private final SwcutilShow module = new SwcutilShow();

    private Path folder(String content) throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top);
        Files.writeString(top.resolve("sysdiagnose.log"), "x\n");
        if (content != null) {
            Files.writeString(top.resolve(SwcutilShow.FILE), content);
        }
        return top;
    }

    private ModuleResult run(Path path, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return module.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<SwcutilShow.Entry> records(ModuleResult r) {
        return (List<SwcutilShow.Entry>) r.results();
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "Test", "test.stix2").build();
    }

    @Test
    void readsDatabaseEntries() throws Exception {
        ModuleResult r = run(folder(SHOW), Indicators.empty());
        assertThat(records(r)).containsExactly(
                new SwcutilShow.Entry("applinks", "Y28TH9SHX7.com.stripe.FruitStore", "com.stripe.FruitStore", "1.0",
                        "example.com?mode=developer", "example.com", "unspecified", "unspecified", "developer",
                        "2021-09-23 18:16:58.000000", "Error Domain=NSCocoaErrorDomain Code=3840 \"JSON text did not"
                                + " start\""),
                new SwcutilShow.Entry("webcredentials", "ABCDE12345.com.example.chat", "com.example.chat", "",
                        "*.Login.Evil-Example.net", "login.evil-example.net", "unspecified", "approved", "",
                        "2024-12-01 14:04:05.000000", ""),
                new SwcutilShow.Entry("applinks", "ABCDE12345.com.example.chat", "com.example.chat", "",
                        "chat.example.org", "chat.example.org", "", "", "", "", ""));
        assertThat(r.timeline()).extracting(TimelineEvent::timestamp, TimelineEvent::event, TimelineEvent::data)
                .containsExactly(tuple("2021-09-23 18:16:58.000000", "associated_domain_check",
                        "applinks: Y28TH9SHX7.com.stripe.FruitStore for example.com?mode=developer"),
                        tuple("2024-12-01 14:04:05.000000", "associated_domain_check",
                                "webcredentials: ABCDE12345.com.example.chat for *.Login.Evil-Example.net"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void domainAndAppIndicatorsAreCritical() throws Exception {
        Path top = folder(SHOW);
        ModuleResult byDomain = run(top, iocs(IndicatorType.DOMAINS, "evil-example.net"));
        assertThat(byDomain.alerts()).extracting(Alert::level, Alert::eventTime)
                .containsExactly(tuple(Level.CRITICAL, "2024-12-01 14:04:05.000000"));
        ModuleResult byApp = run(top, iocs(IndicatorType.APP_IDS, "com.example.chat"));
        assertThat(byApp.alerts()).hasSize(1);
        assertThat(run(top, iocs(IndicatorType.DOMAINS, "ignored.example")).alerts()).isEmpty();
    }

    @Test
    void tarGzAndDateVariants() throws Exception {
        Path tgz = new TarFixture().dir(TOP + "/").file(TOP + "/sysdiagnose.log", "x\n")
                .file(TOP + "/" + SwcutilShow.FILE, SHOW).writeTarGz(tmp.resolve(TOP + ".tar.gz"));
        assertThat(records(run(tgz, Indicators.empty()))).hasSize(3);
        assertThat(SwcutilShow.time("2024-12-01 12:00:00 AM +0000")).isEqualTo("2024-12-01 00:00:00.000000");
        assertThat(SwcutilShow.time("2024-12-01 13:00:00 PM +0000")).isEmpty();
        assertThat(SwcutilShow.time("2024-02-30 10:00:00 +0000")).isEmpty();
        assertThat(SwcutilShow.time("(null)")).isEmpty();
    }

    @Test
    void fileWithoutDatabaseIsUnreadableAndEmptyFileGivesNothing() throws Exception {
        Path top = folder("garbage\n\u0000\u0001\nService: x\n");
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(CorruptArtifactException.class)
                    .hasMessageStartingWith("swcutil_show.txt: no DATABASE entry found");
        }
        Files.writeString(top.resolve(SwcutilShow.FILE), "");
        assertThat(records(run(top, Indicators.empty()))).isEmpty();
    }

    @Test
    void missingFileIsNotPresent() throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(folder(null))) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class).hasMessage("swcutil_show.txt not found");
        }
    }

    @Test
    void recheckOfSavedResults() throws Exception {
        JsonNode saved = JSON.readTree("[{\"domain\": \"*.evil-example.net?mode=developer\", \"bundle_id\": \"a.b\"},"
                + " {\"host\": \"evil-example.net\"}]");
        assertThat(module.recheck(saved, iocs(IndicatorType.DOMAINS, "evil-example.net"))).hasSize(1);
        assertThat(module.recheck(saved, Indicators.empty())).isEmpty();
    }
}
