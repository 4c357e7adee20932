package org.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.vigil.demo.BackupWriter;
import org.vigil.demo.DataUsageDb;
import org.vigil.demo.DemoScenario;
import org.vigil.demo.FileTimes;
import org.vigil.demo.SafariHistoryDb;
import org.vigil.demo.SmsDb;
import org.vigil.io.Times;

/**
 * Generates a large synthetic iTunes backup for benchmarks: at scale 1.0, 1,000,000 SMS (a tenth
 * with links), 300,000 Safari visits, 100,000 Manifest rows, 3,000 DataUsage processes and
 * 300,000 WhatsApp messages. Deterministic (fixed seed and times). Not a test: run by
 * {@code bench/backup-bench.sh}.
 *
 * <p>Usage: {@code LargeBackupGenerator OUTPUT_DIR [SCALE]}.
 */
public final class LargeBackupGenerator {
    /** Row counts at scale 1.0. */
    static final int SMS = 1_000_000;
    static final int SAFARI_VISITS = 300_000;
    static final int MANIFEST_ROWS = 100_000;
    static final int PROCESSES = 3_000;
    static final int WHATSAPP = 300_000;

    private static final long T0 = Instant.parse("2023-01-01T00:00:00Z").getEpochSecond();
    private static final String[] DOMAINS = {"example.com", "example.net", "example.org", "news.example.com",
        "shop.example.net", "mail.example.org", "video.example.com", "maps.example.net"};

