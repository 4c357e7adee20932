package org.vigil.source.android;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.VigilException;
import org.vigil.io.CappedInputStream;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.BackupCredentials;
import org.vigil.source.DeviceInfo;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;

/**
 * An Android backup ({@code .ab}) read from a stream, its telephony files kept in memory: the
 * {@code backup.ab} of an age-encrypted androidqf acquisition, whose plaintext must not reach the
 * disk. Same artifacts, names, filters and errors as {@link AndroidBackupSource} reading an
 * {@code .ab} file (members under {@value AndroidBackupSource#TELEPHONY_DF}, unsafe or non-regular
 * members skipped with a warning, the whole stream read so that truncation is reported); the
 * members are held in memory within {@value #MAX_KEPT_BYTES} bytes.
 */
public final class MemoryBackupSource implements AcquisitionSource {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBackupSource.class);

    /** Cap of the telephony files held in memory. */
    public static final long MAX_KEPT_BYTES = 256L << 20;

    private final Path root;
    private final AndroidBackup.Header header;
    private final Map<String, ArtifactRef> refs;
    private final Map<String, byte[]> data;

    private MemoryBackupSource(Path root, AndroidBackup.Header header, Map<String, ArtifactRef> refs,
            Map<String, byte[]> data) {
        this.root = root;
        this.header = header;
        this.refs = refs;
        this.data = data;
    }

    /**
     * Reads the backup from {@code raw} (closed here).
     *
     * @param name the backup's name (e.g. {@code x.zip.age!androidqf/backup.ab}), as {@link #root()}
     * @param credentials the password of an encrypted backup, else null
     * @throws CorruptArtifactException for a bad header, a truncated or corrupt stream, or too much data
     * @throws org.vigil.core.WrongPasswordException for a wrong password
     * @throws org.vigil.core.EncryptedSourceException for an encrypted backup without credentials
     */
    public static MemoryBackupSource open(InputStream raw, Path name, BackupCredentials credentials)
            throws VigilException, IOException {
        Map<String, byte[]> data = new LinkedHashMap<>();
        Map<String, ArtifactRef> refs = new LinkedHashMap<>();
        AndroidBackup.Header header;
        long kept = 0;
        try (InputStream in = raw) {
            byte[] head = in.readNBytes(AndroidBackup.MAGIC.length() + 3 * 16);
            header = AndroidBackup.Header.parse(head);
            InputStream whole = new java.io.SequenceInputStream(new ByteArrayInputStream(head), in);
            try (InputStream tar = AndroidBackup.openTar(whole, name.toString(), credentials,
                    AndroidBackupSource.MAX_TAR_BYTES);
                    BoundedTar reader = new BoundedTar(tar)) {
                TarArchiveEntry e;
                while ((e = reader.next()) != null) {
                    String member = e.getName();
                    if (!member.startsWith(AndroidBackupSource.TELEPHONY_DF)) {
                        continue;
                    }
                    String base = member.substring(AndroidBackupSource.TELEPHONY_DF.length());
                    if (e.isDirectory() && (base.isEmpty() || base.equals("/"))) {
                        continue;
                    }
                    if (!BoundedTar.isRegularFile(e)) {
                        LOG.warn("{}: skipping tar member {} (not a regular file, type '{}')", name, member,
                                (char) e.getLinkFlag());
                        continue;
                    }
                    if (!AndroidBackupSource.safeName(base)) {
                        LOG.warn("{}: skipping unsafe tar member name {}", name, member);
                        continue;
                    }
                    if (data.containsKey(member)) {
                        LOG.warn("{}: duplicate tar member {} ignored (the first is kept)", name, member);
                        continue;
                    }
                    if (e.getSize() < 0 || kept + e.getSize() > MAX_KEPT_BYTES) {
                        throw new CorruptArtifactException(name + ": the telephony files exceed " + MAX_KEPT_BYTES
                                + " bytes in all (in-memory cap for encrypted acquisitions)");
                    }
                    byte[] bytes = new CappedInputStream(reader.content(), e.getSize(), name + ": tar member "
                            + member + " holds more than its declared size").readAllBytes();
                    if (bytes.length < e.getSize()) {
                        throw new EOFException("truncated tar member " + member);
                    }
                    kept += bytes.length;
                    FileMeta meta = new FileMeta(e.getSize(), 0100000 | (e.getMode() & 07777), -1, null,
                            e.getModTime().toInstant().getEpochSecond(), null);
                    data.put(member, bytes);
                    refs.put(member, new ArtifactRef(member, "", member, meta));
                }
                tar.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new CorruptArtifactException(name + ": the backup data is truncated or corrupt ("
                        + e.getMessage() + ")", e);
            }
        }
        Map<String, ArtifactRef> sorted = new LinkedHashMap<>();
        refs.keySet().stream().sorted().forEach(k -> sorted.put(k, refs.get(k)));
        LOG.info("Opened Android backup {} in memory (version {}, encryption {}): {} telephony files", name,
                header.version(), header.encryption(), sorted.size());
        return new MemoryBackupSource(name, header, sorted, data);
    }

    /** The .ab header. */
    public AndroidBackup.Header header() {
        return header;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.ANDROID_BACKUP;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public List<ArtifactRef> find(ArtifactPattern pattern) {
        List<ArtifactRef> out = new ArrayList<>();
        for (ArtifactRef r : refs.values()) {
            if (pattern.matches(r)) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public Optional<ArtifactRef> byId(String id) {
        return Optional.ofNullable(refs.get(id));
    }

    @Override
    public void forEachEntry(Consumer<ArtifactRef> consumer) {
        refs.values().forEach(consumer);
    }

    @Override
    public boolean hasContent(ArtifactRef ref) {
        return data.containsKey(ref.id());
    }

    @Override
    public InputStream open(ArtifactRef ref) throws IOException {
        byte[] b = data.get(ref.id());
        if (b == null) {
            throw new java.nio.file.NoSuchFileException(root + ": no member " + ref.id());
        }
        return new ByteArrayInputStream(b);
    }

    @Override
    public Path localFile(ArtifactRef ref) throws IOException {
        throw new IOException(root + "!" + ref.id() + ": read in memory (encrypted acquisition); never written to disk");
    }

    @Override
    public Optional<Path> rootFile(String relativePath) {
        return Optional.empty();
    }

    @Override
    public DeviceInfo deviceInfo() {
        return DeviceInfo.empty();
    }

    @Override
    public List<Path> inputFiles() {
        return List.of();
    }

    @Override
    public void close() {
        data.clear();
    }
}
