package org.vigil.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.EncryptedSourceException;
import org.vigil.source.iosbackup.BackupFixture;
import org.vigil.source.iosbackup.IosBackupSource;
import org.vigil.testing.SharedData;

class SourceDetectorTest {
    private final SourceDetector detector = SourceDetector.standard();

    private static Path backup(Path root) throws Exception {
        return BackupFixture.at(root).file("HomeDomain", "Library/SMS/sms.db", "x").write();
    }

    @Test
    void detectsPlainBackupsDirectlyAndOneLevelUp(@TempDir Path tmp) throws Exception {
        Path root = backup(tmp.resolve("Backup/udid"));
        assertThat(detector.detect(root)).isEqualTo(SourceKind.IOS_BACKUP);
        assertThat(detector.detect(tmp.resolve("Backup"))).isEqualTo(SourceKind.IOS_BACKUP);
        try (AcquisitionSource src = detector.open(tmp.resolve("Backup"))) {
            assertThat(src).isInstanceOf(IosBackupSource.class);
            assertThat(src.root()).isEqualTo(root.toAbsolutePath().normalize());
        }
    }

    @Test
    void detectsEncryptedBackupsAndRefusesToOpenThemWithoutAPassword(@TempDir Path tmp) throws Exception {
        Path root = BackupFixture.at(tmp.resolve("enc")).manifestPlist(true, true).write();
        assertThat(detector.detect(root)).isEqualTo(SourceKind.IOS_BACKUP_ENCRYPTED);
        assertThatThrownBy(() -> detector.open(root)).isInstanceOf(EncryptedSourceException.class)
                .hasMessageContaining("password");
    }

    @Test
    void rejectsWhatItDoesNotRecognise(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> detector.detect(empty)).isInstanceOf(UnrecognisedSourceException.class)
                .hasMessage(empty + " is not a recognised acquisition: it does not appear to be an iTunes backup "
                        + "folder (expected Manifest.db and Info.plist)");
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> detector.open(missing)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(missing + ": no such file or directory");
    }

    @Test
    void probesAreAskedInOrder(@TempDir Path tmp) throws Exception {
        Path root = backup(tmp.resolve("b"));
        SourceDetector.Probe claimsEverything = new SourceDetector.Probe() {
            @Override
            public Optional<SourceKind> detect(Path path) {
                return Optional.of(SourceKind.IOS_FS);
            }

            @Override
            public AcquisitionSource open(Path path, SourceKind kind) {
                throw new UnsupportedOperationException();
            }
        };
        assertThat(new SourceDetector(List.of(claimsEverything)).detect(root)).isEqualTo(SourceKind.IOS_FS);
        assertThat(new SourceDetector(List.of(new SourceDetector.IosBackupProbe(), claimsEverything)).detect(root))
                .isEqualTo(SourceKind.IOS_BACKUP);
    }

    @Test
    void realSample() throws Exception {
        assertThat(detector.detect(SharedData.iosBackup())).isEqualTo(SourceKind.IOS_BACKUP);
    }
}
