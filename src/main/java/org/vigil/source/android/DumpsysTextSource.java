package org.vigil.source.android;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
import org.vigil.source.SourceKind;

/**
 * androidqf's {@code dumpsys.txt} (the output of {@code adb shell dumpsys}) seen as the dumpstate
 * text of a bug report, so that the bug report modules that read {@code DUMP OF SERVICE} sections
 * can run on an androidqf acquisition without {@code bugreport.zip} (MVT #701). It holds that one
 * file, read in place through the androidqf source ({@link #byId byId}({@value
 * BugreportSource#DUMPSTATE_ID}) gives it); it has no {@code FS/} files, tombstones nor
 * {@code SYSTEM PROPERTIES}, so only the dumpsys-section modules are meant to run on it. Closing it
 * does not close the androidqf source.
 */
public final class DumpsysTextSource implements AcquisitionSource {
    private final AcquisitionSource parent;
    private final ArtifactRef dumpsys;

    /**
     * @param parent the androidqf acquisition
     * @param dumpsys its {@code dumpsys.txt}
     */
    public DumpsysTextSource(AcquisitionSource parent, ArtifactRef dumpsys) {
        this.parent = parent;
        this.dumpsys = dumpsys;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.ANDROID_BUGREPORT;
    }

    @Override
    public Path root() {
        return parent.root();
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) {
        return pattern.matches(dumpsys) ? List.of(dumpsys) : List.of();
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        return BugreportSource.DUMPSTATE_ID.equals(id) || dumpsys.id().equals(id) ? Optional.of(dumpsys)
                : Optional.empty();
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        consumer.accept(dumpsys);
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return dumpsys.id().equals(ref.id());
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        return parent.open(known(ref));
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        return parent.localFile(known(ref));
    }

    private ArtifactRef known(ArtifactRef ref) throws IOException {
        if (!hasContent(ref)) {
            throw new java.nio.file.NoSuchFileException(root() + ": no file " + ref.id());
        }
        return dumpsys;
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        return Optional.empty();
    }

    @Override
    public DeviceInfo deviceInfo() {
        return parent.deviceInfo();
    }

    @Override
    public List<Path> inputFiles() {
        return List.of();
    }

    @Override
    public void close() {
        // the androidqf source is closed by its owner
    }
}
