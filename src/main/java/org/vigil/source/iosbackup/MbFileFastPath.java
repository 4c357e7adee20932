package org.vigil.source.iosbackup;

import java.nio.charset.StandardCharsets;
import org.vigil.io.BinaryPlistLayout;
import org.vigil.source.FileMeta;

/**
 * Reads the six {@link FileMeta} fields straight from a typical MBFile blob ({@code bplist00}, a
 * top dictionary whose {@code $objects[1]} is a flat dictionary of ASCII keys and integer values),
 * without building the whole object graph: Manifest.db may hold a million rows. Anything unusual
 * (another layout, a value that is a reference or a real, damaged offsets) gives null and the
 * caller falls back to the general decoder. Reads are bounds-checked; nothing recurses.
 */
final class MbFileFastPath {
    private static final byte[] MAGIC = "bplist00".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OBJECTS = "$objects".getBytes(StandardCharsets.US_ASCII);
    /** In {@link FileMeta} order. */
    private static final byte[][] KEYS = {ascii("Size"), ascii("Mode"), ascii("UserID"), ascii("Birth"),
        ascii("LastModified"), ascii("LastStatusChange")};

    private MbFileFastPath() {}

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The metadata, or null when the blob is not in the simple layout. */
    static FileMeta read(byte[] d) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= d.length || d[i] != MAGIC[i]) {
                return null;
            }
        }
        BinaryPlistLayout plist = BinaryPlistLayout.of(d);
        if (plist == null) {
            return null;
        }
        int[] root = plist.container(plist.offset(plist.top()));
        if (root == null || plist.type(plist.offset(plist.top())) != 0xD) {
            return null;
        }
        int[] objects = null;
        for (int i = 0; i < root[1] && objects == null; i++) {
            if (plist.asciiEquals(plist.offset(plist.ref(root[0], i)), OBJECTS)) {
                int off = plist.offset(plist.ref(root[0], root[1] + i));
                objects = plist.type(off) == 0xA ? plist.container(off) : null;
                if (objects == null) {
                    return null;
                }
            }
        }
        if (objects == null || objects[1] < 2) {
            return null;
        }
        int fileOff = plist.offset(plist.ref(objects[0], 1));
        int[] file = plist.type(fileOff) == 0xD ? plist.container(fileOff) : null;
        if (file == null) {
            return null;
        }
        Long[] values = new Long[KEYS.length];
        for (int i = 0; i < file[1]; i++) {
            int keyOff = plist.offset(plist.ref(file[0], i));
            for (int k = 0; k < KEYS.length; k++) {
                if (plist.asciiEquals(keyOff, KEYS[k])) {
                    values[k] = plist.integer(plist.offset(plist.ref(file[0], file[1] + i)));
                    if (values[k] == null) {
                        return null; // not a plain integer: let the general decoder handle it
                    }
                }
            }
        }
        return new FileMeta(orMinusOne(values[0]), (int) orMinusOne(values[1]), orMinusOne(values[2]), values[3],
                values[4], values[5]);
    }

    private static long orMinusOne(Long v) {
        return v == null ? -1 : v;
    }
}
