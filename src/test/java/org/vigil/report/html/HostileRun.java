package org.vigil.report.html;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vigil.core.model.Alert;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.IndicatorRef;
import org.vigil.core.model.InputHash;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.RunInfo;
import org.vigil.core.model.RunResult;
import org.vigil.core.model.TimelineEvent;

/**
 * A run whose device-derived text is hostile: every string an attacker controls on the phone
 * (SMS text, names, paths, the device name, a module's reason) carries markup, script, a
 * {@code javascript:} URL, U+2028 and NUL. Built in code: nothing is read from disk.
 */
public final class HostileRun {
    /** Payloads that set {@code window.__pwned} or the title when they run. */
    public static final List<String> PAYLOADS = List.of(
            "<script>window.__pwned=1;document.title='PWNED'</script>",
            "<img src=x onerror=\"window.__pwned=2\">",
            "\"><svg onload=window.__pwned=3>",
            "javascript:window.__pwned=4",
            "</textarea></style></script><script>window.__pwned=5</script>",
            "line\u2028separator\u2029para",
            "nul\u0000byte",
            "'><iframe src=javascript:window.__pwned=6>");

    private HostileRun() {}

    /** All payloads in one string. */
    public static String all() {
        return String.join(" | ", PAYLOADS);
    }

    /** The run: one indicator match in a hostile SMS, a heuristic, an unreadable module. */
    public static RunResult run() {
        Map<String, Object> sms = new LinkedHashMap<>();
        sms.put("text", all() + " https://evil.example.net/x");
        sms.put("isodate", "2024-03-05 10:11:12.000000");
        sms.put(PAYLOADS.get(1), PAYLOADS.get(2));
        Alert match = new Alert(Level.CRITICAL, "sms", "Found a known suspicious domain in " + PAYLOADS.get(0),
                "2024-03-05 10:11:12.000000", sms,
                new IndicatorRef("evil.example.net", "domains", "Evil" + PAYLOADS.get(1), "evil<b>.stix2"));
        Alert heuristic = new Alert(Level.MEDIUM, "safari_history", "Redirect to " + PAYLOADS.get(3),
                "2024-02-01 09:00:00.000000", Map.of("url", PAYLOADS.get(3)), null);
        List<TimelineEvent> timeline = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            timeline.add(new TimelineEvent(String.format("2024-%02d-%02d 08:00:00.000000", 1 + i % 3, 1 + i % 27), "SMS",
                    "sms_received", PAYLOADS.get(i % PAYLOADS.size())));
        }
        ModuleOutcome smsOut = new ModuleOutcome("sms", "SMS", ModuleStatus.CHECKED, "", List.of(sms), List.of(match),
                timeline, List.of());
        ModuleOutcome safari = new ModuleOutcome("safari_history", "SafariHistory", ModuleStatus.CHECKED, "",
                List.of(Map.of("url", PAYLOADS.get(3))), List.of(heuristic),
                List.of(new TimelineEvent("2024-02-01 09:00:00.000000", "SafariHistory", "visit", PAYLOADS.get(4))),
                List.of());
        ModuleOutcome broken = ModuleOutcome.without("tcc", "TCC", ModuleStatus.UNREADABLE,
                "TCC.db: not an SQLite database " + PAYLOADS.get(2));
        ModuleOutcome absent = ModuleOutcome.without("whatsapp", "Whatsapp", ModuleStatus.NOT_PRESENT,
                "ChatStorage.sqlite not in the backup");
        Map<String, String> device = new LinkedHashMap<>();
        device.put("Device Name", "Alice " + PAYLOADS.get(0));
        device.put("Product Type", "iPhone14,2");
        device.put("Product Version", "16.6");
        device.put("Last Backup Date", "2024-03-06 12:00:00.000000");
        RunInfo info = new RunInfo("ios check-backup", "/evidence/" + PAYLOADS.get(2), "iOS backup", "0.1.0-test",
                "2024-03-07 10:00:00.000000",
                List.of(new IndicatorFileInfo("/iocs/evil.stix2", "ab12", 9, Map.of("domains", 9),
                        List.of("Evil" + PAYLOADS.get(1)), Map.of(), "2024-01-02T00:00:00.000Z")),
                List.of(new InputHash("/evidence/Manifest.db", "cd34")), device, false);
        return new RunResult(info, List.of(smsOut, safari, broken, absent));
    }
}
