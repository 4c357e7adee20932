package org.vigil.io.archive;

/**
 * Bounds on what is read from an archive.
 *
 * @param maxEntryBytes largest entry extracted (its declared size, and the bytes actually inflated)
 * @param maxTotalBytes most bytes extracted in total from one archive
 * @param maxEntries most entries indexed
 */
public record ArchiveLimits(long maxEntryBytes, long maxTotalBytes, int maxEntries) {
    /** 512 MiB per entry, 4 GiB in total, 2,000,000 entries. */
    public static final ArchiveLimits DEFAULT = new ArchiveLimits(512L << 20, 4L << 30, 2_000_000);

    public ArchiveLimits {
        if (maxEntryBytes < 0 || maxTotalBytes < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("negative archive limit");
        }
    }
}
