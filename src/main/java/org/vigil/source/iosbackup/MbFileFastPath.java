package org.vigil.source.iosbackup;

import java.nio.charset.StandardCharsets;
import org.vigil.source.FileMeta;

/**
 * Reads the six {@link FileMeta} fields straight from a typical MBFile blob ({@code bplist00}, a
 * top dictionary whose {@code $objects[1]} is a flat dictionary of ASCII keys and integer values),
 * without building the whole object graph: Manifest.db may hold a million rows. Anything unusual
 * (another layout, a value that is a reference or a date, damaged offsets) gives null and the
 * caller falls back to the general decoder. Every read is bounds-checked; nothing recurses.
 */
final class MbFileFastPath {
    private static final byte[] MAGIC = "bplist00".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OBJECTS = "$objects".getBytes(StandardCharsets.US_ASCII);
    private static final String[] KEYS = {"Size", "Mode", "UserID", "Birth", "LastModified", "LastStatusChange"};
    private static final byte[][] KEY_BYTES = new byte[KEYS.length][];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEY_BYTES[i] = KEYS[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final byte[] d;
    private final int offsetSize;
    private final int refSize;
    private final int count;
    private final int table;

    private MbFileFastPath(byte[] d, int offsetSize, int refSize, int count, int table) {
        this.d = d;
        this.offsetSize = offsetSize;
        this.refSize = refSize;
        this.count = count;
        this.table = table;
    }

    /** The metadata, or null when the blob is not in the simple layout. */
    static FileMeta read(byte[] d) {
        if (d.length < MAGIC.length + 32) {
            return null;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (d[i] != MAGIC[i]) {
                return null;
            }
        }
        int t = d.length - 32;
        int offsetSize = d[t + 6] & 0xff;
        int refSize = d[t + 7] & 0xff;
        long count = be(d, t + 8, 8);
        long top = be(d, t + 16, 8);
        long table = be(d, t + 24, 8);
        if (offsetSize < 1 || offsetSize > 4 || refSize < 1 || refSize > 4 || count < 2 || count > d.length
                || top < 0 || top >= count || table < MAGIC.length || table + count * offsetSize > t) {
            return null;
        }
        try {
            return new MbFileFastPath(d, offsetSize, refSize, (int) count, (int) table).meta((int) top);
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    private static long be(byte[] d, int at, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (d[at + i] & 0xff);
        }
        return v;
    }

    private int offset(long obj) {
        if (obj < 0 || obj >= count) {
            return -1;
        }
        long off = be(d, table + (int) obj * offsetSize, offsetSize);
        return off >= MAGIC.length && off < table ? (int) off : -1;
    }

    /** {@code [start of refs, n]} of a dictionary or array at {@code off} with the given type nibble. */
    private int[] container(int off, int type) {
        if (off < 0 || (d[off] & 0xff) >> 4 != type) {
            return null;
        }
        int n = d[off] & 0x0f;
        int pos = off + 1;
        if (n == 0x0f) {
            int marker = d[pos] & 0xff;
            if (marker >> 4 != 0x1 || (marker & 0x0f) > 2) {
                return null;
            }
            int size = 1 << (marker & 0x0f);
            n = (int) be(d, pos + 1, size);
            pos += 1 + size;
        }
        int refs = type == 0xD ? n * 2 : n;
        if (pos + (long) refs * refSize > table) {
            return null;
        }
        return new int[] {pos, n};
    }

    private long ref(int pos, int i) {
        return be(d, pos + i * refSize, refSize);
    }

    /** True when the object at {@code off} is the ASCII string {@code s}. */
    private boolean asciiEquals(int off, byte[] s) {
        if (off < 0 || (d[off] & 0xff) >> 4 != 0x5) {
            return false;
        }
        int n = d[off] & 0x0f;
        int pos = off + 1;
        if (n == 0x0f) {
            if (d[pos] != 0x10) {
                return false; // lengths above 255 never match a key
            }
            n = d[pos + 1] & 0xff;
            pos += 2;
        }
        if (n != s.length || pos + n > table) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (d[pos + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    private FileMeta meta(int top) {
        int[] root = container(offset(top), 0xD);
        if (root == null) {
            return null;
        }
        int[] objects = null;
        for (int i = 0; i < root[1] && objects == null; i++) {
            if (asciiEquals(offset(ref(root[0], i)), OBJECTS)) {
                objects = container(offset(ref(root[0], root[1] + i)), 0xA);
                if (objects == null) {
                    return null;
                }
            }
        }
        if (objects == null || objects[1] < 2) {
            return null;
        }
        int[] file = container(offset(ref(objects[0], 1)), 0xD);
        if (file == null) {
            return null;
        }
        long[] values = {-1, -1, -1, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
        for (int i = 0; i < file[1]; i++) {
            int keyOff = offset(ref(file[0], i));
            for (int k = 0; k < KEYS.length; k++) {
                if (asciiEquals(keyOff, KEY_BYTES[k])) {
                    int valueOff = offset(ref(file[0], file[1] + i));
                    if (valueOff < 0 || (d[valueOff] & 0xff) >> 4 != 0x1 || (d[valueOff] & 0x0f) > 3) {
                        return null; // not a plain integer: let the general decoder handle it
                    }
                    int size = 1 << (d[valueOff] & 0x0f);
                    if (valueOff + 1 + size > table) {
                        return null;
                    }
                    values[k] = be(d, valueOff + 1, size);
                }
            }
        }
        return new FileMeta(values[0], (int) values[1], values[2], time(values[3]), time(values[4]), time(values[5]));
    }

    private static Long time(long v) {
        return v == Long.MIN_VALUE ? null : v;
    }
}
