package org.vigil.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/** Hand-built binary plists for tests of hostile structures dd-plist's writer would never produce. */
final class PlistBytes {
    private PlistBytes() {}

    /** An array object holding references (2-byte refs). */
    static byte[] array(int... refs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (refs.length < 15) {
            out.write(0xA0 | refs.length);
        } else {
            out.write(0xAF);
            out.write(0x11);
            out.write(refs.length >> 8);
            out.write(refs.length & 0xff);
        }
        for (int r : refs) {
            out.write(r >> 8);
            out.write(r & 0xff);
        }
        return out.toByteArray();
    }

    /** An ASCII string object (shorter than 15 chars). */
    static byte[] string(String s) {
        byte[] b = new byte[s.length() + 1];
        b[0] = (byte) (0x50 | s.length());
        for (int i = 0; i < s.length(); i++) {
            b[i + 1] = (byte) s.charAt(i);
        }
        return b;
    }

    /** A whole {@code bplist00} file: objects in order, 4-byte offsets, 2-byte refs. */
    static byte[] bplist(List<byte[]> objects, int top) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("bplist00".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int[] offsets = new int[objects.size()];
        for (int i = 0; i < objects.size(); i++) {
            offsets[i] = out.size();
            out.writeBytes(objects.get(i));
        }
        int table = out.size();
        for (int off : offsets) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(off).array());
        }
        ByteBuffer trailer = ByteBuffer.allocate(32);
        trailer.position(6);
        trailer.put((byte) 4).put((byte) 2).putLong(objects.size()).putLong(top).putLong(table);
        out.writeBytes(trailer.array());
        return out.toByteArray();
    }
}
