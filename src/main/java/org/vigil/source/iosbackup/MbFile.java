package org.vigil.source.iosbackup;

import java.time.Instant;
import java.util.Map;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.KeyedArchive;
import org.vigil.source.FileMeta;

/**
 * Decodes the {@code file} column of a backup's {@code Manifest.db}: an NSKeyedArchiver binary
 * plist whose root object (an {@code MBFile}) holds {@code Size}, {@code Mode}, {@code UserID},
 * {@code Birth}, {@code LastModified} and {@code LastStatusChange} (Unix seconds), and in encrypted
 * backups {@code EncryptionKey} and {@code ProtectionClass}.
 */
public final class MbFile {
    private MbFile() {}

    /**
     * The metadata recorded in a {@code file} blob. Missing fields are -1 or null.
     *
     * @param blob the blob
     * @param name how to name it in messages (e.g. the fileID)
     * @throws CorruptArtifactException when the blob is not a readable keyed archive of an object
     */
    public static FileMeta decode(byte[] blob, String name) throws CorruptArtifactException {
        FileMeta fast = MbFileFastPath.read(blob);
        return fast != null ? fast : decodeGraph(blob, name);
    }

    /** The general decoder: the whole keyed archive, with its loop and depth checks. */
    static FileMeta decodeGraph(byte[] blob, String name) throws CorruptArtifactException {
        Map<?, ?> file = fields(blob, name);
        return new FileMeta(number(file.get("Size"), -1), (int) number(file.get("Mode"), -1),
                number(file.get("UserID"), -1), seconds(file.get("Birth")), seconds(file.get("LastModified")),
                seconds(file.get("LastStatusChange")));
    }

    /** Every decoded field of the blob's root object (for fields {@link FileMeta} does not carry). */
    public static Map<?, ?> fields(byte[] blob, String name) throws CorruptArtifactException {
        Object root = KeyedArchive.decode(blob, name);
        if (root instanceof Map<?, ?> m) {
            return m;
        }
        throw new CorruptArtifactException(name + ": file metadata is not an archived object");
    }

    private static long number(Object v, long absent) {
        return v instanceof Number n ? n.longValue() : absent;
    }

    private static Long seconds(Object v) {
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return (long) Math.floor(d);
        }
        if (v instanceof Instant i) {
            return i.getEpochSecond();
        }
        return null;
    }
}
