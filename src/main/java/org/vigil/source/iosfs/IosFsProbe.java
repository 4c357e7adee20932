package org.vigil.source.iosfs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;

/**
 * Recognises iOS filesystem dumps for {@link SourceDetector}: a folder with {@code private/var} at
 * its top or under one sub-folder, or a tar, tar.gz or zip with such entries among its first
 * {@value IosFsSource#PROBE_ENTRIES}. Asked after the backup, Android and sysdiagnose probes: none
 * of those acquisitions holds {@code private/var} near its top.
 */
public final class IosFsProbe implements SourceDetector.Probe {
    private final IosFsSource.Options options;

    /** A probe opening dumps with the default options. */
    public IosFsProbe() {
        this(IosFsSource.Options.DEFAULT);
    }

    /** A probe opening dumps with these options (e.g. the files to prefetch from a .tar.gz). */
    public IosFsProbe(IosFsSource.Options options) {
        this.options = options;
    }

    @Override
    public Optional<SourceKind> detect(Path path) throws IOException {
        return IosFsSource.looksLikeDump(path) ? Optional.of(SourceKind.IOS_FS) : Optional.empty();
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException {
        return IosFsSource.open(path, options);
    }
}
