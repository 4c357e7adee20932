package org.vigil.modules.android.bugreport;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Set;
import org.vigil.core.Module;
import org.vigil.io.Times;
import org.vigil.source.SourceKind;

/** The bug report modules in MVT's order, and helpers they share. */
public final class BugreportModules {
    private BugreportModules() {}

    /**
     * Source kinds the bug report modules run on. Not androidqf itself: in check-androidqf they run
     * nested, on its {@code bugreport.zip} or, without one, on its {@code dumpsys.txt}
     * ({@link #dumpsysOnly()}).
     */
    static final Set<SourceKind> KINDS = Set.of(SourceKind.ANDROID_BUGREPORT);

    /** The 13 bug report modules, in MVT's order. */
    public static List<Module> all() {
        return List.of(new DumpsysAccessibility(), new DumpsysActivities(), new DumpsysAppops(),
                new DumpsysBatteryDaily(), new DumpsysBatteryHistory(), new DumpsysDBInfo(), new DumpsysGetProp(),
                new DumpsysPackages(), new DumpsysPlatformCompat(), new DumpsysReceivers(), new DumpsysADBState(),
                new BugReportTimestamps(), new Tombstones());
    }

    /**
     * The bug report modules that read only {@code DUMP OF SERVICE} sections (all but getprop,
     * which reads {@code SYSTEM PROPERTIES}, and the {@code FS/} timestamps and tombstones), in
     * MVT's order: what runs on androidqf's {@code dumpsys.txt} when it has no bug report.
     */
    public static List<Module> dumpsysOnly() {
        return all().stream().filter(m -> !Set.of("dumpsys_get_prop", "bugreport_timestamps", "tombstones")
                .contains(m.descriptor().slug())).toList();
    }

    /** MVT's ROOT_PACKAGES (25). */
    static final Set<String> ROOT_PACKAGES = Set.of(
            "com.noshufou.android.su", "com.noshufou.android.su.elite", "eu.chainfire.supersu",
            "com.koushikdutta.superuser", "com.thirdparty.superuser", "com.yellowes.su",
            "com.koushikdutta.rommanager", "com.koushikdutta.rommanager.license", "com.dimonvideo.luckypatcher",
            "com.chelpus.lackypatch", "com.ramdroid.appquarantine", "com.ramdroid.appquarantinepro",
            "com.devadvance.rootcloak", "com.devadvance.rootcloakplus", "de.robv.android.xposed.installer",
            "com.saurik.substrate", "com.zachspong.temprootremovejb", "com.amphoras.hidemyroot",
            "com.amphoras.hidemyrootadfree", "com.formyhm.hiderootPremium", "com.formyhm.hideroot",
            "me.phh.superuser", "eu.chainfire.supersu.pro", "com.kingouser.com", "com.topjohnwu.magisk");

    private static final DateTimeFormatter DATE_TIME_FRACTION = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true).optionalEnd()
            .toFormatter();

    /**
     * {@code yyyy-MM-dd HH:mm:ss[.f{1,6}]} as MVT's ISO text, or null when it does not parse
     * (Python's {@code strptime("%Y-%m-%d %H:%M:%S.%f")} also wants the fraction; we accept its
     * absence).
     */
    static String isoOrNull(String text) {
        try {
            return Times.format(LocalDateTime.parse(text, DATE_TIME_FRACTION));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Number of leading spaces. */
    static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
