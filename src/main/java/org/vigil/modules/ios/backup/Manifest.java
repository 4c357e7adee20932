package org.vigil.modules.ios.backup;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InternetDomainName;
import com.google.thirdparty.publicsuffix.PublicSuffixPatterns;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.RowMap;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.FileMeta;
import org.vigil.source.SourceKind;
import org.vigil.source.iosbackup.MbFile;

/**
 * Manifest: every file an iTunes/Finder backup lists, with the metadata the phone recorded.
 *
 * <p>Artifact: {@code Manifest.db} at the root of the backup, table
 * {@code Files(fileID, domain, relativePath, flags, file)}; {@code file} is an NSKeyedArchiver
 * {@code MBFile} giving Birth, LastModified, LastStatusChange (Unix seconds), Mode, UserID and Size.
 * One record per row, in table order: {@code file_id, domain, relative_path, flags, created,
 * modified, status_changed, mode} (octal, Python style {@code 0o100644}){@code , owner, size}.
 * When the {@code file} blob is absent or unreadable only {@code created} ("") follows
 * {@code flags}, as in MVT.
 *
 * <p>Flags (with indicators, as MVT's Manifest module): the path {@code "/" + relative_path}
 * matching a file-name or file-path indicator (HIGH); otherwise each {@code _}-separated part of the
 * lower-cased relative path whose host has a public suffix (e.g. {@code www.example.org} in
 * {@code https_www.example.org_0.localstorage}) matching a domain or URL indicator (HIGH, 'Found
 * mention of domain "..." in a backup file with path: ...'), once per indicator and file. Heuristic
 * source: MVT (Amnesty Security Lab's Pegasus methodology, 2021: traces of malicious domains in
 * WebKit/Safari storage file names).
 *
 * <p>Timeline: one event per distinct time among created/modified/status_changed, its code
 * MACB-style ({@code M} modified, {@code -}, {@code C} status changed, {@code B} born), its text
 * {@code "<relative_path> - <domain>"}.
 */
