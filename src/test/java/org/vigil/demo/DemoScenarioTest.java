package org.vigil.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.model.Level;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.testing.SharedData;

class DemoScenarioTest {
    @TempDir
    static Path tmp;

    static Path backup;
    static Path stix;
    static DemoScenario.Result result;

    @BeforeAll
    static void writeDemo() throws Exception {
        backup = tmp.resolve("backup");
        stix = tmp.resolve("iocs").resolve(DemoIndicators.FILE_NAME);
        result = DemoScenario.write(backup, stix);
    }

    private static Path content(String domain, String path) {
        String id = BackupWriter.fileId(domain, path);
        return backup.resolve(id.substring(0, 2)).resolve(id);
    }

    private static List<Map<String, Object>> query(Path db, String sql) throws Exception {
        try (SqliteReader r = SqliteReader.open(db, db.getFileName().toString());
                Statement st = r.connection().createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Test
    void writesAboutTwoHundredManifestRowsIncludingTheModuleDatabases() throws Exception {
        assertThat(result.manifestRows()).isBetween(180, 230);
        List<Map<String, Object>> rows = query(backup.resolve("Manifest.db"), "SELECT count(*) AS n FROM Files");
        assertThat(((Number) rows.get(0).get("n")).intValue()).isEqualTo(result.manifestRows());
        // the fixed backup ids MVT's modules look up
        assertThat(content("HomeDomain", "Library/SMS/sms.db"))
                .isEqualTo(backup.resolve("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28")).isRegularFile();
        assertThat(content("WirelessDomain", "Library/Databases/DataUsage.sqlite"))
                .isEqualTo(backup.resolve("0d/0d609c54856a9bb2d56729df1d68f2958a88426b")).isRegularFile();
        assertThat(content("HomeDomain", "Library/Safari/History.db")).isRegularFile();
        assertThat(content("HomeDomain", "Library/Preferences/.GlobalPreferences.plist"))
                .isEqualTo(backup.resolve("0d/0dc926a1810f7aee4e8f38793ed788701f93bf9d")).isRegularFile();
    }

    @Test
    void infoPlistDescribesTheDemoDevice() throws Exception {
        NSDictionary info = (NSDictionary) PropertyListParser.parse(backup.resolve("Info.plist").toFile());
        assertThat(info.get("Device Name").toJavaObject()).isEqualTo("Demo iPhone");
        assertThat(info.get("Product Type").toJavaObject()).isEqualTo("iPhone14,2");
        assertThat(info.get("Product Version").toJavaObject()).isEqualTo("16.6");
        assertThat(info.get("Build Version").toJavaObject()).isEqualTo("20G75");
        assertThat(info.get("Target Identifier").toJavaObject()).isEqualTo(DemoScenario.UDID);
        assertThat(info.get("Installed Applications").toJavaObject()).isEqualTo(new Object[] {
            "com.example.podcatcher", "com.example.recipebox", "com.example.transitmap", "com.example.weatherly"});
        assertThat(Files.readString(backup.resolve("Info.plist"))).startsWith("<?xml");
    }

    @Test
    void smsDbHoldsBenignMessagesAndThePlantedLure() throws Exception {
        Path db = content("HomeDomain", "Library/SMS/sms.db");
        List<Map<String, Object>> rows = query(db,
                "SELECT message.*, handle.id AS phone_number FROM message, handle"
                        + " WHERE handle.rowid = message.handle_id ORDER BY message.ROWID");
        assertThat(rows).hasSize(31);
        Map<String, Object> planted = rows.get((int) DemoScenario.PLANTED_SMS_ROWID - 1);
        assertThat(planted.get("ROWID")).isEqualTo((int) DemoScenario.PLANTED_SMS_ROWID);
        assertThat(planted.get("phone_number")).isEqualTo("+12025550143");
        assertThat(planted.get("service")).isEqualTo("SMS");
        assertThat(planted.get("is_from_me")).isEqualTo(0);
        assertThat((String) planted.get("text")).endsWith(" https://secure-login.example.net/p/8Kx2Qd");
        long date = ((Number) planted.get("date")).longValue();
        assertThat(Long.toString(date)).hasSize(18);
        assertThat(date).isEqualTo(716199245539788032L);
        assertThat(Times.fromMac(date)).isEqualTo("2023-09-12 08:14:05.000000");
        // only the planted message mentions a campaign domain; benign links are under example.com
        long withLinks = rows.stream().filter(r -> String.valueOf(r.get("text")).contains("https://")).count();
        assertThat(withLinks).isEqualTo(6);
        assertThat(rows.stream().filter(r -> String.valueOf(r.get("text")).contains("example.net"))).hasSize(1);
        assertThat(query(db, "SELECT filename, is_outgoing FROM attachment")).hasSize(1);
    }

    @Test
    void safariHistoryHasTheFastCrossDomainRedirect() throws Exception {
        Path db = content("HomeDomain", "Library/Safari/History.db");
        List<Map<String, Object>> rows = query(db,
                "SELECT history_items.url, history_visits.id, history_visits.visit_time,"
                        + " history_visits.redirect_source, history_visits.redirect_destination"
                        + " FROM history_items JOIN history_visits ON history_visits.history_item = history_items.id"
                        + " ORDER BY history_visits.visit_time");
        assertThat(rows).hasSize(34);
        Map<Integer, Map<String, Object>> byId = new TreeMap<>();
        rows.forEach(r -> byId.put((Integer) r.get("id"), r));
        Map<String, Object> origin = byId.get((int) DemoScenario.REDIRECT_ORIGIN_VISIT);
        Map<String, Object> landing = byId.get((int) DemoScenario.REDIRECT_LANDING_VISIT);
        assertThat(origin.get("url")).isEqualTo("http://news.example.com/2023/09/13/local-weather-update");
        assertThat(origin.get("redirect_destination")).isEqualTo((int) DemoScenario.REDIRECT_LANDING_VISIT);
        assertThat(landing.get("url")).isEqualTo("https://cdn-delivery.example.net/l/4f7a1b");
        assertThat(landing.get("redirect_source")).isEqualTo((int) DemoScenario.REDIRECT_ORIGIN_VISIT);
        double delta = (Double) landing.get("visit_time") - (Double) origin.get("visit_time");
        assertThat(delta).isEqualTo(0.4375);
        assertThat(Times.fromMac((Double) origin.get("visit_time"))).isEqualTo("2023-09-13 19:02:11.250000");
        // MVT's injection rule: http:// origin, redirect to another host, < 1 s -> exactly one
        List<String> flagged = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Object dest = r.get("redirect_destination");
            if (!((String) r.get("url")).startsWith("http://") || dest == null) {
                continue;
            }
            Map<String, Object> d = byId.get((Integer) dest);
            String h1 = java.net.URI.create((String) r.get("url")).getHost();
            String h2 = java.net.URI.create((String) d.get("url")).getHost();
            double dt = (Double) d.get("visit_time") - (Double) r.get("visit_time");
            if (!h1.equals(h2) && dt < 1.0) {
                flagged.add(h1 + "->" + h2);
            }
        }
        assertThat(flagged).containsExactly("news.example.com->cdn-delivery.example.net");
    }

    @Test
    void dataUsageHasTheImplantTheOrphanedLiveRowAndTheGap() throws Exception {
        Path db = content("WirelessDomain", "Library/Databases/DataUsage.sqlite");
        List<Map<String, Object>> procs = query(db, "SELECT Z_PK, ZPROCNAME, ZBUNDLENAME, ZFIRSTTIMESTAMP FROM ZPROCESS ORDER BY Z_PK");
        assertThat(procs).hasSize(17);
        Map<String, Object> implant = procs.get(13);
        assertThat(implant.get("Z_PK")).isEqualTo(14);
        assertThat(implant.get("ZPROCNAME")).isEqualTo("msgservd");
        assertThat(implant.get("ZBUNDLENAME")).isNull();
        assertThat(Times.fromMac((Double) implant.get("ZFIRSTTIMESTAMP"))).isEqualTo("2023-09-13 19:02:40.500000");
        List<Integer> ids = procs.stream().map(r -> (Integer) r.get("Z_PK")).toList();
        List<Integer> gaps = new ArrayList<>();
        for (int i = ids.get(0); i < ids.get(ids.size() - 1); i++) {
            if (!ids.contains(i)) {
                gaps.add(i);
            }
        }
        assertThat(gaps).containsExactly(15);
        List<Map<String, Object>> orphans = query(db,
                "SELECT ZLIVEUSAGE.Z_PK AS live, ZHASPROCESS, ZLIVEUSAGE.ZTIMESTAMP AS ts FROM ZLIVEUSAGE"
                        + " LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK WHERE ZPROCESS.Z_PK IS NULL");
        assertThat(orphans).hasSize(1);
        assertThat(orphans.get(0).get("live")).isEqualTo(14);
        assertThat(orphans.get(0).get("ZHASPROCESS")).isEqualTo(15);
        assertThat(Times.fromMac((Double) orphans.get(0).get("ts"))).isEqualTo("2023-09-13 19:05:02.750000");
        // MVT's union query returns one record per live row plus processes without live rows
        List<Map<String, Object>> records = query(db,
                "SELECT ZPROCESS.ZPROCNAME, ZPROCESS.Z_PK AS ZPROCESS_PK, ZLIVEUSAGE.Z_PK AS ZLIVEUSAGE_PK"
                        + " FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK"
                        + " UNION SELECT ZPROCNAME, Z_PK, NULL FROM ZPROCESS WHERE Z_PK NOT IN"
                        + " (SELECT ZHASPROCESS FROM ZLIVEUSAGE)");
        assertThat(records).hasSize(18);
        assertThat(records.stream().filter(r -> "msgservd".equals(r.get("ZPROCNAME")))).hasSize(1);
        List<Map<String, Object>> max = query(db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Process'");
        assertThat(max.get(0).get("Z_MAX")).isEqualTo(18);
    }

    @Test
    void expectedAlertsFollowMvtSemantics() {
        List<ExpectedAlert> alerts = DemoScenario.expectedAlerts();
        assertThat(alerts).extracting(a -> a.module() + ":" + a.level()).containsExactly(
                "datausage:HIGH", "datausage:HIGH", "datausage:LOW", "datausage:CRITICAL",
                "safari_history:MEDIUM", "safari_history:CRITICAL", "sms:CRITICAL");
        assertThat(alerts.get(0).message())
                .isEqualTo("Found manipulated process entry 15. Entry on 2023-09-13 19:05:02.750000");
        assertThat(alerts.get(1).message()).isEqualTo("Found manipulated process entry 15/");
        assertThat(alerts.get(2).message())
                .isEqualTo("Missing process 15. Previous process at \"2023-09-13 19:02:40.500000\" (msgservd)");
        assertThat(alerts.get(3).indicator()).isEqualTo("msgservd");
        assertThat(alerts.get(3).eventTime()).isEqualTo("2023-09-13 19:02:40.500000");
        assertThat(alerts.get(4).eventTime()).isEqualTo("2023-09-13 19:02:11.250000");
        assertThat(alerts.get(5).indicator()).isEqualTo("https://cdn-delivery.example.net/l/4f7a1b");
        assertThat(alerts.get(5).eventTime()).isEqualTo("2023-09-13 19:02:11.687500");
        assertThat(alerts.get(6).indicator()).isEqualTo("secure-login.example.net");
        assertThat(alerts.get(6).eventTime()).isEqualTo("2023-09-12 08:14:05.000000");
        assertThat(alerts.stream().filter(a -> a.level() == Level.CRITICAL)).hasSize(3);
        assertThat(DemoScenario.expectedSummary()).startsWith("Expected alerts with demo-campaign.stix2 (7:")
                .contains("CRITICAL sms").hasLineCount(8);
    }

    @Test
    void twoRunsAreByteIdentical() throws Exception {
        Path a = tmp.resolve("run-a");
        Path b = tmp.resolve("run-b");
        DemoScenario.write(a.resolve("backup"), a.resolve("demo.stix2"));
        DemoScenario.write(b.resolve("backup"), b.resolve("demo.stix2"));
        Map<String, String> ha = TreeHash.of(a);
        assertThat(ha.size()).isEqualTo(TreeHash.of(backup).size() + 1);
        assertThat(ha.equals(TreeHash.of(b))).as("same bytes in both runs").isTrue();
    }

    @Test
    void schemasContainEveryColumnOfTheRealSample() throws Exception {
        Path sample = SharedData.iosBackup();
        assertThat(columns(content("HomeDomain", "Library/SMS/sms.db"), "message"))
                .containsAll(columns(sample.resolve("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"), "message"));
        assertThat(columns(content("HomeDomain", "Library/SMS/sms.db"), "handle"))
                .containsExactlyElementsOf(columns(sample.resolve("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"), "handle"));
        Path realDu = sample.resolve("0d/0d609c54856a9bb2d56729df1d68f2958a88426b");
        Path demoDu = content("WirelessDomain", "Library/Databases/DataUsage.sqlite");
        for (String t : List.of("ZPROCESS", "ZLIVEUSAGE", "Z_PRIMARYKEY", "Z_METADATA")) {
            assertThat(columns(demoDu, t)).as(t).containsExactlyElementsOf(columns(realDu, t));
        }
        assertThat(columns(backup.resolve("Manifest.db"), "Files"))
                .containsExactlyElementsOf(columns(sample.resolve("Manifest.db"), "Files"));
    }

    private static Set<String> columns(Path db, String table) throws Exception {
        try (SqliteReader r = SqliteReader.open(db, table)) {
            return new LinkedHashSet<>(r.columns(table));
        } catch (SQLException e) {
            throw e;
        }
    }
}
