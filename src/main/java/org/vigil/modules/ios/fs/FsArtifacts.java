package org.vigil.modules.ios.fs;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.io.SqliteReader;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;

/**
 * Finding and reading the artifacts of a filesystem dump the way MVT's fs modules do, with
 * Python's {@code glob} semantics: a {@code *} matches inside one path component only (the
 * source's own {@link ArtifactPattern} lets {@code *} cross {@code /}, so its matches are
 * filtered again here). Also the SQLite schema checks and the per-file failure bookkeeping the
 * modules of this package share.
 */
final class FsArtifacts {
    private static final Logger LOG = LoggerFactory.getLogger(FsArtifacts.class);
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    private FsArtifacts() {}

    /**
     * A folder of the dump.
     *
     * @param path relative path, no leading or trailing slash
     * @param modified its mtime (Unix seconds) as the dump records it, or null when unknown (a
     *     folder only implied by the entries below it, or a dump without times)
     * @param children names of its direct children (files and folders), sorted
     */
    record Folder(String path, Long modified, List<String> children) {
        Folder {
            children = List.copyOf(children);
        }
    }

    /** True when {@code path} matches {@code glob} component by component ({@code *} never crosses {@code /}). */
    static boolean globMatches(String glob, String path) {
        String[] g = trim(glob).split("/", -1);
        String[] p = trim(path).split("/", -1);
        if (g.length != p.length) {
            return false;
        }
        for (int i = 0; i < g.length; i++) {
            if (!ArtifactPattern.globMatches(g[i], p[i])) {
                return false;
            }
        }
        return true;
    }

    /** The path without leading and trailing slashes. */
    static String trim(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }

    /** The last component of a path. */
    static String basename(String path) {
        String p = trim(path);
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** True when the entry is a regular file whose content the source holds. */
    static boolean isReadableFile(AcquisitionSource source, ArtifactRef ref) {
        return ref.meta().isRegularFile() && !ref.meta().isDirectory() && !ref.meta().isSymlink()
                && source.hasContent(ref);
    }

    /**
     * Every regular file matching any of the globs, in glob order then path order, without
     * duplicates.
     */
    static List<ArtifactRef> files(AcquisitionSource source, List<String> globs) throws IOException {
        Map<String, ArtifactRef> found = new java.util.LinkedHashMap<>();
        for (String glob : globs) {
            for (ArtifactRef ref : source.find(ArtifactPattern.anyDomain(glob))) {
                if (globMatches(glob, ref.relativePath()) && isReadableFile(source, ref)) {
                    found.putIfAbsent(ref.id(), ref);
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    /** Like {@link #files} but fails when nothing matched. */
    static List<ArtifactRef> requireFiles(AcquisitionSource source, List<String> globs, String what)
            throws IOException, ArtifactNotFoundException {
        List<ArtifactRef> found = files(source, globs);
        if (found.isEmpty()) {
            throw new ArtifactNotFoundException(what + " not found");
        }
        return found;
    }

    /**
     * Every folder matching the glob, with its direct children (MVT's {@code os.listdir}): folders
     * the dump lists as directory entries, and folders only implied by the entries below them
     * (archives may omit directory entries; their time is then unknown). A file matching the glob
     * is not a folder and is skipped. Sorted by path.
     */
    static List<Folder> folders(AcquisitionSource source, String glob) throws IOException {
        String g = trim(glob);
        Map<String, Long> times = new TreeMap<>();
        Set<String> known = new java.util.TreeSet<>();
        for (ArtifactRef ref : source.find(ArtifactPattern.anyDomain(g))) {
            String path = trim(ref.relativePath());
            if (!globMatches(g, path)) {
                continue;
            }
            boolean dir = ref.meta().isDirectory() || (ref.meta().mode() < 0 && !source.hasContent(ref));
            if (!dir) {
                LOG.debug("{}: not a folder, skipped", path);
                continue;
            }
            known.add(path);
            if (ref.meta().modified() != null) {
                times.put(path, ref.meta().modified());
            }
        }
        Map<String, List<String>> children = new TreeMap<>();
        known.forEach(k -> children.put(k, new ArrayList<>()));
        for (ArtifactRef ref : source.find(ArtifactPattern.anyDomain(g + "/*"))) {
            String path = trim(ref.relativePath());
            int slash = path.lastIndexOf('/');
            if (slash <= 0) {
                continue;
            }
            String parent = path.substring(0, slash);
            if (!globMatches(g, parent)) {
                continue;
            }
            children.computeIfAbsent(parent, k -> new ArrayList<>()).add(path.substring(slash + 1));
        }
        List<Folder> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : children.entrySet()) {
            List<String> names = new ArrayList<>(new java.util.TreeSet<>(e.getValue()));
            out.add(new Folder(e.getKey(), times.get(e.getKey()), names));
        }
        return out;
    }

    // ------------------------------------------------------------------ SQLite

    /** Fails unless the table exists with every listed column; returns its columns (lower-case). */
    static Set<String> requireColumns(SqliteReader db, String name, String table, String... columns)
            throws SQLException, UnsupportedSchemaException {
        if (!db.hasTable(table)) {
            throw new UnsupportedSchemaException(name + ": no table " + table);
        }
        Set<String> present = db.columns(table);
        for (String c : columns) {
            if (!present.contains(c.toLowerCase(Locale.ROOT))) {
                throw new UnsupportedSchemaException(name + ": no column " + c + " in table " + table);
            }
        }
        return present;
    }

    /** {@code qualifier.column} when the column is present, else {@code NULL}. */
    static String col(Set<String> present, String qualifier, String column) {
        return present.contains(column.toLowerCase(Locale.ROOT)) ? qualifier + "." + column : "NULL";
    }

    /**
     * The error for an SQL failure while reading: a {@link CorruptArtifactException} naming the
     * file when SQLite reports a damaged file, else the original exception (a bug).
     */
    static Exception sqlFailure(SQLException e, String name) {
        int code = e.getErrorCode() & 0xff;
        String msg = String.valueOf(e.getMessage());
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB || msg.contains("malformed")
                || msg.contains("not a database")) {
            return new CorruptArtifactException(name + ": database is malformed (" + msg + ")", e);
        }
        return e;
    }

    // ------------------------------------------------------------------ several files per module

    /**
     * The files of a module that reads several: a file that cannot be read is logged (WARN, with
     * its reason) and the others are still read; when none could be read the module fails with
     * the first reason (and says how many others failed).
     */
    static final class Failures {
        private final String module;
        private Exception first;
        private int count;
        private int read;

        Failures(String module) {
            this.module = module;
        }

        /** A file was read. */
        void ok() {
            read++;
        }

        /** A file could not be read. */
        void failed(Exception e) {
            LOG.warn("{}: skipping an unreadable file: {}", module, e.getMessage());
            count++;
            first = first == null ? e : first;
        }

        /** Number of files that could not be read. */
        int count() {
            return count;
        }

        /** Throws the first failure when no file could be read. */
        void throwIfNothingRead() throws Exception {
            if (read > 0 || first == null) {
                return;
            }
            if (count > 1 && first instanceof CorruptArtifactException c) {
                throw new CorruptArtifactException(c.getMessage() + " (and " + (count - 1)
                        + " more unreadable file" + (count > 2 ? "s" : "") + ")", c);
            }
            if (count > 1 && first instanceof UnsupportedSchemaException u) {
                throw new UnsupportedSchemaException(u.getMessage() + " (and " + (count - 1)
                        + " more unreadable file" + (count > 2 ? "s" : "") + ")");
            }
            throw first;
        }
    }
}
