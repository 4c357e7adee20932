package org.vigil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.DeviceInfo;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;

/**
 * A minimal in-memory {@link AcquisitionSource} for module tests: artifacts are registered by
 * domain and relative path and backed by files the test made (or by files of a real sample).
 */
public final class FakeSource implements AcquisitionSource {
    private final SourceKind kind;
    private final Path root;
    private final Map<String, ArtifactRef> refs = new TreeMap<>();
    private final Map<String, Path> files = new TreeMap<>();
    private DeviceInfo deviceInfo = DeviceInfo.empty();
    private boolean concurrentReads;

    public FakeSource(SourceKind kind, Path root) {
        this.kind = kind;
        this.root = root;
    }

    /** Registers an artifact backed by {@code file} (null = listed but content missing). */
    public FakeSource add(String id, String domain, String relativePath, Path file) {
        return add(id, domain, relativePath, FileMeta.UNKNOWN, file);
    }

    /** Registers an artifact with metadata. */
    public FakeSource add(String id, String domain, String relativePath, FileMeta meta, Path file) {
        refs.put(id, new ArtifactRef(id, domain, relativePath, meta));
        if (file != null) {
            files.put(id, file);
        }
        return this;
    }

    /**
     * Lets modules read this source at the same time (its maps are only read once the test has
     * filled them).
     */
    public FakeSource concurrentReads(boolean allowed) {
        this.concurrentReads = allowed;
        return this;
    }

    @Override
    public boolean concurrentReads() {
        return concurrentReads;
    }

    public FakeSource deviceInfo(DeviceInfo info) {
        this.deviceInfo = info;
        return this;
    }

    private List<ArtifactRef> sorted() {
        List<ArtifactRef> all = new ArrayList<>(refs.values());
        all.sort(Comparator.comparing(ArtifactRef::domain).thenComparing(ArtifactRef::relativePath));
        return all;
    }

    @Override
    public SourceKind kind() {
        return kind;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) {
        return sorted().stream().filter(pattern::matches).toList();
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        return Optional.ofNullable(refs.get(id));
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        sorted().forEach(consumer);
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return files.containsKey(ref.id()) && Files.isRegularFile(files.get(ref.id()));
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        return Files.newInputStream(localFile(ref));
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        Path p = files.get(ref.id());
        if (p == null) {
            throw new java.nio.file.NoSuchFileException(ref.displayName());
        }
        return p;
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        Path p = root.resolve(relativePath);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    @Override
    public List<Path> inputFiles() {
        return List.copyOf(files.values());
    }

    @Override
    public void close() {}
}
