package org.vigil.source.sysdiagnose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;

/**
 * Recognises sysdiagnoses for {@link SourceDetector}: a {@code sysdiagnose_*.tar.gz} (or any gzip
 * tar whose first entry is under a {@code sysdiagnose_*} folder), or a folder holding
 * {@code sysdiagnose.log} or {@code system_logs.logarchive} (itself or its only sub-folder).
 */
public final class SysdiagnoseProbe implements SourceDetector.Probe {
    @Override
    public Optional<SourceKind> detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return SysdiagnoseSource.findFolder(path).map(p -> SourceKind.IOS_SYSDIAGNOSE);
        }
        return SysdiagnoseSource.isSysdiagnoseArchive(path) ? Optional.of(SourceKind.IOS_SYSDIAGNOSE)
                : Optional.empty();
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException {
        return SysdiagnoseSource.open(path);
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind, org.vigil.source.BackupCredentials credentials,
            org.vigil.core.Progress progress) throws VigilException, IOException {
        return SysdiagnoseSource.open(path, SysdiagnoseSource.Limits.DEFAULT, progress);
    }
}
