package org.vigil.modules.ios.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
