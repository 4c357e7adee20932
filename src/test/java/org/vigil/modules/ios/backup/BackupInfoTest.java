package org.vigil.modules.ios.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.vigil.ioc.Indicators;
import org.vigil.ios.IosReleases;
import org.slf4j.LoggerFactory;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceKind;
import org.vigil.source.iosbackup.BackupFixture;
import org.vigil.source.iosbackup.IosBackupSource;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

class BackupInfoTest {
    static ModuleContext context(AcquisitionSource source, Indicators indicators) {
        return new ModuleContext(source, indicators, null, Map.of(),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void realSample() throws Exception {
        try (IosBackupSource src = IosBackupSource.open(SharedData.iosBackup())) {
            ModuleResult r = new BackupInfo().run(context(src, Indicators.empty()));

            Map<?, ?> results = (Map<?, ?>) r.results();
            assertThat(results).hasSize(18);
            assertThat(results.keySet().stream().map(Object::toString).toList())
                    .containsExactlyElementsOf(BackupInfo.FIELDS);
            assertThat(results.get("Build Version")).isEqualTo("18C66");
            assertThat(results.get("IMEI")).isEqualTo("42");
            assertThat(results.get("Product Type")).isEqualTo("iPhone9,3");
            assertThat(results.get("Last Backup Date")).isEqualTo("2021-12-03 19:33:13");
            assertThat(results.get("Installed Applications")).isEqualTo(List.of("ph.telegra.Telegraph",
                    "com.google.Gmail", "ch.icoaching.typewise", "com.google.chrome.ios", "net.whatsapp.WhatsApp",
                    "org.mozilla.ios.Firefox"));
            assertThat(results.containsKey("MEID")).isTrue();
            assertThat(results.get("MEID")).isNull();
            assertThat(r.alerts()).isEmpty();
            assertThat(r.timeline()).isEmpty();
        }
    }

    @Test
    void writesMvtShapedJson(@TempDir Path tmp) throws Exception {
        Path root = BackupFixture.at(tmp.resolve("b")).file("HomeDomain", "a", "a").write();
        try (IosBackupSource src = IosBackupSource.open(root)) {
            ModuleResult r = new BackupInfo().run(context(src, Indicators.empty()));
            String json = new ObjectMapper().writeValueAsString(r.results());
            assertThat(json).isEqualTo("{\"Build Version\":\"18C66\",\"Device Name\":\"Test iPhone\","
                    + "\"Display Name\":null,\"GUID\":null,\"ICCID\":null,\"IMEI\":\"42\",\"MEID\":null,"
                    + "\"Installed Applications\":[\"com.example.app\"],\"Last Backup Date\":\"2021-12-03 19:33:13\","
                    + "\"Phone Number\":\"+1 555 0100\",\"Product Name\":null,\"Product Type\":\"iPhone9,3\","
                    + "\"Product Version\":\"14.3\",\"Serial Number\":\"F1234567890\",\"Target Identifier\":null,"
                    + "\"Target Type\":null,\"Unique Identifier\":null,\"iTunes Version\":null}");
        }
    }

    @Test
    void datesWithFractionsKeepMicroseconds() {
        assertThat(BackupInfo.jsonValue(Instant.parse("2021-12-03T19:33:13.250Z"))).isEqualTo("2021-12-03 19:33:13.250000");
    }

    @Test
    void missingInfoPlistIsNotPresent(@TempDir Path tmp) {
        FakeSource src = new FakeSource(SourceKind.IOS_BACKUP, tmp);
        assertThatThrownBy(() -> new BackupInfo().run(context(src, Indicators.empty())))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("No Info.plist at backup path " + tmp + ", unable to extract device information");
    }

    @Test
    void corruptInfoPlistIsUnreadable(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("Info.plist"), "bplist00 truncated");
        FakeSource src = new FakeSource(SourceKind.IOS_BACKUP, tmp);
        assertThatThrownBy(() -> new BackupInfo().run(context(src, Indicators.empty())))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(tmp.resolve("Info.plist") + ": not a valid property list");
    }

    @Test
    void recheckHasNothingToCheck() throws Exception {
        assertThat(new BackupInfo().recheck(new ObjectMapper().readTree("{\"IMEI\":\"42\"}"), Indicators.empty()))
                .isEmpty();
        assertThat(new BackupInfo().descriptor().slug()).isEqualTo("backup_info");
        assertThat(new BackupInfo().descriptor().pluginName()).isEqualTo("BackupInfo");
    }

    private static List<String> logged(ThrowingRun body) throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(BackupInfo.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
        try {
            body.run();
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
        return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    interface ThrowingRun {
        void run() throws Exception;
    }

    @Test
    void realSampleLogsOutdatedIosAndModel() throws Exception {
        try (IosBackupSource src = IosBackupSource.open(SharedData.iosBackup())) {
            List<String> lines = logged(() -> new BackupInfo().run(context(src, Indicators.empty())));
            assertThat(lines).contains("INFO Product Type: iPhone9,3 (iPhone 7)", "INFO Product Version: 14.3",
                    "WARN This phone is running an outdated iOS version: 14.3 (latest is 26.6.1)");
            assertThat(lines.stream().filter(l -> l.startsWith("WARN"))).hasSize(1);
            assertThat(src.deviceInfo().get(IosBackupSource.MODEL)).isEqualTo("iPhone 7");
            assertThat(src.deviceInfo().get(IosBackupSource.IOS_LATEST_KNOWN)).isEqualTo("26.6.1");
        }
    }

    @Test
    void currentIosIsNotWarnedAndUnknownModelIsLoggedBare(@TempDir Path tmp) throws Exception {
        Path root = BackupFixture.at(tmp.resolve("b")).file("HomeDomain", "a", "a").write();
        IosReleases releases = IosReleases.of(List.of(new IosReleases.Release("18C66", "14.3")), List.of());
        try (IosBackupSource src = IosBackupSource.open(root)) {
            List<String> lines = logged(() -> new BackupInfo(releases).run(context(src, Indicators.empty())));
            assertThat(lines).contains("INFO Product Type: iPhone9,3");
            assertThat(lines).noneMatch(l -> l.startsWith("WARN"));
            assertThat(lines).hasSize(18);
        }
    }
}
