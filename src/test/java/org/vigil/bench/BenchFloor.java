package org.vigil.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.vigil.demo.BackupWriter;

/**
 * The floor for {@code bench/backup-bench.sh}: the time to read, through sqlite-jdbc and nothing
 * else, every row and column that the modules read from a generated backup. A check cannot be
 * faster than this.
 *
 * <p>Usage: {@code BenchFloor BACKUP_DIR}.
 */
public final class BenchFloor {
    private BenchFloor() {}

    public static void main(String[] args) throws Exception {
        Path backup = Path.of(args[0]);
        Map<String, String[]> queries = new LinkedHashMap<>();
        queries.put("Manifest.db", new String[] {backup.resolve("Manifest.db").toString(),
            "SELECT fileID, domain, relativePath, flags, file FROM Files"});
        queries.put("sms.db", new String[] {file(backup, "HomeDomain", "Library/SMS/sms.db"),
            "SELECT message.*, handle.id FROM message LEFT JOIN handle ON handle.ROWID = message.handle_id"});
        queries.put("History.db", new String[] {file(backup, "AppDomain-com.apple.mobilesafari", "Library/Safari/History.db"),
            "SELECT history_items.id, history_items.url, history_visits.id, history_visits.visit_time,"
                + " history_visits.redirect_source, history_visits.redirect_destination FROM history_items"
                + " JOIN history_visits ON history_visits.history_item = history_items.id"});
        queries.put("DataUsage.sqlite", new String[] {file(backup, "WirelessDomain", "Library/Databases/DataUsage.sqlite"),
            "SELECT * FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK"});
        queries.put("ChatStorage.sqlite", new String[] {file(backup, "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
            "ChatStorage.sqlite"),
            "SELECT * FROM ZWAMESSAGE LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"
                + " LEFT JOIN ZWAMESSAGEDATAITEM ON ZWAMESSAGEDATAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"});
        long total = 0;
        long rowsTotal = 0;
        for (Map.Entry<String, String[]> q : queries.entrySet()) {
            long start = System.nanoTime();
            long rows = 0;
            long cells = 0;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(q.getValue()[0]).toUri()
                    + "?mode=ro&immutable=1"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q.getValue()[1])) {
                int cols = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    rows++;
                    for (int i = 1; i <= cols; i++) {
                        if (rs.getObject(i) != null) {
                            cells++;
                        }
                    }
                }
            }
            long ns = System.nanoTime() - start;
            total += ns;
            rowsTotal += rows;
            System.out.printf(Locale.ROOT, "floor %-20s %,10d rows %,12d values %8.2f s%n", q.getKey(), rows, cells, ns / 1e9);
        }
        System.out.printf(Locale.ROOT, "floor %-20s %,10d rows %21s %8.2f s%n", "total", rowsTotal, "", total / 1e9);
    }

    private static String file(Path backup, String domain, String relativePath) {
        String id = BackupWriter.fileId(domain, relativePath);
        return backup.resolve(id.substring(0, 2)).resolve(id).toString();
    }
}
