package org.vigil.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A phone acquisition opened for reading. Sources never write to the evidence: any copy or
 * decrypted file lives in a private temporary workspace that {@link #close()} deletes.
 *
 * <p>Modules never learn whether the source was encrypted: {@link #localFile(ArtifactRef)} gives a
 * readable plain file either way.
 */
public interface AcquisitionSource extends AutoCloseable {

    /** What kind of acquisition this is. */
    SourceKind kind();

    /** The acquisition's root as given by the user, resolved (e.g. the UDID folder of a backup). */
    Path root();

    /** Every artifact matching the pattern, in a stable order (domain, then relative path). */
    List<ArtifactRef> find(ArtifactPattern pattern) throws IOException;

    /** The artifact with this source-specific id (backup fileID), if the source lists it. */
    Optional<ArtifactRef> byId(String id) throws IOException;

    /**
     * Calls {@code consumer} for every entry the source lists (a backup's Manifest rows), in a
     * stable order, streaming: the source does not hold them all in memory.
     */
    void forEachEntry(Consumer<ArtifactRef> consumer) throws IOException;

    /** True when the artifact's content is present in the acquisition (backups may be partial). */
    boolean hasContent(ArtifactRef ref);

    /** The artifact's content. The caller closes the stream. */
    InputStream open(ArtifactRef ref) throws IOException;

    /**
     * A local file holding the artifact's plain content, to be opened read-only (e.g. SQLite with
     * {@code immutable=1}). It may be the evidence file itself: never write to it. For encrypted
     * sources it is a private decrypted copy, deleted on {@link #close()}.
     */
    Path localFile(ArtifactRef ref) throws IOException;

    /** A file at a path relative to {@link #root()} (e.g. {@code Info.plist}), if present. */
    Optional<Path> rootFile(String relativePath);

    /**
     * True when several modules may read this source at the same time (from different threads):
     * every method may then be called concurrently, and what one caller gets does not depend on
     * what another does. False (the default) makes the run read it one module at a time.
     * Implementations that return true say in their Javadoc why it is safe.
     */
    default boolean concurrentReads() {
        return false;
    }

    /** What the acquisition says about the device. */
    DeviceInfo deviceInfo();

    /** Every file of the acquisition on disk, for {@code --hashes} (sorted). */
    List<Path> inputFiles() throws IOException;

    @Override
    void close() throws IOException;
}
