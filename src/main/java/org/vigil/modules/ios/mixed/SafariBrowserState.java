package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.PlistReader;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Safari open tabs ({@code safari_browser_state}, MVT's {@code SafariBrowserState}).
 *
 * <p><b>Artifact</b>: every Safari {@code BrowserState.db}, the default profile's and each Safari
 * profile's (iOS 17+). In a backup: relative paths {@code Library/Safari/BrowserState.db} and
 * {@code Library/Safari/Profiles/<uuid>/BrowserState.db} in any domain; in a filesystem dump:
 * {@code private/var/mobile/Library/Safari/BrowserState.db}, its {@code Profiles/*} variant, and
 * the same two under {@code private/var/mobile/Containers/Data/Application/*}.
 *
 * <p><b>Records</b>: one per tab ({@code tabs JOIN tab_sessions}, or {@code tabs} alone on
 * older iOS), by last view: {@code tab_title, tab_url, tab_visible_url, last_viewed_timestamp},
 * {@code session_data} (the tab's back/forward list, decoded from the {@code session_data} blob:
 * a 4-byte header then a property list whose {@code SessionHistory.SessionHistoryEntries} give
 * {@code entry_title} (the original URL, as MVT names it), {@code entry_url},
 * {@code data_length}) and {@code safari_browser_state_db} (the database's path relative to the
 * acquisition).
 *
 * <p><b>Flags</b>: with indicators, a tab URL matching (CRITICAL), else each session entry URL
 * matching (CRITICAL, one alert per matching entry, as MVT).
 *
 * <p><b>Timeline</b>: {@code tab} at the last view ("title - url").
 */
public final class SafariBrowserState implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SafariBrowserState.class);

    static final List<ArtifactPattern> PATTERNS = List.of(
            ArtifactPattern.anyDomain("Library/Safari/BrowserState.db"),
            ArtifactPattern.anyDomain("Library/Safari/Profiles/*/BrowserState.db"),
            ArtifactPattern.anyDomain("private/var/mobile/Library/Safari/BrowserState.db"),
            ArtifactPattern.anyDomain("private/var/mobile/Library/Safari/Profiles/*/BrowserState.db"),
            ArtifactPattern.anyDomain(
                    "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db"),
            ArtifactPattern.anyDomain(
                    "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/BrowserState.db"));

    private static final int SESSION_HEADER = 4;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "safari_browser_state", "SafariBrowserState", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of("*/Library/Safari/BrowserState.db", "*/Library/Safari/Profiles/*/BrowserState.db",
                    "private/var/mobile/Library/Safari/BrowserState.db",
                    "private/var/mobile/Library/Safari/Profiles/*/BrowserState.db",
                    "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db",
                    "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/BrowserState.db"),
            List.of(), "Safari open tabs and their back/forward history (all profiles) against indicators");

    /**
     * One back/forward entry of a tab.
     *
     * @param entryTitle {@code SessionHistoryEntryOriginalURL} (MVT's name)
     * @param entryUrl {@code SessionHistoryEntryURL}
     * @param dataLength length of {@code SessionHistoryEntryData}, 0 when absent
     */
    @JsonPropertyOrder({"entry_title", "entry_url", "data_length"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SessionEntry(
            @JsonProperty("entry_title") Object entryTitle,
            @JsonProperty("entry_url") Object entryUrl,
            @JsonProperty("data_length") long dataLength) {}

    /**
     * One Safari tab.
     *
     * @param tabTitle tab title
     * @param tabUrl tab URL
     * @param tabVisibleUrl URL shown to the user
     * @param lastViewedTimestamp last view, ISO ("" when unknown)
     * @param sessionData the tab's back/forward entries
     * @param safariBrowserStateDb the database, relative to the acquisition root
     */
    @JsonPropertyOrder({"tab_title", "tab_url", "tab_visible_url", "last_viewed_timestamp", "session_data",
            "safari_browser_state_db"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Tab(
            @JsonProperty("tab_title") String tabTitle,
            @JsonProperty("tab_url") String tabUrl,
            @JsonProperty("tab_visible_url") String tabVisibleUrl,
            @JsonProperty("last_viewed_timestamp") String lastViewedTimestamp,
            @JsonProperty("session_data") List<SessionEntry> sessionData,
            @JsonProperty("safari_browser_state_db") String safariBrowserStateDb) {
        public Tab {
            sessionData = List.copyOf(sessionData);
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> dbs = BackupArtifacts.requireAll(ctx.source(), PATTERNS, "Safari BrowserState.db");
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Exception firstFailure = null;
        int read = 0;
        int entries = 0;
        for (ArtifactRef ref : dbs) {
            LOG.info("Found Safari browser state database at path: {}", ref.displayName());
            try {
                entries += read(ctx, ref, out);
                read++;
            } catch (CorruptArtifactException | UnsupportedSchemaException e) {
                // one damaged profile must not hide the others
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (read == 0 && firstFailure != null) {
            throw firstFailure;
        }
        LOG.info("Extracted a total of {} tab records and {} session history entries", out.recordCount(), entries);
        return out.build();
    }

    private static int read(ModuleContext ctx, ArtifactRef ref, ModuleResult.Builder out) throws Exception {
        String name = ref.displayName();
        String dbPath = Support.mvtRelativePath(ctx.source(), ref);
        int entries = 0;
        List<Tab> tabs = new ArrayList<>();
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object ts = rs.getObject(4);
                    List<SessionEntry> session = session(rs.getBytes(5), name);
                    entries += session.size();
                    tabs.add(new Tab(rs.getString(1), rs.getString(2), rs.getString(3),
                            ts instanceof Number n ? Times.fromMac(n) : "", session, dbPath));
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        // records, alerts and timeline only once the whole database was read
        for (Tab tab : tabs) {
            out.record(tab);
            if (ctx.hasIndicators()) {
                check(out, ctx.indicators(), tab.tabUrl(),
                        tab.sessionData().stream().map(s -> s.entryUrl() == null ? null : s.entryUrl().toString())
                                .toList(), tab);
            }
            out.timeline(tab.lastViewedTimestamp(), "tab", Support.py(tab.tabTitle()) + " - " + Support.py(tab.tabUrl()));
        }
        return entries;
    }

    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        if (!db.hasTable("tabs")) {
            throw new UnsupportedSchemaException(name + ": no table tabs");
        }
        Set<String> tabs = db.columns("tabs");
        if (!tabs.contains("url")) {
            throw new UnsupportedSchemaException(name + ": no column url in table tabs");
        }
        String title = tabs.contains("title") ? "tabs.title" : "NULL";
        String visible = tabs.contains("user_visible_url") ? "tabs.user_visible_url" : "NULL";
        String viewed = tabs.contains("last_viewed_time") ? "tabs.last_viewed_time" : "NULL";
        String order = tabs.contains("last_viewed_time") ? " ORDER BY tabs.last_viewed_time" : "";
        boolean joined = db.hasTable("tab_sessions") && db.columns("tab_sessions").contains("tab_uuid")
                && db.columns("tab_sessions").contains("session_data") && tabs.contains("uuid");
        if (joined) {
            return "SELECT " + title + ", tabs.url, " + visible + ", " + viewed + ", tab_sessions.session_data"
                    + " FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid" + order;
        }
        // iOS < 12: the session lives in the tabs table
        String session = tabs.contains("session_data") ? "tabs.session_data" : "NULL";
        return "SELECT " + title + ", tabs.url, " + visible + ", " + viewed + ", " + session + " FROM tabs" + order;
    }

    /** The back/forward entries of a {@code session_data} blob; none when it cannot be read (as MVT). */
    static List<SessionEntry> session(byte[] blob, String name) {
        List<SessionEntry> entries = new ArrayList<>();
        if (blob == null || blob.length == 0) {
            return entries;
        }
        Object plist;
        try {
            plist = PlistReader.parse(Arrays.copyOfRange(blob, Math.min(SESSION_HEADER, blob.length), blob.length),
                    name + " (session_data)");
        } catch (CorruptArtifactException e) {
            LOG.debug("{}", e.getMessage());
            return entries;
        }
        if (!(plist instanceof Map<?, ?> root) || !(root.get("SessionHistory") instanceof Map<?, ?> history)
                || !(history.get("SessionHistoryEntries") instanceof List<?> list)) {
            return entries;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> e)) {
                continue;
            }
            Object data = e.get("SessionHistoryEntryData");
            long length = data instanceof byte[] b ? b.length : data instanceof String s ? s.length()
                    : data instanceof List<?> l ? l.size() : data instanceof Map<?, ?> m ? m.size() : 0;
            entries.add(new SessionEntry(e.get("SessionHistoryEntryOriginalURL"), e.get("SessionHistoryEntryURL"),
                    length));
        }
        return entries;
    }

    private static void check(ModuleResult.Builder out, Indicators indicators, String tabUrl, List<String> entryUrls,
            Object event) {
        if (tabUrl != null) {
            Optional<IndicatorMatch> m = indicators.checkUrl(tabUrl);
            if (m.isPresent()) {
                out.alert(Level.CRITICAL, m.get(), "", event);
                return;
            }
        }
        for (String url : entryUrls) {
            if (url != null) {
                indicators.checkUrl(url).ifPresent(m -> out.alert(Level.CRITICAL, m, "", event));
            }
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode tab : results) {
            List<String> urls = new ArrayList<>();
            for (JsonNode e : tab.path("session_data")) {
                urls.add(e.hasNonNull("entry_url") ? e.get("entry_url").asText() : null);
            }
            String tabUrl = tab.hasNonNull("tab_url") ? tab.get("tab_url").asText() : null;
            check(out, indicators, tabUrl, urls, tab);
        }
        return out.build().alerts();
    }
}
