package org.vigil.demo;

import org.vigil.io.Times;
import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds an iOS {@code DataUsage.sqlite} (WirelessDomain {@code Library/Databases/DataUsage.sqlite};
 * the same Core Data model as {@code netusage.sqlite}) with the real table layout: {@code ZPROCESS},
 * {@code ZLIVEUSAGE} and the other entity tables (empty), {@code Z_PRIMARYKEY} and
 * {@code Z_METADATA}. Timestamps are Core Data times (seconds since 2001, REAL).
 *
 * <p>A live-usage row may point ({@code ZHASPROCESS}) at a process id that has no row, which is how
 * a deleted process record looks.
 */
public final class DataUsageDb {
    /** A {@code ZPROCESS} row; {@code bundleName} is null for daemons. */
    public record Process(long pk, String procName, String bundleName, Instant first, Instant last) {
        public Process {
            Objects.requireNonNull(procName, "procName");
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(last, "last");
        }
    }

    /** A {@code ZLIVEUSAGE} row (bytes as REAL, like the real database). */
    public record LiveUsage(
            long pk, long process, Instant timestamp, double wifiIn, double wifiOut, double wwanIn, double wwanOut) {
        public LiveUsage {
            Objects.requireNonNull(timestamp, "timestamp");
        }
    }

    private static final int ENT_LIVE_USAGE = 5;
    private static final int ENT_PROCESS = 7;
    private static final String[] ENTITIES = {
        "CheckUpEvent", "DemoLiveUsage", "Event", "EventScene", "LiveUsage", "Peer", "Process", "TshootingData",
        "WiFiData",
    };

    static final String[] SCHEMA = {
        "CREATE TABLE ZCHECKUPEVENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTIMESTAMP TIMESTAMP,"
                + " ZSYNDROMEID VARCHAR )",
        "CREATE TABLE ZDEMOLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINCARNATION INTEGER,"
                + " ZWIFIIN INTEGER, ZWIFIOUT INTEGER, ZWWANIN INTEGER, ZWWANOUT INTEGER, ZTIMESTAMP TIMESTAMP )",
        "CREATE TABLE ZEVENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZHAPPENEDONNET INTEGER,"
                + " ZHASPEER INTEGER, ZHASSCENE INTEGER, ZRFU1 FLOAT, ZRFU2 FLOAT, ZRFU3 FLOAT, ZRFU4 FLOAT,"
                + " ZRFU5 FLOAT, ZTIMESTAMP TIMESTAMP, ZFAILUREIMPACT VARCHAR, ZFAILURESTRING VARCHAR,"
                + " ZSYNDROMEID VARCHAR )",
        "CREATE TABLE ZEVENTSCENE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZLINKQUALITY INTEGER,"
                + " ZRSSI INTEGER, ZWITHEVENT INTEGER, ZCOURSE FLOAT, ZLATITUDE FLOAT, ZLOCACCURACY FLOAT,"
                + " ZLONGITUDE FLOAT, ZRFU1 FLOAT, ZRFU3 FLOAT, ZSPEED FLOAT )",
        "CREATE TABLE ZLIVEUSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER,"
                + " ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER, ZBILLCYCLEEND TIMESTAMP,"
                + " ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT )",
        "CREATE TABLE ZPEER ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZADDRESS INTEGER,"
                + " ZDSTPORT INTEGER, ZWITHEVENT INTEGER, ZRFU1 FLOAT, ZRFU2 FLOAT, ZRFU3 FLOAT, ZRFU4 FLOAT,"
                + " ZRFU5 FLOAT, ZTIMESTAMP TIMESTAMP, ZFQDN VARCHAR )",
        "CREATE TABLE ZPROCESS ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP,"
                + " ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR )",
        "CREATE TABLE ZTSHOOTINGDATA ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
                + " ZWITHCHECKUPEVENT INTEGER, ZWITHEVENT INTEGER, ZTIMESTAMP TIMESTAMP, ZPROVIDERS BLOB )",
        "CREATE TABLE ZWIFIDATA ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZISADHOC INTEGER,"
                + " ZISCAPTIVE INTEGER, ZISLINKLOCALADDR INTEGER, ZLINKQUALITY INTEGER, ZSTATE INTEGER,"
                + " ZSTATSTCPCNTACTUAL INTEGER, ZSTATSTCPCNTBASE INTEGER, ZTIMEAT INTEGER, ZDHCPLEASETIME FLOAT,"
                + " ZLATITUDE FLOAT, ZLOCACCURACY FLOAT, ZLONGITUDE FLOAT, ZRFU1 FLOAT, ZRFU2 FLOAT, ZRFU3 FLOAT,"
                + " ZRSSI FLOAT, ZSTATSINBYTESACTUAL FLOAT, ZSTATSINBYTESBASE FLOAT, ZSTATSOUTBYTESACTUAL FLOAT,"
                + " ZSTATSOUTBYTESBASE FLOAT, ZTIMESTAMP TIMESTAMP, ZBSSID VARCHAR, ZSSID VARCHAR )",
        "CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER)",
        "CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB)",
        "CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB)",
        "CREATE INDEX ZEVENT_ZHAPPENEDONNET_INDEX ON ZEVENT (ZHAPPENEDONNET)",
        "CREATE INDEX ZEVENT_ZHASPEER_INDEX ON ZEVENT (ZHASPEER)",
        "CREATE INDEX ZEVENT_ZHASSCENE_INDEX ON ZEVENT (ZHASSCENE)",
        "CREATE INDEX ZEVENTSCENE_ZWITHEVENT_INDEX ON ZEVENTSCENE (ZWITHEVENT)",
        "CREATE INDEX ZLIVEUSAGE_ZHASPROCESS_INDEX ON ZLIVEUSAGE (ZHASPROCESS)",
        "CREATE INDEX ZPEER_ZWITHEVENT_INDEX ON ZPEER (ZWITHEVENT)",
        "CREATE INDEX ZTSHOOTINGDATA_ZWITHCHECKUPEVENT_INDEX ON ZTSHOOTINGDATA (ZWITHCHECKUPEVENT)",
        "CREATE INDEX ZTSHOOTINGDATA_ZWITHEVENT_INDEX ON ZTSHOOTINGDATA (ZWITHEVENT)",
    };

