package org.vigil.io.archive;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the entries of a tar stream (already decompressed) with Apache Commons Compress, adding
 * what hostile input needs: each header's checksum is verified (Commons Compress does not), an
 * archive cut inside a header or inside an entry's data gives {@link TruncatedArchiveException}
 * naming the offset (Commons Compress treats a partial header as a clean end), and names that are
 * not valid UTF-8 are recognised ({@link Item#utf8()}) with their invalid bytes shown as U+FFFD.
 * ustar prefixes, GNU long names and pax headers are handled by Commons Compress.
 *
 * <p>It never writes anything: callers read the current entry's data through {@link #content()},
 * which is bounded by the entry's size.
 */
public final class TarScanner implements Closeable {
    static final int BLOCK = 512;

    /** What an entry is. */
    public enum Type {
        FILE, DIRECTORY, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO, OTHER
    }

    /**
     * One entry's header.
     *
     * @param name the entry's name as stored (long name or pax path applied); invalid UTF-8 bytes
     *     shown as U+FFFD
     * @param utf8 false when the stored name was not valid UTF-8
     * @param type what it is
     * @param size data size in bytes (0 for non-files)
     * @param mode permission bits
     * @param mtime modification time, Unix seconds
     * @param linkName the link target for links, else ""
     * @param headerOffset offset of the (last) header block in the uncompressed stream
     * @param dataOffset offset of the entry's data in the uncompressed stream
     * @param sparse true for a sparse entry (its stored data is not its content byte for byte)
     */
    public record Item(String name, boolean utf8, Type type, long size, int mode, long mtime, String linkName,
            long headerOffset, long dataOffset, boolean sparse) {}

    private Spy spy;
    private TarArchiveInputStream tar;
    private TarArchiveEntry current;
    /** Seek mode: the archive file, its size, the next header's offset, the current stream's start. */
    private final SeekableByteChannel channel;
    private final long channelSize;
    private long next;
    private long base;
    private boolean jump;
    /** Entries with more data than this are seeked over in seek mode. */
    static final long SEEK_OVER = 256 << 10;

    /** A scanner over a decompressed tar stream (closed with the scanner). */
    public TarScanner(InputStream in) {
        this.spy = new Spy(in);
        this.tar = new TarArchiveInputStream(spy, RawUtf8Charset.NAME);
        this.channel = null;
        this.channelSize = -1;
    }

    /**
     * A scanner over an uncompressed tar file that seeks over large entries' data instead of
     * reading it (closed with the scanner). Global pax headers do not carry over a seek.
     */
    public TarScanner(SeekableByteChannel channel) throws IOException {
        this.channel = channel;
        this.channelSize = channel.size();
    }

    /**
     * The next entry, or null at the end of the archive (end-of-archive blocks, or a clean end of
     * stream on a block boundary).
     *
     * @throws TruncatedArchiveException when the archive ends inside a header or an entry's data
     * @throws IOException when a header is corrupt (bad checksum, unparsable fields)
     */
    public Item next() throws IOException {
        if (channel != null && (tar == null || jump)) {
            if (next > channelSize) {
                throw new TruncatedArchiveException("the archive ends inside an entry's data at offset " + channelSize);
            }
            channel.position(next);
            base = next;
            spy = new Spy(new java.io.BufferedInputStream(new FilterInputStream(Channels.newInputStream(channel)) {
                @Override
                public void close() {
                    // the channel is closed with the scanner
                }
            }, 1 << 16));
            tar = new TarArchiveInputStream(spy, RawUtf8Charset.NAME);
        }
        TarArchiveEntry e;
        try {
            e = tar.getNextEntry();
        } catch (IOException | RuntimeException ex) {
            throw translate(ex, base + spy.count);
        }
        if (e == null) {
            current = null;
            if (spy.count % BLOCK != 0) {
                throw new TruncatedArchiveException("the archive ends inside a header at offset "
                        + (base + spy.count - spy.count % BLOCK));
            }
            return null;
        }
        long dataOffset = base + tar.getBytesRead();
        if (channel != null) {
            // small entries are read through (sequential reads are cheaper than a seek and a new
            // stream); past a large one, the next header is reached by seeking
            next = dataOffset + (e.getSize() + BLOCK - 1) / BLOCK * BLOCK;
            jump = e.getSize() > SEEK_OVER;
        }
        long headerOffset = dataOffset - BLOCK;
        // old GNU sparse entries are followed by extension blocks: the last block read is not the header
        if (!e.isOldGNUSparse() && !spy.lastBlockChecksumOk()) {
            throw new IOException("not a tar archive, or corrupt: bad header checksum at offset " + headerOffset);
        }
        current = e;
        String raw = e.getName();
        boolean utf8 = EntryNames.isValidUtf8(raw);
        String name = EntryNames.displayable(raw);
        Type type = type(e);
        return new Item(name, utf8, type, type == Type.FILE ? e.getRealSize() : 0, e.getMode() & 07777,
                e.getLastModifiedTime() == null ? 0 : e.getLastModifiedTime().toMillis() / 1000,
                e.getLinkName() == null ? "" : EntryNames.displayable(e.getLinkName()), headerOffset, dataOffset,
                e.isSparse());
    }

    /** The current entry's data (its content, sparse holes filled), bounded by its size. */
    public InputStream content() {
        TarArchiveEntry entry = current;
        return new FilterInputStream(tar) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (current != entry) {
                    return -1;
                }
                try {
                    return super.read(b, off, len);
                } catch (IOException | RuntimeException ex) {
                    throw translate(ex, base + spy.count);
                }
            }

            @Override
            public void close() {
                // the archive stays open
            }
        };
    }

    /** Bytes of the uncompressed stream read so far. */
    public long position() {
        return base + (spy == null ? 0 : spy.count);
    }

    private static IOException translate(Exception ex, long offset) {
        String msg = String.valueOf(ex.getMessage());
        if (msg.contains("Truncated TAR")) {
            return new TruncatedArchiveException("the archive ends inside an entry's data at offset " + offset);
        }
        if (ex instanceof IOException io && !(msg.contains("Corrupted TAR") || msg.contains("parsing the header"))) {
            // an error of the underlying stream (e.g. a cut or corrupt gzip stream): kept as it is
            return io;
        }
        IOException out = new IOException("not a tar archive, or corrupt: unreadable header at offset " + offset
                + " (" + msg + ")");
        out.initCause(ex);
        return out;
    }

    private static Type type(TarArchiveEntry e) {
        if (e.isSymbolicLink()) {
            return Type.SYMLINK;
        }
        if (e.isLink()) {
            return Type.HARDLINK;
        }
        if (e.isDirectory()) {
            return Type.DIRECTORY;
        }
        if (e.isCharacterDevice()) {
            return Type.CHAR_DEVICE;
        }
        if (e.isBlockDevice()) {
            return Type.BLOCK_DEVICE;
        }
        if (e.isFIFO()) {
            return Type.FIFO;
        }
        if (e.isFile()) {
            return Type.FILE;
        }
        return Type.OTHER;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            return;
        }
        tar.close();
    }

    /** Counts the bytes Commons Compress reads and keeps the last block (the header just parsed). */
    private static final class Spy extends FilterInputStream {
        private final byte[] ring = new byte[BLOCK];
        long count;

        Spy(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                ring[(int) (count % BLOCK)] = (byte) b;
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            for (int i = Math.max(0, n - BLOCK); i < n; i++) {
                ring[(int) ((count + i) % BLOCK)] = b[off + i];
            }
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // data is skipped (a seek on a plain file); header blocks are always read
            long done = super.skip(n);
            if (done > 0) {
                count += done;
            }
            return done;
        }

        /** Verifies the tar checksum of the last 512 bytes read (the header block). */
        boolean lastBlockChecksumOk() {
            if (count < BLOCK) {
                return false;
            }
            byte[] h = new byte[BLOCK];
            int start = (int) (count % BLOCK);
            for (int i = 0; i < BLOCK; i++) {
                h[i] = ring[(start + i) % BLOCK];
            }
            long stored = 0;
            int i = 148;
            while (i < 156 && (h[i] == ' ' || h[i] == 0)) {
                i++;
            }
            boolean digits = false;
            while (i < 156 && h[i] >= '0' && h[i] <= '7') {
                stored = (stored << 3) + (h[i] - '0');
                i++;
                digits = true;
            }
            if (!digits) {
                return false;
            }
            long unsigned = 0;
            long signed = 0;
            for (int k = 0; k < BLOCK; k++) {
                byte b = (k >= 148 && k < 156) ? (byte) ' ' : h[k];
                unsigned += b & 0xff;
                signed += b;
            }
            return stored == unsigned || stored == signed;
        }
    }
}
