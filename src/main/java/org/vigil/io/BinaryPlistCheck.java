package org.vigil.io;

import org.vigil.core.CorruptArtifactException;

/**
 * Walks a binary plist's object graph iteratively before dd-plist parses it recursively: refuses
 * reference cycles and container nesting deeper than a limit, so a crafted file cannot exhaust the
 * stack. Structural damage it does not need to understand (bad offsets, odd markers) is left for
 * the parser to report.
 */
final class BinaryPlistCheck {
    private static final int TRAILER = 32;
    private static final int HEADER = 8;

    private final byte[] d;
    private final int refSize;
    private final int offsetSize;
    private final int count;
    private final int offsetTable;

    private BinaryPlistCheck(byte[] d, int refSize, int offsetSize, int count, int offsetTable) {
        this.d = d;
        this.refSize = refSize;
        this.offsetSize = offsetSize;
        this.count = count;
        this.offsetTable = offsetTable;
    }

    /**
     * Checks the graph of {@code data}.
     *
     * @throws CorruptArtifactException on a cycle or nesting deeper than {@code maxDepth}
     */
    static void check(byte[] data, int maxDepth, String name) throws CorruptArtifactException {
        if (data.length < HEADER + TRAILER) {
            return; // the parser reports the truncation
        }
        int t = data.length - TRAILER;
        int offsetSize = data[t + 6] & 0xff;
        int refSize = data[t + 7] & 0xff;
        long count = readLong(data, t + 8);
        long top = readLong(data, t + 16);
        long table = readLong(data, t + 24);
        if (offsetSize < 1 || offsetSize > 8 || refSize < 1 || refSize > 8 || count <= 0 || count > data.length
                || top < 0 || top >= count || table < HEADER || table + count * offsetSize > t) {
            return;
        }
        new BinaryPlistCheck(data, refSize, offsetSize, (int) count, (int) table).walk((int) top, maxDepth, name);
    }

    private static long readLong(byte[] d, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[at + i] & 0xff);
        }
        return v;
    }

    private long readUnsigned(int at, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | (d[at + i] & 0xff);
        }
        return v;
    }

    /** Byte offset of object {@code obj}, or -1 when out of the file. */
    private int offset(int obj) {
        long off = readUnsigned(offsetTable + obj * offsetSize, offsetSize);
        return off >= HEADER && off < offsetTable ? (int) off : -1;
    }

    /**
     * The child references of a container: {@code [first, n]} where the n references start at byte
     * {@code first}; null for a non-container or when the layout is damaged.
     */
    private int[] children(int obj) {
        int off = offset(obj);
        if (off < 0) {
            return null;
        }
        int marker = d[off] & 0xff;
        int type = marker >> 4;
        if (type != 0xA && type != 0xB && type != 0xC && type != 0xD) {
            return null;
        }
        long n = marker & 0x0f;
        int pos = off + 1;
        if (n == 0x0f) {
            if (pos >= offsetTable) {
                return null;
            }
            int intMarker = d[pos] & 0xff;
            if (intMarker >> 4 != 0x1) {
                return null;
            }
            int size = 1 << (intMarker & 0x0f);
            if (size > 8 || pos + 1 + size > offsetTable) {
                return null;
            }
            n = readUnsigned(pos + 1, size);
            pos += 1 + size;
        }
        long refs = type == 0xD ? n * 2 : n;
        if (n < 0 || n > d.length || pos + refs * refSize > offsetTable) {
            return null;
        }
        return new int[] {pos, (int) refs};
    }

    private void walk(int top, int maxDepth, String name) throws CorruptArtifactException {
        // 0 = unseen, 1 = on the current path, 2 = done; height = container levels below and including
        byte[] state = new byte[count];
        int[] height = new int[count];
        int[] stackObj = new int[maxDepth + 2];
        int[] stackNext = new int[maxDepth + 2];
        int[][] stackKids = new int[maxDepth + 2][];
        int sp = 0;
        int[] kids = children(top);
        if (kids == null) {
            return;
        }
        stackObj[0] = top;
        stackKids[0] = kids;
        stackNext[0] = 0;
        state[top] = 1;
        while (sp >= 0) {
            int obj = stackObj[sp];
            int[] k = stackKids[sp];
            if (stackNext[sp] < k[1]) {
                long ref = readUnsigned(k[0] + stackNext[sp] * refSize, refSize);
                stackNext[sp]++;
                if (ref < 0 || ref >= count) {
                    continue; // the parser reports it
                }
                int child = (int) ref;
                if (state[child] == 1) {
                    throw new CorruptArtifactException(name + ": binary property list refers to itself (object "
                            + child + " contains itself)");
                }
                if (state[child] == 2) {
                    if (sp + 1 + height[child] > maxDepth) {
                        throw new CorruptArtifactException(name + ": property list nested deeper than " + maxDepth);
                    }
                    height[obj] = Math.max(height[obj], height[child]);
                    continue;
                }
                int[] ck = children(child);
                if (ck == null) {
                    state[child] = 2;
                    continue;
                }
                if (sp + 1 >= maxDepth) {
                    throw new CorruptArtifactException(name + ": property list nested deeper than " + maxDepth);
                }
                sp++;
                stackObj[sp] = child;
                stackKids[sp] = ck;
                stackNext[sp] = 0;
                state[child] = 1;
            } else {
                state[obj] = 2;
                height[obj] += 1;
                stackKids[sp] = null;
                sp--;
                if (sp >= 0) {
                    int parent = stackObj[sp];
                    height[parent] = Math.max(height[parent], height[obj]);
                }
            }
        }
    }
}
