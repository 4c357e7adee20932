package org.vigil.io;

/**
 * The layout of a {@code bplist00} file (trailer, offset table, container headers), read with
 * bounds checks, for code that walks a binary plist without building it: the depth and cycle check
 * run before dd-plist, and fast readers of known small structures. Methods return -1 or null where
 * the file is damaged; they never throw on hostile offsets.
 */
public final class BinaryPlistLayout {
    private static final int HEADER = 8;
    private static final int TRAILER = 32;

    private final byte[] d;
    private final int offsetSize;
    private final int refSize;
    private final int count;
    private final int top;
    private final int table;

    private BinaryPlistLayout(byte[] d, int offsetSize, int refSize, int count, int top, int table) {
        this.d = d;
        this.offsetSize = offsetSize;
        this.refSize = refSize;
        this.count = count;
        this.top = top;
        this.table = table;
    }

    /** The layout of {@code d} (which must start with a {@code bplist} header), or null when its trailer is unusable. */
    public static BinaryPlistLayout of(byte[] d) {
        if (d.length < HEADER + TRAILER) {
            return null;
        }
        int t = d.length - TRAILER;
        int offsetSize = d[t + 6] & 0xff;
        int refSize = d[t + 7] & 0xff;
        long count = be(d, t + 8, 8);
        long top = be(d, t + 16, 8);
        long table = be(d, t + 24, 8);
        if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8 || count <= 0 || count > d.length
                || top < 0 || top >= count || table < HEADER || table + count * offsetSize > t) {
            return null;
        }
        return new BinaryPlistLayout(d, offsetSize, refSize, (int) count, (int) top, (int) table);
    }

    /** Big-endian unsigned read of {@code size} bytes (8 bytes read as a signed long). */
    static long be(byte[] d, int at, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (d[at + i] & 0xff);
        }
        return v;
    }

    /** Number of objects. */
    public int count() {
        return count;
    }

    /** Index of the root object. */
    public int top() {
        return top;
    }

    /** Byte offset of object {@code obj}, or -1 when the index or offset is out of the file. */
    public int offset(long obj) {
        if (obj < 0 || obj >= count) {
            return -1;
        }
        long off = be(d, table + (int) obj * offsetSize, offsetSize);
        return off >= HEADER && off < table ? (int) off : -1;
    }

    /** The marker's type nibble of the object at {@code off} (e.g. 0xA array, 0xD dictionary), or -1. */
    public int type(int off) {
        return off < 0 ? -1 : (d[off] & 0xff) >> 4;
    }

    /**
     * The object at {@code off} as a container (array 0xA, ordered set 0xB, set 0xC, dictionary 0xD):
     * {@code {first reference byte, element count}}, a dictionary's n keys then n values following;
     * null for another type or a damaged header.
     */
    public int[] container(int off) {
        int type = type(off);
        if (type != 0xA && type != 0xB && type != 0xC && type != 0xD) {
            return null;
        }
        long n = d[off] & 0x0f;
        int pos = off + 1;
        if (n == 0x0f) {
            int[] len = extendedLength(pos);
            if (len == null) {
                return null;
            }
            n = len[0];
            pos = len[1];
        }
        long refs = type == 0xD ? n * 2 : n;
        if (pos + refs * refSize > table) {
            return null;
        }
        return new int[] {pos, (int) n};
    }

    /** The i-th reference of a container whose references start at {@code pos}. */
    public long ref(int pos, int i) {
        return be(d, pos + i * refSize, refSize);
    }

    /** True when the object at {@code off} is the ASCII string {@code s}. */
    public boolean asciiEquals(int off, byte[] s) {
        if (type(off) != 0x5) {
            return false;
        }
        int n = d[off] & 0x0f;
        int pos = off + 1;
        if (n == 0x0f) {
            int[] len = extendedLength(pos);
            if (len == null) {
                return false;
            }
            n = len[0];
            pos = len[1];
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

    /** The integer object at {@code off} (1, 2, 4 or 8 bytes), or null when it is not one. */
    public Long integer(int off) {
        if (type(off) != 0x1 || (d[off] & 0x0f) > 3) {
            return null;
        }
        int size = 1 << (d[off] & 0x0f);
        return off + 1 + size > table ? null : be(d, off + 1, size);
    }

    /** {@code {length, position after it}} of an extended length at {@code pos}, or null. */
    private int[] extendedLength(int pos) {
        if (pos >= table) {
            return null;
        }
        Long n = integer(pos);
        if (n == null || n < 0 || n > d.length) {
            return null;
        }
        return new int[] {n.intValue(), pos + 1 + (1 << (d[pos] & 0x0f))};
    }
}
