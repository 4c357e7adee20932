package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class WebkitSessionResourceLogTest {
    static final String ID = "a500ee38053454a02e990957be8a251935e28d3f";
    static final String DOMAIN = "AppDomain-com.apple.mobilesafari";

    @TempDir
    Path tmp;

    private final WebkitSessionResourceLog module = new WebkitSessionResourceLog();

    private static Indicators domain(String d) {
        return Indicators.builder().add(IndicatorType.DOMAINS, d, "TestMalware", "test.stix2").build();
    }

    private static Map<String, Object> stat(String origin, List<?> from, List<?> to) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("PrevalentResourceOrigin", origin);
        if (from != null) {
            m.put("topFrameUniqueRedirectsFrom", from);
        }
        if (to != null) {
            m.put("topFrameUniqueRedirectsTo", to);
        }
        m.put("subframeUnderTopFrameOrigins", List.of(Map.of("origin", "frame.example.com")));
        m.put("hadUserInteraction", false);
        m.put("lastSeen", new Date(1_600_000_000_000L));
        return m;
    }

    private Path log(Object... stats) throws Exception {
        return Plists.writeBinary(tmp.resolve("log.plist"), Map.of("browsingStatistics", List.of(stats),
                "version", 1L));
    }

    private FakeSource backupWith(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(ID, DOMAIN, WebkitSessionResourceLog.BACKUP_RELPATH,
                file);
    }

    private Path chain() throws Exception {
        return log(stat("middle.example.net", List.of(Map.of("origin", "start.example.org")),
                List.of(Map.of("domain", "bad.example.org"))));
    }

    @Test
    void realSampleHasNoLog() throws Exception {
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("full_browsing_session_resourceLog.plist not found");
    }

    @Test
    void extraction() throws Exception {
        ModuleResult r = run(module, backupWith(chain()));
        JsonNode results = json(r.results());
        assertThat(results.isObject()).isTrue();
        assertThat(results.fieldNames()).toIterable().containsExactly("a5/" + ID);
        assertThat(results.get("a5/" + ID).toString()).isEqualTo("[{\"origin\":\"middle.example.net\","
                + "\"redirect_source\":[{\"origin\":\"start.example.org\"}],"
                + "\"redirect_destination\":[{\"domain\":\"bad.example.org\"}],"
                + "\"subframe_under_origin\":[{\"origin\":\"frame.example.com\"}],\"subresource_under_origin\":\"\","
                + "\"user_interaction\":false,\"most_recent_interaction\":null,"
                + "\"last_seen\":\"2020-09-13 12:26:40.000000\"}]");
        assertThat(r.timeline()).isEmpty();
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void numericDatesAreUnixSeconds() throws Exception {
        Map<String, Object> s = stat("a.example.org", null, null);
        s.put("lastSeen", 1_600_000_000.5);
        s.put("mostRecentUserInteraction", 1_600_000_000L);
        JsonNode e = json(run(module, backupWith(log(s))).results()).get("a5/" + ID).get(0);
        assertThat(e.get("last_seen").asText()).isEqualTo("2020-09-13 12:26:40.500000");
        assertThat(e.get("most_recent_interaction").asText()).isEqualTo("2020-09-13 12:26:40.000000");
        assertThat(e.get("redirect_source").asText()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void redirectChainToSuspiciousDomain() throws Exception {
        ModuleResult r = run(module, backupWith(chain()), domain("bad.example.org"));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL, Level.HIGH);
        assertThat(r.alerts().get(1).message()).isEqualTo("Found HTTP redirect between suspicious domains: "
                + "SOURCE: \"start.example.org\" -> ORIGIN: \"middle.example.net\" -> DESTINATION: \"bad.example.org\"");
        assertThat(r.alerts().get(0).matchedIndicator()).isNotNull();
        assertThat(module.recheck(json(r.results()), domain("bad.example.org"))).hasSize(2);
    }

    @Test
    @Tag("needs-ioc-engine")
    void subframeOriginMatches() throws Exception {
        ModuleResult r = run(module, backupWith(log(stat("a.example.org", null, null))),
                domain("frame.example.com"));
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL, Level.HIGH);
        assertThat(r.alerts().get(1).message())
                .isEqualTo("Found HTTP redirect between suspicious domains: ORIGIN: \"a.example.org\"");
    }

    @Test
    void noMatch() throws Exception {
        ModuleResult r = run(module, backupWith(chain()), domain("other.example.com"));
        assertThat(r.alerts()).isEmpty();
        assertThat(module.recheck(json(r.results()), domain("other.example.com"))).isEmpty();
    }

    @Test
    void withoutBrowsingStatistics() throws Exception {
        Path f = Plists.writeXml(tmp.resolve("x.plist"), Map.of("version", 1L));
        assertThat(json(run(module, backupWith(f)).results()).get("a5/" + ID)).isEmpty();
    }

    @Test
    void fsDumpKeysByRelativePath() throws Exception {
        String a = "private/var/mobile/Library/WebClips/W1/Storage/full_browsing_session_resourceLog.plist";
        String b = "private/var/mobile/Containers/Data/Application/A1/Library/WebKit/WebsiteData/"
                + "ResourceLoadStatistics/full_browsing_session_resourceLog.plist";
        Path f = chain();
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(a, "", a, f).add(b, "", b, f);
        JsonNode results = json(run(module, fs).results());
        assertThat(results.fieldNames()).toIterable().containsExactly(b, a);
    }

    @Test
    void missing() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_FS, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("full_browsing_session_resourceLog.plist not found");
    }

    @Test
    void corrupt() throws Exception {
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.emptyFile(tmp, "e"))))
                .isInstanceOf(CorruptArtifactException.class);
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.randomFile(tmp, "r"))))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(DOMAIN + "/" + WebkitSessionResourceLog.BACKUP_RELPATH + ":");
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.foreignDb(tmp, "f"))))
                .isInstanceOf(CorruptArtifactException.class);
    }
}
