package org.vigil.ioc.update;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an indicator update did.
 *
 * @param index the index used (URL or file)
 * @param directory the folder the files were saved in
 * @param entries one result per index entry: usable entries in index order, then rejected ones
 * @param updatedAt the time recorded in {@code latest_indicators_update}; empty when no entry
 *     succeeded (nothing is recorded then)
 */
public record UpdateResult(String index, java.nio.file.Path directory, List<EntryResult> entries,
        Optional<Instant> updatedAt) {
    public UpdateResult {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(directory, "directory");
        entries = List.copyOf(entries);
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Outcome of one entry. */
    public enum Status {
        /** A new or changed file was saved. */
        UPDATED,
        /** The download was identical to the file already saved (or to another entry's). */
        UNCHANGED,
        /** Nothing saved for this entry; the previous file, if any, is kept. */
        FAILED
    }

    /**
     * One entry's outcome.
     *
     * @param name entry name
     * @param url source URL, empty for an entry that has none
     * @param fileName file name in the indicators folder, empty for an entry that has no URL
     * @param status outcome
     * @param reason why it failed (or a note), empty otherwise
     * @param sha256 digest of the saved file, empty when failed
     * @param size bytes of the saved file, -1 when failed
     */
    public record EntryResult(String name, String url, String fileName, Status status,
            String reason, String sha256, long size) {
        public EntryResult {
            Objects.requireNonNull(name, "name");
            url = url == null ? "" : url;
            fileName = fileName == null ? "" : fileName;
            Objects.requireNonNull(status, "status");
            reason = reason == null ? "" : reason;
            sha256 = sha256 == null ? "" : sha256;
        }

        static EntryResult failed(String name, String url, String fileName, String reason) {
            return new EntryResult(name, url, fileName, Status.FAILED, reason, "", -1);
        }
    }

    /** Number of entries with this status. */
    public long count(Status status) {
        return entries.stream().filter(e -> e.status() == status).count();
    }

    /** True when no entry failed. */
    public boolean allSucceeded() {
        return count(Status.FAILED) == 0;
    }
}