    private final List<Process> processes = new ArrayList<>();
    private final List<LiveUsage> liveUsage = new ArrayList<>();
    private final String storeUuid;

    /** @param storeUuid the Core Data store UUID written in {@code Z_METADATA} */
    public DataUsageDb(String storeUuid) {
        this.storeUuid = Objects.requireNonNull(storeUuid, "storeUuid");
    }

    /** Adds a process row. */
    public DataUsageDb process(Process p) {
        processes.add(Objects.requireNonNull(p));
        return this;
    }

    /** Adds a live-usage row. */
    public DataUsageDb liveUsage(LiveUsage u) {
        liveUsage.add(Objects.requireNonNull(u));
        return this;
    }

    /** The database file's bytes. */
    public byte[] toBytes() throws IOException {
        byte[] metadata = metadataPlist();
        return SqliteFiles.build("DataUsage.sqlite", c -> fill(c, metadata));
    }

    private byte[] metadataPlist() throws IOException {
        NSDictionary d = new NSDictionary();
        d.put("NSPersistenceFrameworkVersion", 1244);
        d.put("NSStoreModelVersionHashesVersion", 3);
        d.put("NSStoreModelVersionIdentifiers", new com.dd.plist.NSArray(new com.dd.plist.NSString("")));
        d.put("NSStoreType", "SQLite");
        d.put("NSStoreUUID", storeUuid);
        d.put("_NSAutoVacuumLevel", "2");
        return BinaryPropertyListWriter.writeToArray(d);
    }

    private void fill(Connection c, byte[] metadata) throws SQLException {
        SqliteFiles.exec(c, SCHEMA);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ZPROCESS (Z_PK, Z_ENT, Z_OPT, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME)"
                        + " VALUES (?, " + ENT_PROCESS + ", 1, ?, ?, ?, ?)")) {
            for (Process p : processes) {
                ps.setLong(1, p.pk());
                ps.setDouble(2, Times.toMacSeconds(p.first()));
                ps.setDouble(3, Times.toMacSeconds(p.last()));
                ps.setString(4, p.bundleName());
                ps.setString(5, p.procName());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ZLIVEUSAGE (Z_PK, Z_ENT, Z_OPT, ZKIND, ZMETADATA, ZTAG, ZHASPROCESS, ZBILLCYCLEEND,"
                        + " ZTIMESTAMP, ZWIFIIN, ZWIFIOUT, ZWWANIN, ZWWANOUT)"
                        + " VALUES (?, " + ENT_LIVE_USAGE + ", 1, 0, 0, 1, ?, NULL, ?, ?, ?, ?, ?)")) {
            for (LiveUsage u : liveUsage) {
                ps.setLong(1, u.pk());
                ps.setLong(2, u.process());
                ps.setDouble(3, Times.toMacSeconds(u.timestamp()));
                ps.setDouble(4, u.wifiIn());
                ps.setDouble(5, u.wifiOut());
                ps.setDouble(6, u.wwanIn());
                ps.setDouble(7, u.wwanOut());
                ps.executeUpdate();
            }
        }
        long maxProcess = processes.stream().mapToLong(Process::pk).max().orElse(0);
        // a deleted process still counts in Z_MAX: Core Data never reuses ids
        maxProcess = Math.max(maxProcess, liveUsage.stream().mapToLong(LiveUsage::process).max().orElse(0));
        long maxLive = liveUsage.stream().mapToLong(LiveUsage::pk).max().orElse(0);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Z_PRIMARYKEY VALUES (?, ?, 0, ?)")) {
            for (int i = 0; i < ENTITIES.length; i++) {
                int ent = i + 1;
                ps.setInt(1, ent);
                ps.setString(2, ENTITIES[i]);
                ps.setLong(3, ent == ENT_PROCESS ? maxProcess : ent == ENT_LIVE_USAGE ? maxLive : 0);
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Z_METADATA VALUES (1, ?, ?)")) {
            ps.setString(1, storeUuid);
            ps.setBytes(2, metadata);
            ps.executeUpdate();
        }
    }
}
