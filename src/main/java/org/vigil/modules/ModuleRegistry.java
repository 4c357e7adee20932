package org.vigil.modules;

import java.util.ArrayList;
import java.util.List;
import org.vigil.core.Module;
import org.vigil.modules.ios.backup.BackupInfo;
import org.vigil.modules.ios.backup.ConfigurationProfiles;
import org.vigil.modules.ios.backup.ProfileEvents;
import org.vigil.modules.ios.mixed.IDStatusCache;
import org.vigil.modules.ios.mixed.LocationdClients;
import org.vigil.modules.ios.mixed.OSAnalyticsADDaily;
import org.vigil.modules.ios.backup.Manifest;
import org.vigil.modules.ios.mixed.Applications;
import org.vigil.modules.ios.mixed.ChromeFavicon;
import org.vigil.modules.ios.mixed.ChromeHistory;
import org.vigil.modules.ios.mixed.Calendar;
import org.vigil.modules.ios.mixed.Calls;
import org.vigil.modules.ios.mixed.Contacts;
import org.vigil.modules.ios.mixed.Datausage;
import org.vigil.modules.ios.mixed.SmsAttachments;
import org.vigil.modules.ios.mixed.Tcc;
import org.vigil.modules.ios.mixed.WebkitResourceLoadStatistics;
import org.vigil.modules.ios.mixed.FirefoxFavicon;
import org.vigil.modules.ios.mixed.FirefoxHistory;
import org.vigil.modules.ios.mixed.InteractionC;
import org.vigil.modules.ios.mixed.Whatsapp;
import org.vigil.modules.ios.mixed.WhatsappContacts;
import org.vigil.modules.ios.mixed.GlobalPreferences;
import org.vigil.modules.ios.mixed.SafariBrowserState;
import org.vigil.modules.ios.mixed.Shortcuts;
import org.vigil.modules.ios.mixed.WebkitSessionResourceLog;
import org.vigil.modules.ios.mixed.SafariHistory;
import org.vigil.modules.ios.mixed.Sms;
import org.vigil.source.SourceKind;

/**
 * The built-in modules, in MVT's run order for each command (backup-only modules first, then the
 * mixed modules), so that outputs and timelines line up with MVT's.
 */
public final class ModuleRegistry {
    private ModuleRegistry() {}

    /** Every built-in module, in a stable order (iOS backup order first). */
    public static List<Module> all() {
        List<Module> all = new ArrayList<>();
        all.addAll(iosBackupModules());
        all.addAll(iosSysdiagnoseModules());
        // filesystem-only modules (the mixed ones and shutdown_log are listed above)
        for (Module m : iosFsModules()) {
            if (all.stream().noneMatch(x -> x.descriptor().slug().equals(m.descriptor().slug()))) {
                all.add(m);
            }
        }
        all.addAll(org.vigil.modules.android.androidqf.AndroidQfModules.all());
        all.addAll(org.vigil.modules.android.bugreport.BugreportModules.all());
        all.addAll(androidBackupModules());
        all.addAll(org.vigil.modules.android.intrusion.IntrusionLogModules.all());
        return all;
    }

    /**
     * Modules that run on a full iOS filesystem dump, in MVT's order: the filesystem-only modules
     * (MVT's FS_MODULES), then the mixed modules (MVT's MIXED_MODULES).
     */
    public static List<Module> iosFsModules() {
        List<Module> fs = new ArrayList<>();
        // MVT's FS_MODULES order: CacheFiles, Filesystem, Netusage, Analytics, AnalyticsIOSVersions,
        // SafariFavicon, ShutdownLog, IOSVersionHistory, WebkitIndexedDB, WebkitLocalStorage,
        // WebkitSafariViewService (FsModules lists the nine of org.vigil.modules.ios.fs in that order)
        List<Module> fsOnly = org.vigil.modules.ios.fs.FsModules.all();
        fs.add(fsOnly.get(0)); // cache_files
        fs.add(new org.vigil.modules.ios.fs.Filesystem());
        fs.addAll(fsOnly.subList(1, 5)); // netusage, analytics, analytics_ios_versions, safari_favicon
        fs.add(new org.vigil.modules.ios.sysdiagnose.ShutdownLog());
        fs.addAll(fsOnly.subList(5, fsOnly.size())); // ios_version_history, webkit_*
        // mixed modules (MVT's MIXED_MODULES order): the backup list without its backup-only head
        for (Module m : iosBackupModules()) {
            if (m.descriptor().supports(SourceKind.IOS_FS)) {
                fs.add(m);
            }
        }
        return List.copyOf(fs);
    }

    /** Modules that run on an iOS sysdiagnose archive or folder. */
    public static List<Module> iosSysdiagnoseModules() {
        return List.of(
                new org.vigil.modules.ios.sysdiagnose.ShutdownLog(),
                new org.vigil.modules.ios.sysdiagnose.SysdiagnoseProcesses(),
                new org.vigil.modules.ios.sysdiagnose.SysdiagnoseCrashes(),
                new org.vigil.modules.ios.sysdiagnose.MobileInstallationLog(),
                new org.vigil.modules.ios.sysdiagnose.SysdiagnoseProfiles(),
                new org.vigil.modules.ios.sysdiagnose.SysdiagnoseProfileEvents(),
                new org.vigil.modules.ios.sysdiagnose.SysdiagnoseInfo(),
                new org.vigil.modules.ios.sysdiagnose.SwcutilShow(),
                new org.vigil.modules.ios.sysdiagnose.SysdiagnoseAnalytics());
    }

    /** Modules that run on an Android backup (.ab or unpacked), in MVT's order. */
    public static List<Module> androidBackupModules() {
        return List.of(new org.vigil.modules.android.backup.Sms());
    }

    /** Every built-in module of one platform (slugs are unique within a platform). */
    public static List<Module> forPlatform(org.vigil.core.Platform platform) {
        return all().stream().filter(m -> m.descriptor().platform() == platform).toList();
    }

    /** Modules that run on an iOS backup, in MVT's order. */
    public static List<Module> iosBackupModules() {
        return List.of(
                // backup-only modules (MVT's BACKUP_MODULES order)
                new BackupInfo(),
                new ConfigurationProfiles(),
                new Manifest(),
                new ProfileEvents(),
                // mixed modules (MVT's MIXED_MODULES order)
                new Calls(),
                new ChromeFavicon(),
                new ChromeHistory(),
                new Contacts(),
                new FirefoxFavicon(),
                new FirefoxHistory(),
                new IDStatusCache(),
                new InteractionC(),
                new LocationdClients(),
                new OSAnalyticsADDaily(),
                new Datausage(),
                new SafariBrowserState(),
                new SafariHistory(),
                new Tcc(),
                new Sms(),
                new SmsAttachments(),
                new WebkitResourceLoadStatistics(),
                new WebkitSessionResourceLog(),
                new Whatsapp(),
                new WhatsappContacts(),
                new Shortcuts(),
                new Applications(),
                new Calendar(),
                new GlobalPreferences());
    }

    /** Modules that run on a source of this kind, in run order. */
    public static List<Module> forKind(SourceKind kind) {
        if (kind == SourceKind.IOS_FS) {
            return iosFsModules();
        }
        return all().stream().filter(m -> m.descriptor().supports(kind)).toList();
    }
}
