package org.vigil.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that refuses to deliver more than {@code max} bytes: past the cap, reading throws an
 * {@link IOException} with the caller's message. Bounds what hostile input can make Vigil read
 * (archive entries, decompressed data). Skipped bytes are read, so they count too.
 */
public final class CappedInputStream extends FilterInputStream {
    private final long max;
    private final String overflowMessage;
    private long count;

    /**
     * @param in the stream to cap
     * @param max the largest number of bytes delivered
     * @param overflowMessage the exception message when the cap is passed (names the file)
     */
    public CappedInputStream(InputStream in, long max, String overflowMessage) {
        super(in);
        this.max = max;
        this.overflowMessage = overflowMessage;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            add(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            add(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void add(long n) throws IOException {
        count += n;
        if (count > max) {
            throw new IOException(overflowMessage);
        }
    }
}