public final class Manifest implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Manifest.class);

    /** The artifact, relative to the backup folder. */
    static final String MANIFEST_DB = "Manifest.db";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("manifest", "Manifest", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED), List.of("<backup>/Manifest.db (Files)"),
            List.of(), "Every file of the backup with its times, mode, owner and size; file paths and domains "
                    + "in file names checked against indicators.");

    /**
     * The keys of a record in MVT's order; records are {@link RowMap}s over them, the last five
     * present only when known (as {@link Entry} serialises with Jackson).
     */
    static final RowMap.Columns COLUMNS = RowMap.Columns.of(new String[] {"file_id", "domain", "relative_path",
        "flags", "created", "modified", "status_changed", "mode", "owner", "size"})
            .withOptional("modified", "status_changed", "mode", "owner", "size");

    /**
     * One Manifest.db row, as MVT writes it to {@code manifest.json} (the records themselves are
     * {@link #toRow() RowMaps} with the same keys and values, written without a bean serialiser).
     *
     * @param fileId SHA-1 name of the file in the backup
     * @param domain backup domain
     * @param relativePath path inside the domain
     * @param flags 1 file, 2 directory, 4 symbolic link
     * @param created birth time, ISO, "" when unknown
     * @param modified modification time, ISO (absent without metadata)
     * @param statusChanged status change time, ISO (absent without metadata)
     * @param mode Unix mode in Python's octal notation, e.g. {@code 0o100644} (absent when unknown)
     * @param owner owner uid (absent when unknown)
     * @param size size in bytes (absent when unknown)
     */
    @JsonPropertyOrder({"file_id", "domain", "relative_path", "flags", "created", "modified", "status_changed",
        "mode", "owner", "size"})
    public record Entry(
            @JsonProperty("file_id") String fileId,
            @JsonProperty("domain") String domain,
            @JsonProperty("relative_path") String relativePath,
            @JsonProperty("flags") Long flags,
            @JsonProperty("created") String created,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("modified") String modified,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("status_changed") String statusChanged,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("mode") String mode,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("owner") Long owner,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("size") Long size) {

        /** An entry from a row and its decoded metadata (null when the blob was absent or unreadable). */
        static Entry of(String fileId, String domain, String relativePath, Long flags, FileMeta meta) {
            if (meta == null) {
                return new Entry(fileId, domain, relativePath, flags, "", null, null, null, null, null);
            }
            return new Entry(fileId, domain, relativePath, flags, Times.fromUnixSeconds(meta.birth()),
                    Times.fromUnixSeconds(meta.modified()), Times.fromUnixSeconds(meta.statusChanged()),
                    meta.mode() < 0 ? null : "0o" + Integer.toOctalString(meta.mode()),
                    meta.owner() < 0 ? null : meta.owner(), meta.size() < 0 ? null : meta.size());
        }

        /** The record: the same keys, values and order as this entry serialised by Jackson. */
        RowMap toRow() {
            RowMap row = new RowMap(COLUMNS);
            row.setAt(0, fileId);
            row.setAt(1, domain);
            row.setAt(2, relativePath);
            row.setAt(3, flags);
            row.setAt(4, created);
            Object[] optional = {modified, statusChanged, mode, owner, size};
            for (int i = 0; i < optional.length; i++) {
                if (optional[i] != null) {
                    row.setAt(5 + i, optional[i]);
                }
            }
            return row;
        }

        /** The entry a record holds. */
        static Entry of(Map<String, ?> row) {
            return new Entry((String) row.get("file_id"), (String) row.get("domain"),
                    (String) row.get("relative_path"), (Long) row.get("flags"), (String) row.get("created"),
                    (String) row.get("modified"), (String) row.get("status_changed"), (String) row.get("mode"),
                    (Long) row.get("owner"), (Long) row.get("size"));
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext context) throws Exception {
        Path db = context.source().rootFile(MANIFEST_DB).orElseThrow(() -> new ArtifactNotFoundException(
                "unable to find backup's Manifest.db in " + context.source().root()));
        LOG.info("Found Manifest.db database at path: {}", db);
        ModuleResult.Builder out = context.newResult(DESCRIPTOR);
        boolean check = context.hasIndicators();
        int undecodable = 0;
        try (SqliteReader reader = SqliteReader.open(db, db.toString())) {
            if (!reader.hasTable("Files")) {
                throw new UnsupportedSchemaException(db + ": no Files table");
            }
            try (PreparedStatement ps = reader.connection().prepareStatement(
                    "SELECT fileID, domain, relativePath, flags, file FROM Files");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String fileId = rs.getString(1);
                    long flags = rs.getLong(4);
                    Long flagsOrNull = rs.wasNull() ? null : flags;
                    byte[] blob = rs.getBytes(5);
                    FileMeta meta = null;
                    if (blob != null && blob.length > 0) {
                        try {
                            meta = MbFile.decode(blob, "Manifest.db file metadata of " + fileId);
                        } catch (CorruptArtifactException e) {
                            undecodable++;
                            LOG.debug("{}", e.getMessage());
                        }
                    }
                    Entry entry = Entry.of(fileId, rs.getString(2), rs.getString(3), flagsOrNull, meta);
                    RowMap row = entry.toRow();
                    out.record(row);
                    timeline(entry, out);
                    if (check) {
                        check(entry.relativePath(), row, context.indicators(), out);
                    }
                }
            }
        } catch (SQLException e) {
            throw new CorruptArtifactException(db + ": cannot read the Files table (" + e.getMessage()
                    + "); the backup may be encrypted or damaged", e);
        }
        if (undecodable > 0) {
            LOG.warn("{} Manifest.db entries have unreadable file metadata", undecodable);
        }
        LOG.info("Extracted a total of {} file metadata items", out.recordCount());
        return out.build();
    }

    private static void timeline(Entry e, ModuleResult.Builder out) {
        if (e.modified() == null || e.statusChanged() == null) {
            return;
        }
        String data = e.relativePath() + " - " + e.domain();
        // each distinct time once, in ascending order
        String[] times = {e.created(), e.modified(), e.statusChanged()};
        sort3(times);
        for (int i = 0; i < times.length; i++) {
            String t = times[i];
            if (i > 0 && t.equals(times[i - 1])) {
                continue;
            }
            out.timeline(t, MACB[(t.equals(e.modified()) ? 4 : 0) | (t.equals(e.statusChanged()) ? 2 : 0)
                    | (t.equals(e.created()) ? 1 : 0)], data);
        }
    }

    /** MACB codes by bits (4 modified, 2 status changed, 1 born). */
    private static final String[] MACB = {"----", "---B", "--C-", "--CB", "M---", "M--B", "M-C-", "M-CB"};

    private static void sort3(String[] a) {
        if (a[0].compareTo(a[1]) > 0) {
            swap(a, 0, 1);
        }
        if (a[1].compareTo(a[2]) > 0) {
            swap(a, 1, 2);
        }
        if (a[0].compareTo(a[1]) > 0) {
            swap(a, 0, 1);
        }
    }

    private static void swap(String[] a, int i, int j) {
        String t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** The indicator checks of one record (shared by run and recheck). */
    static void check(String relativePath, Object event, Indicators indicators, ModuleResult.Builder out) {
        if (relativePath == null || relativePath.isEmpty()) {
            return;
        }
        Optional<IndicatorMatch> path = indicators.checkFilePath("/" + relativePath);
        if (path.isPresent()) {
            out.alert(Level.HIGH, path.get(), "", event);
            return;
        }
        String lower = relativePath.toLowerCase(Locale.ROOT);
        Set<String> seen = new HashSet<>();
        for (String part : lower.split("_", -1)) {
            if (part.indexOf('.') < 0 || !hasPublicSuffixHost(part)) {
                continue;
            }
            Optional<IndicatorMatch> m = indicators.checkUrl(part);
            if (m.isPresent() && seen.add(m.get().indicator().value())) {
                out.alert(Level.HIGH, "Found mention of domain \"" + m.get().indicator().value()
                        + "\" in a backup file with path: " + lower, m.get(), "", event);
            }
        }
    }

    /**
     * True when {@code part} reads as a URL whose host ends in a public suffix, as MVT's URL check
     * (a scheme is optional; the host runs to the first '/', '?' or '#').
     */
    static boolean hasPublicSuffixHost(String part) {
        String s = part;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int end = s.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = s.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String host = s.substring(0, end);
        host = host.substring(host.lastIndexOf('@') + 1);
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        if (host.indexOf('.') < 0) {
            return false;
        }
        // most file names end in a label no rule of the Public Suffix List ends in ("plist",
        // "db"): a set lookup instead of a full parse per name. Guava also splits at the
        // ideographic and full-width dots and drops a trailing dot: those names get the full check.
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (!last.isEmpty() && !SUFFIX_LAST_LABELS.contains(last) && !hasUnicodeDot(host)) {
            return false;
        }
        if (!InternetDomainName.isValid(host)) {
            return false;
        }
        return InternetDomainName.from(host).isUnderPublicSuffix();
    }

    /**
     * The last label of every rule (exact, wildcard and exception) of the Public Suffix List in
     * the Guava release Vigil ships (its {@code PublicSuffixPatterns}, the tables
     * {@link InternetDomainName} matches against): a host whose last label is not among them has
     * no public suffix.
     */
    private static final Set<String> SUFFIX_LAST_LABELS = suffixLastLabels();

    private static Set<String> suffixLastLabels() {
        Set<String> labels = new HashSet<>();
        for (Map<String, ?> rules : List.of(PublicSuffixPatterns.EXACT, PublicSuffixPatterns.UNDER,
                PublicSuffixPatterns.EXCLUDED)) {
            for (String rule : rules.keySet()) {
                labels.add(rule.substring(rule.lastIndexOf('.') + 1));
            }
        }
        return Set.copyOf(labels);
    }

    private static boolean hasUnicodeDot(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '\u3002' || c == '\uff0e' || c == '\uff61') {
                return true;
            }
        }
        return false;
    }

    /** Re-checks {@code manifest.json} records (MVT's or Vigil's): the indicator checks only. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray()) {
            for (JsonNode record : results) {
                JsonNode rp = record.get("relative_path");
                if (rp != null && rp.isTextual()) {
                    check(rp.asText(), record, indicators, out);
                }
            }
        }
        return out.build().alerts();
    }
}
