package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vigil.core.Module;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.ResultSink;
import org.vigil.core.model.RunSink;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.testing.SharedData;

/**
 * The WhatsApp modules, Chrome and Firefox modules and InteractionC run as a check-backup run does
 * (MVT order, dependency ordering, streamed outputs) on the real sample backup.
 */
class WhatsappPipelineTest {

    /** Collects what each module streams, deduplicating timeline rows as the real sink does. */
    private static final class Capture implements RunSink {
        final Map<String, List<Object>> records = new LinkedHashMap<>();
        final Map<String, Set<TimelineEvent>> timeline = new LinkedHashMap<>();

        @Override
        public ResultSink open(String slug, String pluginName) {
            List<Object> recs = records.computeIfAbsent(slug, k -> new ArrayList<>());
            Set<TimelineEvent> rows = timeline.computeIfAbsent(slug, k -> new LinkedHashSet<>());
            return new ResultSink() {
                @Override
                public void record(Object record) {
                    recs.add(record);
                }

                @Override
                public void timeline(TimelineEvent event) {
                    rows.add(event);
                }

                @Override
                public long finish() {
                    return rows.size();
                }

                @Override
                public void abort() {
                    recs.clear();
                    rows.clear();
                }
            };
        }
    }

    /** The mixed modules of this helper, in MVT's MIXED_MODULES order. */
    private static List<Module> mvtOrder() {
        return List.of(new ChromeFavicon(), new ChromeHistory(), new FirefoxFavicon(), new FirefoxHistory(),
                new InteractionC(), new Whatsapp(), new WhatsappContacts());
    }

    @Test
    void dependencyOrderIsMvts() throws Exception {
        assertThat(ModuleRunner.order(mvtOrder(), List.of()).stream().map(m -> m.descriptor().pluginName()))
                .containsExactly("ChromeFavicon", "ChromeHistory", "FirefoxFavicon", "FirefoxHistory", "Whatsapp",
                        "WhatsappContacts", "InteractionC");
        assertThat(ModuleRunner.order(mvtOrder(), List.of("interaction_c")).stream()
                .map(m -> m.descriptor().slug())).containsExactly("whatsapp_contacts", "interaction_c");
    }

    @Test
    void checkBackupRunOnTheSample() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "example.org", "TestMalware", "test.stix2")
                .build();
        Capture capture = new Capture();
        ModuleRunner runner = new ModuleRunner(Fixtures.sampleBackup(), iocs, ModuleOptions.defaults(),
                Fixtures.CLOCK, null, capture);
        List<ModuleOutcome> outcomes = runner.run(ModuleRunner.order(mvtOrder(), List.of()));
        Map<String, ModuleOutcome> bySlug = new LinkedHashMap<>();
        outcomes.forEach(o -> bySlug.put(o.slug(), o));

        for (String absent : List.of("chrome_favicon", "chrome_history", "firefox_favicon", "firefox_history")) {
            assertThat(bySlug.get(absent).status()).isEqualTo(ModuleStatus.NOT_PRESENT);
        }
        assertThat(bySlug.get("whatsapp").recordCount()).isEqualTo(6);
        assertThat(bySlug.get("whatsapp").timelineCount()).isEqualTo(9);
        assertThat(bySlug.get("whatsapp").alerts()).singleElement().satisfies(a -> {
            assertThat(a.level()).isEqualTo(org.vigil.core.model.Level.CRITICAL);
            assertThat(a.matchedIndicator().value()).isEqualTo("example.org");
        });
        assertThat(bySlug.get("whatsapp").urls()).hasSize(1);
        assertThat(bySlug.get("whatsapp_contacts").recordCount()).isEqualTo(2);
        assertThat(bySlug.get("whatsapp_contacts").timelineCount()).isEqualTo(5);
        assertThat(bySlug.get("interaction_c").recordCount()).isEqualTo(3);
        assertThat(bySlug.get("interaction_c").timelineCount()).isEqualTo(6);
        assertThat(bySlug.get("interaction_c").alerts()).isEmpty();
        // InteractionC saw WhatsappContacts' records although they were streamed
        assertThat(capture.timeline.get("interaction_c")).extracting(TimelineEvent::data).contains(
                "[net.whatsapp.WhatsApp] INCOMING from Alice Example (+14155550100) to local user");
    }

    @Test
    void sampleBackupIsUnchangedAfterTheModulesRun() throws Exception {
        Path backup = SharedData.iosBackup();
        Map<String, String> before = snapshot(backup);
        new ModuleRunner(Fixtures.sampleBackup(), Indicators.empty(), ModuleOptions.defaults(), Fixtures.CLOCK, null)
                .run(ModuleRunner.order(mvtOrder(), List.of()));
        assertThat(snapshot(backup)).isEqualTo(before);
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> {
                try {
                    String key = root.relativize(p).toString();
                    if (Files.isRegularFile(p)) {
                        MessageDigest md = MessageDigest.getInstance("SHA-256");
                        hashes.put(key, HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))));
                    } else {
                        hashes.put(key, "dir");
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return hashes;
    }
}
