package org.vigil.demo;

import org.vigil.io.Times;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds a Safari {@code History.db} (HomeDomain {@code Library/Safari/History.db}) with the
 * WebKit/Safari schema: {@code history_items}, {@code history_visits} ({@code visit_time} in
 * seconds since 2001, REAL; {@code redirect_source}/{@code redirect_destination} link the visits of
 * one redirect chain), {@code history_tombstones}, {@code metadata} and the bookkeeping tables.
 */
public final class SafariHistoryDb {
    /** A {@code history_items} row; the visit count is derived from the visits. */
    public record Item(long id, String url) {
        public Item {
            Objects.requireNonNull(url, "url");
        }
    }

    /** A {@code history_visits} row. Redirect links may be null. */
    public record Visit(
            long id, long item, Instant time, String title, Long redirectSource, Long redirectDestination) {
        public Visit {
            Objects.requireNonNull(time, "time");
        }
    }

    static final String[] SCHEMA = {
        "CREATE TABLE history_items (id INTEGER PRIMARY KEY AUTOINCREMENT,url TEXT NOT NULL UNIQUE,"
                + "domain_expansion TEXT NULL,visit_count INTEGER NOT NULL,daily_visit_counts BLOB NOT NULL,"
                + "weekly_visit_counts BLOB NULL,autocomplete_triggers BLOB NULL,"
                + "should_recompute_derived_visit_counts INTEGER NOT NULL,visit_count_score INTEGER NOT NULL,"
                + "status_code INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE history_visits (id INTEGER PRIMARY KEY AUTOINCREMENT,history_item INTEGER NOT NULL"
                + " REFERENCES history_items(id) ON DELETE CASCADE,visit_time REAL NOT NULL,title TEXT NULL,"
                + "load_successful BOOLEAN NOT NULL DEFAULT 1,http_non_get BOOLEAN NOT NULL DEFAULT 0,"
                + "synthesized BOOLEAN NOT NULL DEFAULT 0,redirect_source INTEGER NULL UNIQUE REFERENCES"
                + " history_visits(id) ON DELETE CASCADE,redirect_destination INTEGER NULL UNIQUE REFERENCES"
                + " history_visits(id) ON DELETE CASCADE,origin INTEGER NOT NULL DEFAULT 0,"
                + "generation INTEGER NOT NULL DEFAULT 0,attributes INTEGER NOT NULL DEFAULT 0,"
                + "score INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE history_tombstones (id INTEGER PRIMARY KEY AUTOINCREMENT,start_time REAL NOT NULL,"
                + "end_time REAL NOT NULL,url TEXT,generation INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE metadata (key TEXT NOT NULL UNIQUE, value)",
        "CREATE TABLE history_client_versions (client_version INTEGER PRIMARY KEY,last_seen REAL NOT NULL)",
        "CREATE TABLE history_event_listeners (listener_name TEXT PRIMARY KEY NOT NULL UNIQUE,"
                + "last_seen REAL NOT NULL)",
        "CREATE TABLE history_events (id INTEGER PRIMARY KEY AUTOINCREMENT,event_type TEXT NOT NULL,"
                + "event_time REAL NOT NULL,pending_listeners TEXT NOT NULL,value BLOB)",
        "CREATE INDEX history_items__domain_expansion ON history_items (domain_expansion)",
        "CREATE INDEX history_visits__last_visit ON history_visits (history_item, visit_time DESC, synthesized ASC)",
        "CREATE INDEX history_visits__origin ON history_visits (origin, generation)",
    };

    private final List<Item> items = new ArrayList<>();
    private final List<Visit> visits = new ArrayList<>();

    /** Adds an item (a URL). */
    public SafariHistoryDb item(Item i) {
        items.add(Objects.requireNonNull(i));
        return this;
    }

    /** Adds a visit. */
    public SafariHistoryDb visit(Visit v) {
        visits.add(Objects.requireNonNull(v));
        return this;
    }

    /** The database file's bytes. */
    public byte[] toBytes() throws IOException {
        return SqliteFiles.build("History.db", this::fill);
    }

    /** Safari's {@code domain_expansion}: the host without a leading {@code www.}. */
    static String domainExpansion(String url) {
        try {
            String host = URI.create(url).getHost();
            if (host == null) {
                return null;
            }
            host = host.toLowerCase(Locale.ROOT);
            return host.startsWith("www.") ? host.substring(4) : host;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void fill(Connection c) throws SQLException {
        SqliteFiles.exec(c, SCHEMA);
        SqliteFiles.exec(c, "INSERT INTO metadata (key, value) VALUES ('version', 20)");
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO history_items (id, url, domain_expansion, visit_count, daily_visit_counts,"
                        + " should_recompute_derived_visit_counts, visit_count_score, status_code)"
                        + " VALUES (?, ?, ?, ?, ?, 0, ?, 0)")) {
            for (Item i : items) {
                long count = visits.stream().filter(v -> v.item() == i.id()).count();
                ps.setLong(1, i.id());
                ps.setString(2, i.url());
                ps.setString(3, domainExpansion(i.url()));
                ps.setLong(4, count);
                ps.setBytes(5, new byte[] {(byte) count, 0, 0, 0});
                ps.setLong(6, count * 100);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO history_visits (id, history_item, visit_time, title, load_successful, http_non_get,"
                        + " synthesized, redirect_source, redirect_destination, origin, generation, attributes, score)"
                        + " VALUES (?, ?, ?, ?, 1, 0, 0, ?, ?, 0, 1, 0, 100)")) {
            for (Visit v : visits) {
                ps.setLong(1, v.id());
                ps.setLong(2, v.item());
                ps.setDouble(3, Times.toMacSeconds(v.time()));
                ps.setString(4, v.title());
                setLong(ps, 5, v.redirectSource());
                setLong(ps, 6, v.redirectDestination());
                ps.executeUpdate();
            }
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setLong(i, v);
        }
    }
}