    private LargeBackupGenerator() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: LargeBackupGenerator OUTPUT_DIR [SCALE]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        long start = System.nanoTime();
        Counts c = generate(out, scale);
        System.out.printf(Locale.ROOT, "generated %s in %.1f s: %,d SMS, %,d Safari visits, %,d Manifest rows,"
                + " %,d processes, %,d WhatsApp messages%n", out, (System.nanoTime() - start) / 1e9,
                c.sms, c.visits, c.manifestRows, c.processes, c.whatsapp);
    }

    /** What was generated. */
    record Counts(int sms, int visits, int manifestRows, int processes, int whatsapp) {}

    static Counts generate(Path out, double scale) throws IOException, SQLException {
        int sms = (int) Math.round(SMS * scale);
        int visits = (int) Math.round(SAFARI_VISITS * scale);
        int manifest = (int) Math.round(MANIFEST_ROWS * scale);
        int processes = Math.max(2, (int) Math.round(PROCESSES * scale));
        int whatsapp = (int) Math.round(WHATSAPP * scale);
        Path work = Files.createTempDirectory("vigil-bench-gen-");
        Random rnd = new Random(42);
        Path smsDb = smsDb(work.resolve("sms.db"), sms, rnd);
        Path history = historyDb(work.resolve("History.db"), visits, rnd);
        Path usage = dataUsageDb(work.resolve("DataUsage.sqlite"), processes, rnd);
        Path chat = chatStorage(work.resolve("ChatStorage.sqlite"), whatsapp, rnd);

        FileTimes times = FileTimes.of(T0);
        BackupWriter w = new BackupWriter(out).info(DemoScenario.device())
                .addFile("HomeDomain", "Library/SMS/sms.db", smsDb, times)
                .addFile("AppDomain-com.apple.mobilesafari", "Library/Safari/History.db", history, times)
                .addFile("WirelessDomain", "Library/Databases/DataUsage.sqlite", usage, times)
                .addFile("AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "ChatStorage.sqlite", chat, times);
        // the rest of the Manifest: small files spread over domains and folders
        int files = Math.max(0, manifest - 4 - manifest / 10);
        for (int i = 0; i < files; i++) {
            String domain = i % 3 == 0 ? "HomeDomain" : "AppDomain-com.example.app" + (i % 97);
            String path = "Library/Data/d" + (i % 50) + "/file_" + i + ".dat";
            w.addFile(domain, path, ("content of file " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    FileTimes.of(T0 + i, T0 + i + rnd.nextInt(1_000_000)));
        }
        w.write();
        deleteTree(work);
        return new Counts(sms, visits, w.rowCount(), processes, whatsapp);
    }

    private static Connection open(Path db) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=OFF");
            st.execute("PRAGMA synchronous=OFF");
        }
        c.setAutoCommit(false);
        return c;
    }

    private static String link(Random rnd, int i) {
        return "https://" + DOMAINS[rnd.nextInt(DOMAINS.length)] + "/article/" + i + "?ref=" + rnd.nextInt(1000);
    }

    private static Path smsDb(Path file, int n, Random rnd) throws IOException, SQLException {
        Files.write(file, new SmsDb().toBytes()); // the real schema, empty
        try (Connection c = open(file)) {
            try (PreparedStatement h = c.prepareStatement("INSERT INTO handle (ROWID, id, service) VALUES (?, ?, ?)")) {
                for (int i = 1; i <= 2000; i++) {
                    h.setInt(1, i);
                    h.setString(2, String.format(Locale.ROOT, "+1202555%04d", i));
                    h.setString(3, i % 2 == 0 ? "iMessage" : "SMS");
                    h.addBatch();
                }
                h.executeBatch();
            }
            try (PreparedStatement m = c.prepareStatement("INSERT INTO message (ROWID, guid, text, handle_id, service,"
                    + " date, date_read, is_from_me, is_read) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= n; i++) {
                    String text = "Message number " + i + " about the plans for " + (i % 365) + " days";
                    if (i % 10 == 0) {
                        text += " see " + link(rnd, i);
                    }
                    long unix = T0 + i * 20L;
                    m.setInt(1, i);
                    m.setString(2, String.format(Locale.ROOT, "%08X-0000-4000-8000-%012X", i, (long) i));
                    m.setString(3, text);
                    m.setInt(4, 1 + rnd.nextInt(2000));
                    m.setString(5, i % 2 == 0 ? "iMessage" : "SMS");
                    m.setLong(6, Times.toMacNanos(Instant.ofEpochSecond(unix)));
                    m.setLong(7, i % 3 == 0 ? 0 : Times.toMacNanos(Instant.ofEpochSecond(unix + 60)));
                    m.setInt(8, i % 2);
                    m.setInt(9, i % 3 == 0 ? 0 : 1);
                    m.addBatch();
                    if (i % 10_000 == 0) {
                        m.executeBatch();
                    }
                }
                m.executeBatch();
            }
            c.commit();
        }
        return file;
    }

    private static Path historyDb(Path file, int visits, Random rnd) throws IOException, SQLException {
        Files.write(file, new SafariHistoryDb().toBytes());
        int items = Math.max(1, visits / 6);
        try (Connection c = open(file)) {
            try (PreparedStatement it = c.prepareStatement("INSERT INTO history_items (id, url, domain_expansion,"
                    + " visit_count, daily_visit_counts, should_recompute_derived_visit_counts, visit_count_score)"
                    + " VALUES (?, ?, ?, ?, zeroblob(4), 0, 100)")) {
                for (int i = 1; i <= items; i++) {
                    it.setInt(1, i);
                    it.setString(2, link(rnd, i));
                    it.setString(3, "example");
                    it.setInt(4, 6);
                    it.addBatch();
                }
                it.executeBatch();
            }
            try (PreparedStatement v = c.prepareStatement("INSERT INTO history_visits (id, history_item, visit_time,"
                    + " title, load_successful) VALUES (?, ?, ?, ?, 1)")) {
                for (int i = 1; i <= visits; i++) {
                    v.setInt(1, i);
                    v.setInt(2, 1 + rnd.nextInt(items));
                    v.setDouble(3, Times.toMacSeconds(Instant.ofEpochSecond(T0 + i * 60L, rnd.nextInt(1000) * 1_000_000L)));
                    v.setString(4, "Page " + i);
                    v.addBatch();
                    if (i % 10_000 == 0) {
                        v.executeBatch();
                    }
                }
                v.executeBatch();
            }
            c.commit();
        }
        return file;
    }

    private static Path dataUsageDb(Path file, int processes, Random rnd) throws IOException, SQLException {
        DataUsageDb db = new DataUsageDb("00000000-0000-4000-8000-000000000001");
        List<Instant> firsts = new ArrayList<>();
        for (int i = 1; i <= processes; i++) {
            Instant first = Instant.ofEpochSecond(T0 + i * 3600L);
            firsts.add(first);
            db.process(new DataUsageDb.Process(i, "process" + i, i % 4 == 0 ? null : "com.example.app" + i, first,
                    first.plusSeconds(86_400)));
        }
        Files.write(file, db.toBytes());
        try (Connection c = open(file);
                PreparedStatement p = c.prepareStatement("INSERT INTO ZLIVEUSAGE (Z_PK, Z_ENT, Z_OPT, ZKIND, ZHASPROCESS,"
                        + " ZTIMESTAMP, ZWIFIIN, ZWIFIOUT, ZWWANIN, ZWWANOUT) VALUES (?, 5, 1, 0, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 1; i <= processes * 2; i++) {
                int proc = 1 + (i - 1) / 2;
                p.setInt(1, i);
                p.setInt(2, proc);
                p.setDouble(3, Times.toMacSeconds(firsts.get(proc - 1).plusSeconds(i)));
                p.setDouble(4, rnd.nextInt(1_000_000));
                p.setDouble(5, rnd.nextInt(1_000_000));
                p.setDouble(6, rnd.nextInt(1_000_000));
                p.setDouble(7, rnd.nextInt(1_000_000));
                p.addBatch();
            }
            p.executeBatch();
            c.commit();
        }
        return file;
    }

    private static Path chatStorage(Path file, int n, Random rnd) throws SQLException {
        try (Connection c = open(file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZFROMJID TEXT,"
                    + " ZTOJID TEXT, ZTEXT TEXT, ZMESSAGEDATE REAL, ZMESSAGETYPE INTEGER, ZISFROMME INTEGER)");
            st.execute("CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZAUTHORNAME TEXT,"
                    + " ZMEDIAURL TEXT)");
            st.execute("CREATE TABLE ZWAMESSAGEDATAITEM (Z_PK INTEGER PRIMARY KEY, ZMESSAGE INTEGER, ZCONTENT1 TEXT,"
                    + " ZCONTENT2 TEXT, ZMATCHEDTEXT TEXT, ZSUMMARY TEXT, ZTITLE TEXT)");
            st.execute("CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID TEXT, ZPARTNERNAME TEXT,"
                    + " ZSESSIONTYPE INTEGER, ZARCHIVED INTEGER, ZREMOVED INTEGER, ZHIDDEN INTEGER,"
                    + " ZMESSAGECOUNTER INTEGER, ZLASTMESSAGEDATE REAL, ZGROUPINFO INTEGER)");
            st.execute("CREATE TABLE ZWAGROUPINFO (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZCREATIONDATE REAL)");
            try (PreparedStatement s = c.prepareStatement("INSERT INTO ZWACHATSESSION VALUES (?, ?, ?, 0, 0, 0, 0, ?, ?, NULL)")) {
                for (int i = 1; i <= 500; i++) {
                    s.setInt(1, i);
                    s.setString(2, String.format(Locale.ROOT, "1202555%04d@s.whatsapp.net", i));
                    s.setString(3, "Contact " + i);
                    s.setInt(4, n / 500);
                    s.setDouble(5, Times.toMacSeconds(Instant.ofEpochSecond(T0 + n * 30L)));
                    s.addBatch();
                }
                s.executeBatch();
            }
            try (PreparedStatement m = c.prepareStatement("INSERT INTO ZWAMESSAGE VALUES (?, ?, ?, ?, ?, ?, 0, ?)")) {
                for (int i = 1; i <= n; i++) {
                    int session = 1 + rnd.nextInt(500);
                    String jid = String.format(Locale.ROOT, "1202555%04d@s.whatsapp.net", session);
                    boolean fromMe = i % 2 == 0;
                    m.setInt(1, i);
                    m.setInt(2, session);
                    m.setString(3, fromMe ? null : jid);
                    m.setString(4, fromMe ? jid : null);
                    m.setString(5, "WhatsApp message " + i + (i % 10 == 0 ? " " + link(rnd, i) : ""));
                    m.setDouble(6, Times.toMacSeconds(Instant.ofEpochSecond(T0 + i * 30L)));
                    m.setInt(7, fromMe ? 1 : 0);
                    m.addBatch();
                    if (i % 10_000 == 0) {
                        m.executeBatch();
                    }
                }
                m.executeBatch();
            }
            c.commit();
        }
        return file;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
