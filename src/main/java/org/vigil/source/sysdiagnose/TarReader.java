package org.vigil.source.sysdiagnose;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small, bounded reader of tar streams (already decompressed): 512-byte headers with their
 * checksum verified, POSIX ustar names (prefix + name), GNU long names (type {@code L}) and pax
 * extended headers (type {@code x}: {@code path}, {@code linkpath}, {@code size}). Global pax
 * headers ({@code g}) and GNU long link names ({@code K}) are read and ignored. Metadata records
 * (long names, pax) are capped at {@value #MAX_META_BYTES} bytes.
 *
 * <p>It never writes anything: callers read the current entry's data through {@link #content()},
 * which is bounded by the entry's size. An archive that ends in the middle of a header or of an
 * entry's data gives {@link TruncatedException}; a header whose checksum is wrong gives an
 * {@link IOException} naming its offset.
 */
final class TarReader {
    static final int BLOCK = 512;
    static final int MAX_META_BYTES = 1 << 20;

    /** The archive ends before its end-of-archive blocks, inside a header or an entry's data. */
    static final class TruncatedException extends EOFException {
        TruncatedException(String message) {
            super(message);
        }
    }

    /** What an entry is. */
    enum Type {
        FILE, DIRECTORY, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO, OTHER
    }

    /**
     * One entry's header.
     *
     * @param name the entry's name (long name or pax path applied); invalid UTF-8 bytes become U+FFFD
     * @param utf8 false when the stored name was not valid UTF-8
     * @param type what it is
     * @param size data size in bytes (0 for non-files)
     * @param mode permission bits
     * @param mtime modification time, Unix seconds
     * @param linkName the link target for links, else ""
     * @param offset offset of the header in the uncompressed stream
     */
    record Header(String name, boolean utf8, Type type, long size, int mode, long mtime, String linkName,
            long offset) {}

    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private long position;
    /** Data bytes of the current entry not yet consumed, and its padding. */
    private long remaining;
    private long padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive (a zero block or a clean end of stream). */
    Header next() throws IOException {
        skipRest();
        String longName = null;
        boolean longNameUtf8 = true;
        String paxPath = null;
        String paxLink = null;
        long paxSize = -1;
        while (true) {
            long offset = position;
            int n = readBlockOrEnd();
            if (n == 0) {
                if (longName != null || paxPath != null) {
                    throw new TruncatedException("the archive ends after a long-name or pax header at offset "
                            + offset);
                }
                return null;
            }
            if (isZero(block)) {
                return null;
            }
            verifyChecksum(offset);
            char flag = (char) (block[156] & 0xff);
            long size = parseNumber(124, 12, offset, "size");
            switch (flag) {
                case 'L' -> {
                    byte[] data = readMeta(size, offset, "GNU long name");
                    longNameUtf8 = isUtf8(cString(data, 0, data.length));
                    longName = decode(cString(data, 0, data.length));
                    continue;
                }
                case 'K' -> {
                    byte[] data = readMeta(size, offset, "GNU long link name");
                    paxLink = decode(cString(data, 0, data.length));
                    continue;
                }
                case 'x' -> {
                    byte[] data = readMeta(size, offset, "pax header");
                    Pax pax = parsePax(data, offset);
                    if (pax.path != null) {
                        paxPath = pax.path;
                    }
                    if (pax.link != null) {
                        paxLink = pax.link;
                    }
                    if (pax.size >= 0) {
                        paxSize = pax.size;
                    }
                    continue;
                }
                case 'g' -> {
                    readMeta(size, offset, "pax global header");
                    continue;
                }
                default -> {
                    // a real entry
                }
            }
            byte[] rawName = cString(block, 0, 100);
            if (isUstar() && block[345] != 0) {
                byte[] prefix = cString(block, 345, 155);
                byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + rawName.length);
                joined[prefix.length] = '/';
                System.arraycopy(rawName, 0, joined, prefix.length + 1, rawName.length);
                rawName = joined;
            }
            String name;
            boolean utf8;
            if (paxPath != null) {
                name = paxPath;
                utf8 = true;
            } else if (longName != null) {
                name = longName;
                utf8 = longNameUtf8;
            } else {
                name = decode(rawName);
                utf8 = isUtf8(rawName);
            }
            String link = paxLink != null ? paxLink : decode(cString(block, 157, 100));
            Type type = type(flag, name);
            long dataSize = paxSize >= 0 ? paxSize : size;
            // links, directories and devices carry no data (hard links in some writers do: honour the size)
            int mode = (int) parseNumber(100, 8, offset, "mode");
            long mtime = parseNumber(136, 12, offset, "mtime");
            remaining = dataSize;
            padding = (BLOCK - dataSize % BLOCK) % BLOCK;
            return new Header(name, utf8, type, type == Type.FILE ? dataSize : 0, mode & 07777, mtime,
                    link, offset);
        }
    }

    /** The current entry's data, bounded by its size; reading it is optional. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new TruncatedException("the archive ends inside an entry's data at offset " + position);
                }
                remaining -= n;
                position += n;
                return n;
            }
        };
    }

    private void skipRest() throws IOException {
        long toSkip = remaining + padding;
        remaining = 0;
        padding = 0;
        skipFully(toSkip);
    }

    private void skipFully(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new TruncatedException("the archive ends inside an entry's data at offset " + position);
            }
            n -= r;
            position += r;
        }
    }

    /** Reads one block; 0 at a clean end of stream, else throws when the block is partial. */
    private int readBlockOrEnd() throws IOException {
        int got = 0;
        while (got < BLOCK) {
            int r = in.read(block, got, BLOCK - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        position += got;
        if (got == 0) {
            return 0;
        }
        if (got < BLOCK) {
            throw new TruncatedException("the archive ends inside a header at offset " + (position - got));
        }
        return got;
    }

    private byte[] readMeta(long size, long offset, String what) throws IOException {
        if (size < 0 || size > MAX_META_BYTES) {
            throw new IOException("the " + what + " at offset " + offset + " is " + size
                    + " bytes long (limit " + MAX_META_BYTES + ")");
        }
        byte[] data = new byte[(int) size];
        int got = 0;
        while (got < data.length) {
            int r = in.read(data, got, data.length - got);
            if (r < 0) {
                throw new TruncatedException("the archive ends inside the " + what + " at offset " + offset);
            }
            got += r;
        }
        position += size;
        skipFully((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private record Pax(String path, String link, long size) {}

    /** pax records: "LEN key=value\n", LEN counting the whole record in bytes. */
    private static Pax parsePax(byte[] data, long offset) throws IOException {
        String path = null;
        String link = null;
        long size = -1;
        int i = 0;
        while (i < data.length) {
            if (data[i] == 0) {
                break;
            }
            int sp = i;
            long len = 0;
            while (sp < data.length && data[sp] >= '0' && data[sp] <= '9' && sp - i < 10) {
                len = len * 10 + (data[sp] - '0');
                sp++;
            }
            if (sp >= data.length || data[sp] != ' ' || len <= sp - i + 1 || i + len > data.length) {
                throw new IOException("malformed pax header at offset " + offset);
            }
            int end = (int) (i + len);
            int eq = sp + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq >= end || data[end - 1] != '\n') {
                throw new IOException("malformed pax record at offset " + offset);
            }
            String key = new String(data, sp + 1, eq - sp - 1, StandardCharsets.UTF_8);
            String value = new String(data, eq + 1, end - 1 - (eq + 1), StandardCharsets.UTF_8);
            switch (key) {
                case "path" -> path = value;
                case "linkpath" -> link = value;
                case "size" -> {
                    try {
                        size = Long.parseLong(value.trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("malformed pax size \"" + value + "\" at offset " + offset, e);
                    }
                    if (size < 0) {
                        throw new IOException("negative pax size at offset " + offset);
                    }
                }
                default -> {
                    // other keys (times, owners, xattrs) are not needed
                }
            }
            i = end;
        }
        return new Pax(path, link, size);
    }

    private static Type type(char flag, String name) {
        return switch (flag) {
            case '0', '\0', '7' -> name.endsWith("/") ? Type.DIRECTORY : Type.FILE;
            case '5' -> Type.DIRECTORY;
            case '2' -> Type.SYMLINK;
            case '1' -> Type.HARDLINK;
            case '3' -> Type.CHAR_DEVICE;
            case '4' -> Type.BLOCK_DEVICE;
            case '6' -> Type.FIFO;
            default -> Type.OTHER;
        };
    }

    private boolean isUstar() {
        // POSIX "ustar\0"; GNU writes "ustar  \0" and uses the prefix area for other fields
        return block[257] == 'u' && block[258] == 's' && block[259] == 't' && block[260] == 'a'
                && block[261] == 'r' && block[262] == 0;
    }

    private void verifyChecksum(long offset) throws IOException {
        long stored = parseNumber(148, 8, offset, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = (i >= 148 && i < 156) ? (byte) ' ' : block[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("not a tar archive, or corrupt: bad header checksum at offset " + offset);
        }
    }

    /** Octal (NUL/space padded) or GNU base-256 (high bit of the first byte set). */
    private long parseNumber(int at, int len, long offset, String field) throws IOException {
        if ((block[at] & 0x80) != 0) {
            if ((block[at] & 0x40) != 0) {
                throw new IOException("negative " + field + " in the header at offset " + offset);
            }
            long v = block[at] & 0x3f;
            for (int i = 1; i < len; i++) {
                if (v > (Long.MAX_VALUE >> 8)) {
                    throw new IOException(field + " too large in the header at offset " + offset);
                }
                v = (v << 8) | (block[at + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = at;
        int end = at + len;
        while (i < end && (block[i] == ' ' || block[i] == 0)) {
            i++;
        }
        boolean digits = false;
        while (i < end && block[i] >= '0' && block[i] <= '7') {
            if (v > (Long.MAX_VALUE >> 3)) {
                throw new IOException(field + " too large in the header at offset " + offset);
            }
            v = (v << 3) + (block[i] - '0');
            i++;
            digits = true;
        }
        while (i < end && (block[i] == ' ' || block[i] == 0)) {
            i++;
        }
        if ((i != end || !digits) && (field.equals("size") || field.equals("checksum"))) {
            throw new IOException("malformed " + field + " field in the header at offset " + offset);
        }
        return v;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] cString(byte[] b, int at, int len) {
        int end = at;
        while (end < at + len && b[end] != 0) {
            end++;
        }
        return Arrays.copyOfRange(b, at, end);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** UTF-8 with invalid bytes replaced by U+FFFD. */
    private static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
