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
}
