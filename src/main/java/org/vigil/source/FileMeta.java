package org.vigil.source;

/**
 * File metadata recorded by the acquisition (not by the analyst's machine).
 *
 * @param size size in bytes, or -1 if unknown
 * @param mode Unix mode bits (type and permissions), or -1 if unknown
 * @param owner owner uid, or -1 if unknown
 * @param birth creation time, Unix seconds, or null
 * @param modified modification time, Unix seconds, or null
 * @param statusChanged status change time, Unix seconds, or null
 */
public record FileMeta(long size, int mode, long owner, Long birth, Long modified, Long statusChanged) {
    /** Nothing known. */
    public static final FileMeta UNKNOWN = new FileMeta(-1, -1, -1, null, null, null);

    /** Unix file-type mask of {@link #mode()}. */
    public static final int S_IFMT = 0170000;
    /** Directory type bits. */
    public static final int S_IFDIR = 0040000;
    /** Regular file type bits. */
    public static final int S_IFREG = 0100000;
    /** Symbolic link type bits. */
    public static final int S_IFLNK = 0120000;

    /** True when the mode is known and says directory (filesystem dumps list directories too). */
    public boolean isDirectory() {
        return mode >= 0 && (mode & S_IFMT) == S_IFDIR;
    }

    /** True when the mode is known and says symbolic link. */
    public boolean isSymlink() {
        return mode >= 0 && (mode & S_IFMT) == S_IFLNK;
    }

    /** True when the mode is unknown or says regular file. */
    public boolean isRegularFile() {
        return mode < 0 || (mode & S_IFMT) == S_IFREG || (mode & S_IFMT) == 0;
    }
}
