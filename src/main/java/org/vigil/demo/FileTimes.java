package org.vigil.demo;

/**
 * The three file times a backup's {@code Manifest.db} records for a file, in Unix seconds (the
 * {@code MBFile} keys {@code Birth}, {@code LastModified}, {@code LastStatusChange}).
 *
 * @param birth creation time
 * @param modified last content modification
 * @param statusChanged last inode status change
 */
public record FileTimes(long birth, long modified, long statusChanged) {
    public FileTimes {
        if (birth < 0 || modified < 0 || statusChanged < 0) {
            throw new IllegalArgumentException("file times must not be negative");
        }
    }

    /** The same time for all three. */
    public static FileTimes of(long unixSeconds) {
        return new FileTimes(unixSeconds, unixSeconds, unixSeconds);
    }

    /** Created at {@code birth}, then modified (and status-changed) at {@code modified}. */
    public static FileTimes of(long birth, long modified) {
        return new FileTimes(birth, modified, modified);
    }
}
