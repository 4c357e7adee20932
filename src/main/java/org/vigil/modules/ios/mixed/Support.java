package org.vigil.modules.ios.mixed;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.Locale;
import org.vigil.core.CorruptArtifactException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/** Small helpers shared by the modules of this package. */
final class Support {
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    private Support() {}

    /**
     * A value as Python's {@code str()} prints it in an f-string, so timeline texts are the bytes
     * MVT writes: {@code None} for null, {@code 1.0} for a whole float, {@code True}/{@code False}.
     */
    static String py(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Double d) {
            return pyFloat(d);
        }
        if (value instanceof Float f) {
            return pyFloat(f.doubleValue());
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return value.toString();
    }

    /** A double as Python's {@code repr(float)}: plain notation for 1e-4 <= |x| < 1e16, else exponent. */
    static String pyFloat(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        double abs = Math.abs(d);
        BigDecimal exact = new BigDecimal(Double.toString(d));
        if (abs >= 1e-4 && abs < 1e16) {
            String s = exact.stripTrailingZeros().toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        // exponent form like Python: 1e+16, 1.5e-05
        String unscaled = exact.unscaledValue().abs().toString().replaceAll("0+$", "");
        if (unscaled.isEmpty()) {
            unscaled = "0";
        }
        int exponent = exact.precision() - exact.scale() - 1;
        String mantissa = unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
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
}
