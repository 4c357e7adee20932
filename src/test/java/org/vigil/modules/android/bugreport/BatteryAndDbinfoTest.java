package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.bugreport.Fixtures.androidData;
import static org.vigil.modules.android.bugreport.Fixtures.indicators;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.lines;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.modules.android.bugreport.DumpsysBatteryHistory.Event;

/** DumpsysBatteryDaily, DumpsysBatteryHistory, DumpsysDBInfo. */
class BatteryAndDbinfoTest {
    @TempDir
    Path tmp;

    private static ModuleResult.Builder builder() {
        return ModuleResult.builder(new DumpsysBatteryDaily().descriptor());
    }

    private static String daily(String from, String to, String... updates) {
        StringBuilder sb = new StringBuilder("  Daily from " + from + "-01-00-00 to " + to + "-01-00-00:\n"
                + "    Package changes:\n");
        for (String u : updates) {
            sb.append("      Update ").append(u).append('\n');
        }
        return sb.toString();
    }

    @Test
    void batteryDailySample() throws Exception {
        ModuleResult.Builder out = builder();
        List<Map<String, Object>> r = DumpsysBatteryDaily.parse(lines(androidData("dumpsys_battery.txt")), out);
        assertThat(r).hasSize(3);
        assertThat(json(r.get(0)).toString()).isEqualTo("{\"action\":\"update\",\"from\":\"2022-08-16\",\"to\":"
                + "\"2022-08-17\",\"package_name\":\"com.facebook.services\",\"vers\":\"385230290\"}");
        assertThat(out.build().alerts()).isEmpty();
        assertThat(new DumpsysBatteryDaily().recheck(json(r), indicators(IndicatorType.APP_IDS, "com.facebook.system")))
                .hasSize(1);
    }

    @Test
    void uninstallAndDowngrade() throws Exception {
        String text = "DUMP OF SERVICE batterystats:\nDaily stats:\n"
                + daily("2022-08-17", "2022-08-18", "com.example.app vers=9")
                + daily("2022-08-16", "2022-08-17", "com.example.app vers=10", "com.example.removed vers=0");
        ModuleResult res = run(new DumpsysBatteryDaily(), Fixtures.dumpstate(tmp, text));
        assertThat(res.recordCount()).isEqualTo(3);
        assertThat(res.alerts()).extracting(Alert::message).containsExactly(
                "Detected uninstall of package com.example.removed (vers 0)",
                "Detected downgrade of package com.example.app from vers 10 to vers 9");
        assertThat(res.alerts()).extracting(Alert::eventTime).containsExactly("2022-08-16", "2022-08-17");
        assertThat(res.alerts()).extracting(Alert::level).containsOnly(Level.MEDIUM);
        @SuppressWarnings("unchecked")
        Map<String, Object> down = (Map<String, Object>) res.alerts().get(1).event();
        assertThat(down.get("action")).isEqualTo("downgrade");
        assertThat(down.get("previous_vers")).isEqualTo("10");
        assertThat(res.timeline()).contains(new TimelineEvent("2022-08-17", "DumpsysBatteryDaily", "battery_daily",
                "Recorded downgrade of package com.example.app from vers 10 to vers 9"));
    }

    @Test
    void newestFirstUpdatesAndDowngrades() {
        ModuleResult.Builder out = builder();
        List<Map<String, Object>> r = DumpsysBatteryDaily.parse(DumpsysSections.lines(
                daily("2026-01-10", "2026-01-11", "p vers=102") + daily("2026-01-05", "2026-01-06", "p vers=101")), out);
        assertThat(r).hasSize(2);
        assertThat(r).extracting(m -> m.get("action")).containsOnly("update");
        assertThat(out.build().alerts()).isEmpty();

        ModuleResult.Builder out2 = builder();
        DumpsysBatteryDaily.parse(DumpsysSections.lines(
                daily("2026-01-10", "2026-01-11", "p vers=101") + daily("2026-01-05", "2026-01-06", "p vers=102")), out2);
        List<Alert> alerts = out2.build().alerts();
        assertThat(alerts).extracting(Alert::message).containsExactly("Detected downgrade of package p from vers 102 to vers 101");
        assertThat(alerts.get(0).eventTime()).isEqualTo("2026-01-10");

        ModuleResult.Builder out3 = builder();
        List<Map<String, Object>> r3 = DumpsysBatteryDaily.parse(DumpsysSections.lines(
                daily("2026-01-15", "2026-01-16", "p vers=10") + daily("2026-01-10", "2026-01-11", "p vers=0")
                        + daily("2026-01-05", "2026-01-06", "p vers=102")), out3);
        assertThat(r3).hasSize(3);
        List<Alert> a3 = out3.build().alerts();
        assertThat(a3).extracting(Alert::eventTime).containsExactly("2026-01-10");
    }

