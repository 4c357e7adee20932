package org.vigil.source.android;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal streaming reader of the tar format, as far as Android backups need it: 512-byte
 * headers (name, mode, size, mtime, typeflag, checksum, ustar prefix), PAX extended headers
 * ({@code x}: {@code path} only; {@code g} ignored) and GNU long names ({@code L}). Entry data is
 * read through {@link #content()}; {@link #next()} skips what was not read. Apache Commons
 * Compress is not a dependency of Vigil, and this subset (about 150 lines) is all the backups use,
 * so it is read here rather than adding a library for it.
 *
 * <p>Hostile input: header checksums are verified, sizes must be non-negative and are bounded by
 * the stream, PAX and long-name records are capped at {@value #MAX_META} bytes. Names are returned
 * as stored: callers decide what is safe to extract.
 */
final class TarReader {
    static final int BLOCK = 512;
    static final int MAX_META = 64 * 1024;

    /**
     * One tar member.
     *
     * @param name full path (PAX/GNU long name or ustar prefix + name)
     * @param size data size in bytes
     * @param type typeflag ('0' regular, '5' directory, '2' symlink, ...; '\0' is returned as '0')
     * @param mode permission bits
     * @param mtime modification time, Unix seconds
     */
    record Entry(String name, long size, char type, int mode, long mtime) {
        boolean isFile() {
            return type == '0' || type == '7';
        }
    }

    private final InputStream in;
    private long remaining;
    private long padding;
    private boolean done;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next member, or null at the end of the archive. */
    Entry next() throws IOException {
        skipRest();
        String longName = null;
        while (!done) {
            byte[] h = new byte[BLOCK];
            int n = in.readNBytes(h, 0, BLOCK);
            if (n == 0) {
                done = true;
                return null;
            }
            if (n < BLOCK) {
                throw new EOFException("truncated tar header");
            }
            if (allZero(h)) {
                done = true;
                return null;
            }
            verifyChecksum(h);
            long size = number(h, 124, 12);
            if (size < 0) {
                throw new IOException("negative tar entry size");
            }
            char type = (char) (h[156] & 0xff);
            if (type == '\0') {
                type = '0';
            }
            String name = string(h, 0, 100);
            if (string(h, 257, 5).equals("ustar")) {
                String prefix = string(h, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            if (type == 'x' || type == 'g' || type == 'L') {
                if (size > MAX_META) {
                    throw new IOException("tar extended header of " + size + " bytes is too large");
                }
                byte[] meta = in.readNBytes((int) size);
                if (meta.length < size) {
                    throw new EOFException("truncated tar extended header");
                }
                skipFully(pad(size));
                if (type == 'L') {
                    longName = cString(meta);
                } else if (type == 'x') {
                    String path = paxPath(meta);
                    if (path != null) {
                        longName = path;
                    }
                }
                continue;
            }
            remaining = size;
            padding = pad(size);
            return new Entry(longName != null ? longName : name, size, type, (int) number(h, 100, 8),
                    number(h, 136, 12));
        }
        return null;
    }

    /** The data of the current member (do not close the underlying stream through it). */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("truncated tar entry");
                }
                remaining--;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int r = in.read(b, off, (int) Math.min(len, remaining));
                if (r < 0) {
                    throw new EOFException("truncated tar entry");
                }
                remaining -= r;
                return r;
            }
        };
    }

    private void skipRest() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private void skipFully(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("truncated tar entry");
            }
            n -= r;
        }
    }

    private static long pad(long size) {
        long rem = size % BLOCK;
        return rem == 0 ? 0 : BLOCK - rem;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void verifyChecksum(byte[] h) throws IOException {
        long stored = number(h, 148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int v = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += v & 0xff;
            signed += v;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("bad tar header checksum (not a tar stream, or corrupt)");
        }
    }

    /** An octal field (NUL/space terminated), or a base-256 one (high bit set). */
    static long number(byte[] h, int off, int len) throws IOException {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x3f;
            if ((h[off] & 0x40) != 0) {
                throw new IOException("negative base-256 tar number");
            }
            for (int i = 1; i < len; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    throw new IOException("tar number overflow");
                }
                v = (v << 8) | (h[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        for (; i < end; i++) {
            int c = h[i];
            if (c == 0 || c == ' ') {
                break;
            }
            if (c < '0' || c > '7') {
                throw new IOException("bad number in tar header (not a tar stream, or corrupt)");
            }
            v = (v << 3) + (c - '0');
        }
        return v;
    }

    private static String string(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** The {@code path} record of a PAX header ("LEN path=VALUE\n" records), or null. */
    private static String paxPath(byte[] meta) throws IOException {
        int pos = 0;
        String path = null;
        while (pos < meta.length) {
            int sp = pos;
            while (sp < meta.length && meta[sp] != ' ') {
                sp++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(meta, pos, sp - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("bad PAX header record");
            }
            if (len <= sp - pos || pos + len > meta.length) {
                throw new IOException("bad PAX header record length");
            }
            String rec = new String(meta, sp + 1, pos + len - sp - 2, StandardCharsets.UTF_8);
            if (rec.startsWith("path=")) {
                path = rec.substring(5);
            }
            pos += len;
        }
        return path;
    }
}
