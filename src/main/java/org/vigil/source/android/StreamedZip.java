package org.vigil.source.android;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.vigil.core.CorruptArtifactException;

/**
 * A zip archive held as a stream that can be opened again and again but not seeked (the
 * {@code bugreport.zip} inside an age-encrypted androidqf acquisition, held in memory by
 * {@link MemoryZip}), read with no further memory: its entries are listed by one pass with
 * {@link ZipInputStream}, and {@link #open} reads the archive again from the start up to the
 * entry asked for, decompressing what comes before it. Nothing is written to disk; each open
 * costs a pass over the archive up to the entry (the dumpstate text, the large entry, usually comes
 * first). Same rules as {@link MemoryZip} for names (local headers) and bounds.
 */
public final class StreamedZip implements ZipOrFolder.ZipContent {
    /** Opens the archive's bytes from the start. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /**
     * One entry in stream order.
     *
     * @param entry the local header's entry
     * @param size the uncompressed size read
     */
    public record Entry(ZipEntry entry, long size) implements ZipOrFolder.ZipContent.Item {}

    private final Opener opener;
    private final String name;
    private final List<Entry> entries;
    /** First position of each name in the stream. */
    private final Map<String, Integer> index;

    private StreamedZip(Opener opener, String name, List<Entry> entries, Map<String, Integer> index) {
        this.opener = opener;
        this.name = name;
        this.entries = List.copyOf(entries);
        this.index = index;
    }

    /**
     * Lists the archive (one pass).
     *
     * @throws CorruptArtifactException when it is not a readable zip archive
     */
    public static StreamedZip list(Opener opener, String name) throws CorruptArtifactException, IOException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        try (InputStream raw = opener.open(); ZipInputStream zin = new ZipInputStream(raw)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (entries.size() >= MemoryZip.MAX_ENTRIES) {
                    throw new CorruptArtifactException(name + ": more than " + MemoryZip.MAX_ENTRIES + " zip entries");
                }
                long size = zin.transferTo(OutputStream.nullOutputStream());
                index.putIfAbsent(e.getName(), entries.size());
                entries.add(new Entry(e, size));
            }
        } catch (ZipException | EOFException e) {
            throw new CorruptArtifactException(name + ": not a readable zip archive (" + e.getMessage() + ")", e);
        }
        if (entries.isEmpty()) {
            throw new CorruptArtifactException(name + ": not a zip archive (no entries)");
        }
        return new StreamedZip(opener, name, entries, index);
    }

    /** Every entry, in stream order. */
    @Override
    public List<Entry> entries() {
        return entries;
    }

    /** The content of the first entry named {@code entry}, read from a new pass over the archive. */
    @Override
    public InputStream open(String entry) throws IOException {
        Integer at = index.get(entry);
        if (at == null) {
            throw new java.nio.file.NoSuchFileException(name + "!" + entry);
        }
        ZipInputStream zin = new ZipInputStream(opener.open());
        try {
            for (int i = 0; i <= at; i++) {
                ZipEntry e = zin.getNextEntry();
                if (e == null) {
                    throw new IOException(name + ": the archive changed between passes (" + entry + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            zin.close();
            throw e;
        }
        return new FilterInputStream(zin) {
            @Override
            public void close() throws IOException {
                zin.close();
            }
        };
    }
}
