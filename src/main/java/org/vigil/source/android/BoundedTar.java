package org.vigil.source.android;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar stream read with Apache Commons Compress inside Vigil's own bounds.
 *
 * <p>Commons Compress parses the headers (ustar, GNU long names, PAX, base-256 numbers, header
 * checksums). What it reads into memory for a member's <em>metadata</em> (PAX records, GNU long
 * names) is bounded here: before each {@link #next()} the unread rest of the current member is
 * drained by us, and the header reading that follows may take at most {@value #MAX_META} bytes
 * (plus a few header blocks); more fails with an {@link IOException}. Member data is read through
 * {@link #content()}; callers cap it.
 *
 * <p>{@link #isRegularFile} is the only test callers should use to decide whether a member's data
 * may be extracted: it rejects every link type explicitly (Commons Compress's
 * {@link TarArchiveEntry#isFile()} is also true for some of them, e.g. a hard link whose name does
 * not end in {@code /}), devices, FIFOs, directories and sparse files.
 */
final class BoundedTar implements AutoCloseable {
    /** Most bytes of extended header data (PAX records, GNU long names) before one member. */
    static final int MAX_META = 64 * 1024;
    /** Header blocks allowed besides the metadata: the member's, a PAX header's, a long name's, padding. */
    private static final int HEADER_SLACK = 16 * 512;

    /** The message of a header that is not a tar header. */
    static final String BAD_HEADER = "bad tar header (not a tar stream, or corrupt)";

    private final Guard guard;
    private final TarArchiveInputStream tar;

    BoundedTar(InputStream in) {
        this.guard = new Guard(in);
        this.tar = new TarArchiveInputStream(guard);
    }

    /** The next member (links and PAX headers included), or null at the end of the archive. */
    TarArchiveEntry next() throws IOException {
        if (tar.getCurrentEntry() != null) {
            tar.transferTo(OutputStream.nullOutputStream());
        }
        guard.budget = MAX_META + HEADER_SLACK;
        try {
            return tar.getNextEntry();
        } catch (IllegalArgumentException e) {
            throw new IOException(BAD_HEADER + ": " + e.getMessage(), e);
        } catch (IOException e) {
            if (e instanceof Guard.OverBudget || e instanceof java.io.EOFException
                    || !"Corrupted TAR archive.".equals(e.getMessage())) {
                throw e;
            }
            throw new IOException(BAD_HEADER, e);
        } finally {
            guard.budget = -1;
        }
    }

    /** The data of the current member (closing it does not close the archive). */
    InputStream content() {
        return new FilterInputStream(tar) {
            @Override
            public void close() {
                // the member ends at the next next()
            }
        };
    }

    /** True only for a plain regular file ({@code '0'}, NUL or contiguous {@code '7'} type). */
    static boolean isRegularFile(TarArchiveEntry e) {
        if (e.isSymbolicLink() || e.isLink() || e.isGNULongLinkEntry() || e.isDirectory() || e.isCharacterDevice()
                || e.isBlockDevice() || e.isFIFO() || e.isSparse() || e.isPaxHeader() || e.isGlobalPaxHeader()
                || e.isGNULongNameEntry()) {
            return false;
        }
        byte flag = e.getLinkFlag();
        return flag == TarArchiveEntry.LF_NORMAL || flag == TarArchiveEntry.LF_OLDNORM
                || flag == TarArchiveEntry.LF_CONTIG;
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    /** Refuses reads beyond {@link #budget} while a header is parsed (budget -1: no limit). */
    private static final class Guard extends FilterInputStream {
        long budget = -1;

        /** The header being parsed reads more than its budget. */
        static final class OverBudget extends IOException {
            private static final long serialVersionUID = 1L;

            OverBudget() {
                super("tar extended header larger than " + MAX_META + " bytes");
            }
        }

        Guard(InputStream in) {
            super(in);
        }

        private void spend(long n) throws IOException {
            if (budget >= 0) {
                budget -= n;
                if (budget < 0) {
                    throw new OverBudget();
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                spend(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                spend(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            if (s > 0) {
                spend(s);
            }
            return s;
        }
    }
}
