package org.vigil.modules.ios.mixed;

import org.vigil.io.PyFormat;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/** Small helpers shared by the modules of this package. */
final class Support {
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    private Support() {}

    /** A value as Python's {@code str()} prints it (see {@link PyFormat#str}). */
    static String py(Object value) {
        return PyFormat.str(value);
    }

    /** Python's {@code repr(float)} (see {@link PyFormat#floatRepr}). */
    static String pyFloat(double d) {
        return PyFormat.floatRepr(d);
    }

    /**
     * The error to raise for an SQL failure while reading: a {@link CorruptArtifactException}
     * naming the file when SQLite reports a damaged file, else the original exception (a bug).
     */
    static Exception sqlFailure(SQLException e, String name) {
        int code = e.getErrorCode() & 0xff;
        String msg = String.valueOf(e.getMessage());
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB || msg.contains("malformed")
                || msg.contains("not a database")) {
            return new CorruptArtifactException(name + ": database is malformed (" + msg + ")", e);
        }
        return e;
    }

    /**
     * How MVT names a database in its records ({@code os.path.relpath} from the acquisition
     * root): {@code 1a/1a0e7afc...} for a backup file, the relative path in a filesystem dump.
     */
    static String mvtRelativePath(AcquisitionSource source, ArtifactRef ref) {
        SourceKind kind = source.kind();
        if ((kind == SourceKind.IOS_BACKUP || kind == SourceKind.IOS_BACKUP_ENCRYPTED) && ref.id().length() > 2) {
            return ref.id().substring(0, 2) + "/" + ref.id();
        }
        return ref.id();
    }

    /** Python's truthiness of a value read from SQLite or JSON. */
    static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof byte[] b) {
            return b.length > 0;
        }
        if (value instanceof java.util.Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    /**
     * A value as text in a timeline sentence: Python's {@code str()} ({@code None}, {@code 1.0}),
     * bytes as MVT renders them in JSON.
     */
    static String text(Object value) {
        if (value instanceof byte[] b) {
            return PyFormat.bytes(b);
        }
        return PyFormat.str(value);
    }

    /** A string value: text as it is, bytes decoded as UTF-8, null as null, others as {@code str()}. */
    static String string(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return PyFormat.str(value);
    }
}
