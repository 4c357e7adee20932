package org.vigil.source.iosfs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vigil.source.FileMeta;

/**
 * The entries of a filesystem dump, sorted by path, in parallel arrays (a real dump has 10^5 to
 * 10^6 entries: one String and a few primitives per entry, no object per entry beyond the path).
 * Paths are relative to the dump root, without a leading slash. Immutable once built.
 */
final class FsIndex {
    /** No modification time known. */
    static final long NO_TIME = Long.MIN_VALUE;
    /** No content (directories, symbolic links, unresolved hard links). */
    static final long NO_CONTENT = -1;

    private final String[] paths;
    private final int[] modes;
    private final long[] sizes;
    private final long[] mtimes;
    private final long[] locators;
    private final boolean[] sparse;
    private final int synthesized;

    private FsIndex(String[] paths, int[] modes, long[] sizes, long[] mtimes, long[] locators, boolean[] sparse,
            int synthesized) {
        this.paths = paths;
        this.modes = modes;
        this.sizes = sizes;
        this.mtimes = mtimes;
        this.locators = locators;
        this.sparse = sparse;
        this.synthesized = synthesized;
    }

    int size() {
        return paths.length;
    }

    String path(int i) {
        return paths[i];
    }

    int mode(int i) {
        return modes[i];
    }

    long size(int i) {
        return sizes[i];
    }

    /** Where the content is (archive data offset, zip entry number; 0 in a folder), or {@link #NO_CONTENT}. */
    long locator(int i) {
        return locators[i];
    }

    boolean sparse(int i) {
        return sparse[i];
    }

    /** Directories added because entries lay under them without the archive listing them. */
    int synthesizedDirectories() {
        return synthesized;
    }

    boolean isRegularFile(int i) {
        return (modes[i] & FileMeta.S_IFMT) == FileMeta.S_IFREG;
    }

    FileMeta meta(int i) {
        return new FileMeta(sizes[i], modes[i], -1, null, mtimes[i] == NO_TIME ? null : mtimes[i], null);
    }

    /** The position of {@code path}, or -1. */
    int indexOf(String path) {
        int i = Arrays.binarySearch(paths, path);
        return i >= 0 ? i : -1;
    }

    /** The first position whose path is not less than {@code prefix}. */
    int lowerBound(String prefix) {
        int i = Arrays.binarySearch(paths, prefix);
        return i >= 0 ? i : -i - 1;
    }

    /** Collects entries in any order; {@link #build} keeps the last of duplicates and sorts. */
    static final class Builder {
        private String[] paths = new String[1024];
        private int[] modes = new int[1024];
        private long[] sizes = new long[1024];
        private long[] mtimes = new long[1024];
        private long[] locators = new long[1024];
        private boolean[] sparse = new boolean[1024];
        private final Map<Integer, String> hardLinks = new HashMap<>();
        private int n;

        int count() {
            return n;
        }

        /** Adds an entry (path as stored, cleaned of "./" and trailing slashes). */
        void add(String path, int mode, long size, long mtime, long locator, boolean isSparse) {
            if (n == paths.length) {
                int cap = n * 2;
                paths = Arrays.copyOf(paths, cap);
                modes = Arrays.copyOf(modes, cap);
                sizes = Arrays.copyOf(sizes, cap);
                mtimes = Arrays.copyOf(mtimes, cap);
                locators = Arrays.copyOf(locators, cap);
                sparse = Arrays.copyOf(sparse, cap);
            }
            paths[n] = path;
            modes[n] = mode;
            sizes[n] = size;
            mtimes[n] = mtime;
            locators[n] = locator;
            sparse[n] = isSparse;
            n++;
        }

        /** Adds a hard link: a regular file whose content is {@code target}'s (resolved at build). */
        void addHardLink(String path, int mode, long mtime, String target) {
            hardLinks.put(n, target);
            add(path, FileMeta.S_IFREG | (mode & 07777), -1, mtime, NO_CONTENT, false);
        }

        /**
         * The index of the entries under {@code prefix} (e.g. {@code "dump/"}, or "" for all), with
         * the prefix removed; parent folders that were not listed are added (no time known).
         */
        FsIndex build(String prefix) {
            List<Integer> kept = new ArrayList<>();
            String[] rel = new String[n];
            for (int i = 0; i < n; i++) {
                String p = paths[i];
                if (!prefix.isEmpty()) {
                    if (!p.startsWith(prefix) || p.length() == prefix.length()) {
                        continue;
                    }
                    p = p.substring(prefix.length());
                }
                rel[i] = p;
                kept.add(i);
            }
            // sort by path, then by archive order: the last of equal paths wins (tar semantics)
            kept.sort((a, b) -> {
                int c = rel[a].compareTo(rel[b]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            List<Integer> unique = new ArrayList<>(kept.size());
            for (int k = 0; k < kept.size(); k++) {
                if (k + 1 < kept.size() && rel[kept.get(k)].equals(rel[kept.get(k + 1)])) {
                    continue;
                }
                unique.add(kept.get(k));
            }
            String[] sorted = new String[unique.size()];
            for (int k = 0; k < sorted.length; k++) {
                sorted[k] = rel[unique.get(k)];
            }
            // parents not listed
            List<String> extra = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String p : sorted) {
                int slash = p.lastIndexOf('/');
                while (slash > 0) {
                    String parent = p.substring(0, slash);
                    if (!seen.add(parent) || Arrays.binarySearch(sorted, parent) >= 0) {
                        break;
                    }
                    extra.add(parent);
                    slash = parent.lastIndexOf('/');
                }
            }
            int total = sorted.length + extra.size();
            Integer[] order = new Integer[total];
            String[] all = Arrays.copyOf(sorted, total);
            for (int k = 0; k < extra.size(); k++) {
                all[sorted.length + k] = extra.get(k);
            }
            for (int k = 0; k < total; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> all[a].compareTo(all[b]));
            String[] outPaths = new String[total];
            int[] outModes = new int[total];
            long[] outSizes = new long[total];
            long[] outTimes = new long[total];
            long[] outLoc = new long[total];
            boolean[] outSparse = new boolean[total];
            Map<Integer, String> links = new HashMap<>();
            for (int k = 0; k < total; k++) {
                int o = order[k];
                outPaths[k] = all[o];
                if (o < sorted.length) {
                    int src = unique.get(o);
                    outModes[k] = modes[src];
                    outSizes[k] = sizes[src];
                    outTimes[k] = mtimes[src];
                    outLoc[k] = locators[src];
                    outSparse[k] = sparse[src];
                    String target = hardLinks.get(src);
                    if (target != null) {
                        links.put(k, target);
                    }
                } else {
                    outModes[k] = FileMeta.S_IFDIR;
                    outSizes[k] = 0;
                    outTimes[k] = NO_TIME;
                    outLoc[k] = NO_CONTENT;
                }
            }
            // hard links take their target's content (targets are named as stored, prefix included)
            for (Map.Entry<Integer, String> l : links.entrySet()) {
                String target = l.getValue();
                if (!prefix.isEmpty() && target.startsWith(prefix)) {
                    target = target.substring(prefix.length());
                }
                int t = Arrays.binarySearch(outPaths, target);
                if (t >= 0 && (outModes[t] & FileMeta.S_IFMT) == FileMeta.S_IFREG && outLoc[t] != NO_CONTENT) {
                    int k = l.getKey();
                    outSizes[k] = outSizes[t];
                    outLoc[k] = outLoc[t];
                    outSparse[k] = outSparse[t];
                }
            }
            return new FsIndex(outPaths, outModes, outSizes, outTimes, outLoc, outSparse, extra.size());
        }
    }
}
