package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.Module;
import org.vigil.core.ModuleDescriptor;
import org.vigil.demo.BackupWriter;
import org.vigil.demo.DemoScenario;
import org.vigil.modules.ModuleRegistry;
import org.vigil.source.SourceKind;
import org.vigil.source.iosbackup.IosBackupSource;
import org.vigil.testing.FakeSource;

/** The expected work of backup modules: the sizes of the files their descriptors name. */
class ModuleWorkTest {
    @TempDir
    Path tmp;

    @Test
    void backupModulesWeighTheFilesTheyRead() throws Exception {
        Path backup = tmp.resolve("backup");
        DemoScenario.write(backup, tmp.resolve("demo.stix2"));
        Map<String, Long> work = new HashMap<>();
        try (IosBackupSource source = IosBackupSource.open(backup)) {
            ToLongFunction<ModuleDescriptor> weight = ModuleWork.of(source);
            for (Module m : ModuleRegistry.forKind(SourceKind.IOS_BACKUP)) {
                work.put(m.descriptor().slug(), weight.applyAsLong(m.descriptor()));
            }
        }
        long smsDb = Files.size(file(backup, "HomeDomain", "Library/SMS/sms.db"));
        assertThat(work.get("sms")).isEqualTo(smsDb).isPositive();
        assertThat(work.get("datausage"))
                .isEqualTo(Files.size(file(backup, "WirelessDomain", "Library/Databases/DataUsage.sqlite")));
        assertThat(work.get("manifest")).isEqualTo(Files.size(backup.resolve("Manifest.db")));
        assertThat(work.get("backup_info")).isEqualTo(Files.size(backup.resolve("Info.plist")));
        // absent files and patterns (a Manifest scan each) weigh nothing
        assertThat(work.get("calls")).isZero();
        assertThat(work.get("safari_history")).isZero(); // "*/Library/Safari/History.db"
    }

    @Test
    void otherSourcesGiveNoEstimate() {
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp);
        ModuleDescriptor sms = ModuleRegistry.forKind(SourceKind.IOS_BACKUP).stream().map(Module::descriptor)
                .filter(d -> d.slug().equals("sms")).findFirst().orElseThrow();
        assertThat(ModuleWork.of(fs).applyAsLong(sms)).isZero();
        assertThat(ModuleWork.backupFileSize(new FakeSource(SourceKind.IOS_BACKUP, tmp), "not a path")).isZero();
        assertThat(List.of(sms.artifacts().get(0))).containsExactly("HomeDomain/Library/SMS/sms.db");
    }

    private static Path file(Path backup, String domain, String relativePath) {
        String id = BackupWriter.fileId(domain, relativePath);
        return backup.resolve(id.substring(0, 2)).resolve(id);
    }
}