    @Test
    void batteryHistorySample() throws Exception {
        List<Event> r = DumpsysBatteryHistory.parse(lines(androidData("dumpsys_battery.txt")));
        assertThat(r).hasSize(5);
        assertThat(r.get(0)).isEqualTo(new Event("+47s645ms", "start_job", "u0a94", "com.samsung.android.app.reminder",
                "com.samsung.android.app.reminder/.data.alarmregister.RegisterAlarmJobService"));
        assertThat(r.get(1).event()).isEqualTo("end_job");
        assertThat(r.get(2)).isEqualTo(new Event("+1h26m18s315ms", "start_top", "u0a280", "com.whatsapp", ""));
        assertThat(r.get(3).event()).isEqualTo("end_top");
        assertThat(r.get(4).packageName()).isEqualTo("com.sec.android.app.launcher");
        assertThat(new DumpsysBatteryHistory().recheck(json(r),
                indicators(IndicatorType.APP_IDS, "com.samsung.android.app.reminder"))).hasSize(2);
    }

    @Test
    void batteryHistoryAbsoluteTimesAndWakeAlarms() throws Exception {
        String text = "DUMP OF SERVICE batterystats:\nBattery History (1% used):\n"
                + "07-15 20:27:39.431 (2) 100 +job=u0a123:\"com.example/.ExampleJob\"\n\n"
                + "07-15 20:27:40.000 (2) 100 -job=u0a123:\"com.example/.ExampleJob\"\n"
                + "  +1s (2) 100 +running +wake_lock=u0a7:\"*walarm*:com.alarm/.Tick\"\n"
                + "Per-PID Stats:\n  +2s (2) 100 +top=u0a1:\"after.end\"\n";
        ModuleResult res = run(new DumpsysBatteryHistory(), Fixtures.dumpstate(tmp, text),
                indicators(IndicatorType.APP_IDS, "com.alarm"));
        assertThat(res.results()).isEqualTo(List.of(
                new Event("07-15 20:27:39.431", "start_job", "u0a123", "com.example", "com.example/.ExampleJob"),
                new Event("07-15 20:27:40.000", "end_job", "u0a123", "com.example", "com.example/.ExampleJob"),
                new Event("+1s", "wake", "u0a7", "com.alarm", "com.alarm/.Tick")));
        assertThat(res.alerts()).hasSize(1);
        assertThat(res.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
    }

    @Test
    void dbinfoSample() throws Exception {
        List<Map<String, Object>> r = DumpsysDBInfo.parse(lines(androidData("dumpsys_dbinfo.txt")));
        assertThat(r).hasSize(5);
        assertThat(r.get(0).get("action")).isEqualTo("executeForCursorWindow");
        assertThat(r.get(0).get("sql")).isEqualTo("PRAGMA database_list;");
        assertThat(r.get(0).get("path")).isEqualTo("/data/user/0/com.wssyncmldm/databases/idmsdk.db");
        assertThat(r.get(0).get("pid")).isEqualTo("0");
        assertThat(r.get(0).get("isodate")).isEqualTo("2023-07-27 12:21:44.097");
        assertThat(new DumpsysDBInfo().recheck(json(r), indicators(IndicatorType.APP_IDS, "com.wssyncmldm"))).hasSize(5);
    }

    @Test
    void dbinfoMonthDayWithoutPid() throws Exception {
        String text = "DUMP OF SERVICE dbinfo:\nConnection pool for /data/user/0/com.example/databases/current.db:\n"
                + "  Available primary connection:\n    Connection #0:\n      Most recently executed operations:\n"
                + "        0: [07-15 20:27:39.431] executeForCursorWindow took 0ms - succeeded, sql=\"SELECT 1\", "
                + "path=/data/user/0/com.example/databases/current.db\n"
                + "      Other:\n        1: [07-15 20:27:39.431] executeForLong took 0ms - succeeded, sql=\"SELECT 2\"\n";
        ModuleResult res = run(new DumpsysDBInfo(), Fixtures.dumpstate(tmp, text));
        assertThat(json(res.results()).toString()).isEqualTo("[{\"isodate\":\"07-15 20:27:39.431\",\"action\":"
                + "\"executeForCursorWindow\",\"sql\":\"SELECT 1\",\"path\":\"/data/user/0/com.example/databases/current.db\"}]");
    }
}
