package org.vigil.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.vigil.source.android.AbFixtures;
import org.vigil.source.android.AgeFixtures;
import org.vigil.source.android.AndroidBackupSource;

/**
 * Deterministic Android acquisitions for {@code bench/android-bench.sh}.
 *
 * <ul>
 *   <li>{@code bugreport OUT.zip MB}: a bug report zip ({@code main_entry.txt},
 *       {@code dumpstate.txt} of about MB megabytes, ten text tombstones under
 *       {@code FS/data/tombstones/}). The dumpstate has the sections the modules read, sized like a
 *       busy phone's: {@code package} (activity and receiver resolver tables, 3,000 packages with
 *       their permissions and users), {@code appops} (3,000 packages, timed accesses),
 *       {@code batterystats} (battery history lines and daily stats with package updates),
 *       {@code dbinfo}, {@code accessibility}, {@code adb}, {@code platform_compat}, {@code getprop};
 *       the rest is system log lines, as in real reports.</li>
 *   <li>{@code androidqf DIR FILES}: an androidqf folder {@code DIR/androidqf} with a
 *       {@code files.json} of FILES entries, a {@code packages.json} of 400 packages (files with
 *       hashes and certificates), getprop, settings, ps, root binaries, mounts, logs, a 20 MB
 *       {@code dumpsys.txt} and a {@code backup.ab} of 2,000 SMS.</li>
 *   <li>{@code age DIR IN.zip OUT.zip.age KEYFILE}: {@code IN.zip} encrypted with age to a new
 *       X25519 key whose identity goes to KEYFILE.</li>
 *   <li>{@code zip DIR OUT.zip}: zips the folder DIR (entries under its name).</li>
 * </ul>
 */
public final class AndroidBenchGenerator {
    private static final long SEED = 20261123L;
    private static final String[] VENDORS = {"com.google.android", "com.samsung.android", "com.android",
        "com.sec.android.app", "com.facebook", "org.telegram", "com.whatsapp", "com.example.apps"};
    private static final String[] PERMS = {"android.permission.INTERNET", "android.permission.ACCESS_NETWORK_STATE",
        "android.permission.READ_SMS", "android.permission.RECEIVE_SMS", "android.permission.CAMERA",
        "android.permission.RECORD_AUDIO", "android.permission.ACCESS_FINE_LOCATION",
        "android.permission.READ_CONTACTS", "android.permission.READ_CALL_LOG", "android.permission.WAKE_LOCK",
        "android.permission.FOREGROUND_SERVICE", "android.permission.POST_NOTIFICATIONS",
        "android.permission.RECEIVE_BOOT_COMPLETED", "android.permission.READ_EXTERNAL_STORAGE"};
    private static final String[] OPS = {"COARSE_LOCATION", "FINE_LOCATION", "CAMERA", "RECORD_AUDIO", "READ_SMS",
        "WAKE_LOCK", "READ_EXTERNAL_STORAGE", "WRITE_EXTERNAL_STORAGE", "GET_USAGE_STATS", "RUN_IN_BACKGROUND",
        "READ_CLIPBOARD", "POST_NOTIFICATION"};
    private static final String[] INTENTS = {"android.intent.action.MAIN", "android.intent.action.VIEW",
        "android.intent.action.SEND", "android.intent.action.BOOT_COMPLETED", "android.provider.Telephony.SMS_RECEIVED",
        "android.intent.action.PHONE_STATE", "android.net.conn.CONNECTIVITY_CHANGE",
        "android.intent.action.PACKAGE_ADDED", "android.intent.action.NEW_OUTGOING_CALL"};
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private AndroidBenchGenerator() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "bugreport" -> bugreport(Path.of(args[1]), Long.parseLong(args[2]) << 20);
            case "androidqf" -> androidqf(Path.of(args[1]), Integer.parseInt(args[2]));
            case "age" -> age(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            case "zip" -> zipFolder(Path.of(args[1]), Path.of(args[2]));
            default -> throw new IllegalArgumentException("usage: bugreport OUT.zip MB | androidqf DIR FILES"
                    + " | age IN.zip OUT.zip.age KEYFILE | zip DIR OUT.zip");
        }
    }

    static List<String> packages(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(VENDORS[i % VENDORS.length] + ".app" + String.format(Locale.ROOT, "%04d", i));
        }
        return out;
    }

    /** A bug report zip whose dumpstate is about {@code bytes} long. */
    static void bugreport(Path zip, long bytes) throws IOException {
        Files.createDirectories(zip.toAbsolutePath().getParent());
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.setLevel(1);
            entry(z, "main_entry.txt");
            z.write("dumpstate.txt".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
            entry(z, "dumpstate.txt");
            Writer w = new BufferedWriter(new OutputStreamWriter(new NonClosing(z), StandardCharsets.UTF_8), 1 << 16);
            Counting c = new Counting(w);
            dumpstate(c, bytes);
            w.flush();
            z.closeEntry();
            for (int i = 0; i < 10; i++) {
                entry(z, String.format(Locale.ROOT, "FS/data/tombstones/tombstone_%02d", i));
                z.write(tombstone(i).getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
    }

    private static void entry(ZipOutputStream z, String name) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setLastModifiedTime(FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        z.putNextEntry(e);
    }

    /** The dumpstate text: the sections modules read, then system log lines up to {@code bytes}. */
    static void dumpstate(Counting w, long bytes) throws IOException {
        Random r = new Random(SEED);
        List<String> pkgs = packages(3000);
        LocalDateTime t0 = LocalDateTime.of(2025, 6, 1, 8, 0);
        w.line("========================================================");
        w.line("== dumpstate: 2025-06-20 18:00:00");
        w.line("========================================================");
        w.line("");
        w.line("------ SYSTEM PROPERTIES (getprop) ------");
        for (int i = 0; i < 1500; i++) {
            w.line("[ro.vendor.prop" + i + "]: [value" + r.nextInt(1000) + "]");
        }
        w.line("[persist.sys.timezone]: [Europe/Berlin]");
        w.line("[ro.build.version.security_patch]: [2025-03-05]");
        w.line("");
        section(w, "accessibility");
        w.line("ACCESSIBILITY MANAGER (dumpsys accessibility)");
        w.line("User state[attributes:{id=0, currentUser=true");
        w.line("     installed services: {");
        for (int i = 0; i < 20; i++) {
            w.line("       " + i + " : " + pkgs.get(i * 7) + "/.AccessService" + i);
        }
        w.line("     }");
        end(w);
        section(w, "package");
        resolver(w, "Activity Resolver Table:", pkgs, r, 20_000, "Activity");
        resolver(w, "Receiver Resolver Table:", pkgs, r, 20_000, "Receiver");
        w.line("Packages:");
        for (int p = 0; p < pkgs.size(); p++) {
            String pkg = pkgs.get(p);
            boolean system = p % 3 == 0;
            w.line("  Package [" + pkg + "] (" + Integer.toHexString(r.nextInt()) + "):");
            w.line("    userId=" + (10000 + p));
            w.line("    pkg=Package{" + Integer.toHexString(r.nextInt()) + " " + pkg + "}");
            w.line("    codePath=/data/app/~~" + Long.toHexString(r.nextLong()) + "/" + pkg + "-1");
            w.line("    versionCode=" + (1000 + r.nextInt(100000)) + " minSdk=28 targetSdk=34");
            w.line("    versionName=" + (1 + p % 9) + "." + (p % 17) + "." + (p % 5));
            w.line("    flags=[ " + (system ? "SYSTEM " : "") + "HAS_CODE ALLOW_CLEAR_USER_DATA ]");
            LocalDateTime inst = t0.minusDays(p % 400).plusMinutes(p);
            w.line("    timeStamp=" + TS.format(inst));
            w.line("    firstInstallTime=" + TS.format(inst));
            w.line("    lastUpdateTime=" + TS.format(inst.plusDays(3)));
            w.line("    installerPackageName=" + (system ? "null" : "com.android.vending"));
            w.line("    pkgFlags=[ " + (system ? "SYSTEM " : "") + "HAS_CODE ALLOW_CLEAR_USER_DATA ]");
            w.line("    declared permissions:");
            w.line("      " + pkg + ".permission.C2D_MESSAGE: prot=signature, INSTALLED");
            w.line("    requested permissions:");
            for (String perm : PERMS) {
                w.line("      " + perm);
            }
            w.line("    install permissions:");
            for (int k = 0; k < 8; k++) {
                w.line("      " + PERMS[(p + k) % PERMS.length] + ": granted=true");
            }
            for (int user : new int[] {0, 10}) {
                w.line("    User " + user + ": ceDataInode=" + r.nextInt(1 << 20) + " installed=true hidden=false"
                        + " suspended=false stopped=false notLaunched=false enabled=0 instant=false virtual=false");
                w.line("      gids=[3003]");
                w.line("      runtime permissions:");
                for (int k = 0; k < 6; k++) {
                    w.line("        " + PERMS[(p * 3 + k) % PERMS.length] + ": granted=" + (k % 2 == 0)
                            + ", flags=[ USER_SET|USER_SENSITIVE_WHEN_GRANTED ]");
                }
            }
        }
        end(w);
        section(w, "appops");
        w.line("Current AppOps Service state:");
        w.line("  Settings:");
        w.line("    top_state_settle_time=+30s0ms");
        w.line("");
        for (int p = 0; p < pkgs.size(); p++) {
            w.line("  Uid " + (p == 0 ? "0" : "u0a" + p) + ":");
            w.line("    state=cch");
            w.line("    Package " + pkgs.get(p) + ":");
            for (int k = 0; k < 6; k++) {
                String op = p % 100 == 1 && k == 0 ? "REQUEST_INSTALL_PACKAGES" : OPS[(p + k) % OPS.length];
                w.line("      " + op + " (allow):");
                for (int a = 0; a < 3; a++) {
                    LocalDateTime at = t0.plusSeconds(r.nextInt(30 * 86400));
                    w.line("        null=[fg-s]: Access: " + at.toString().replace('T', ' ') + ".123 (-"
                            + r.nextInt(20) + "d" + r.nextInt(24) + "h" + r.nextInt(60) + "m) duration=+"
                            + r.nextInt(900) + "ms");
                }
                w.line("          Reject: " + t0.plusSeconds(r.nextInt(30 * 86400)).toString().replace('T', ' ')
                        + ".456 (-3d2h1m)");
            }
        }
        end(w);
        section(w, "batterystats");
        w.line("Battery History (0% used, 2720 used of 4096KB, 31 strings using 2694):");
        w.line("                    0 (19) RESET:TIME: 2025-06-01-08-00-00");
        long histBytes = bytes / 4;
        long ms = 0;
        while (w.count() < histBytes) {
            ms += r.nextInt(60_000);
            String pkg = pkgs.get(r.nextInt(pkgs.size()));
            String t = "+" + (ms / 3_600_000) + "h" + (ms / 60_000 % 60) + "m" + (ms / 1000 % 60) + "s" + (ms % 1000)
                    + "ms";
            switch (r.nextInt(5)) {
                case 0 -> w.line(String.format(Locale.ROOT, "%20s (2) 095 +job=u0a%d:\"%s/.SyncJob\"", t,
                        r.nextInt(300), pkg));
                case 1 -> w.line(String.format(Locale.ROOT, "%20s (2) 095 -job=u0a%d:\"%s/.SyncJob\"", t,
                        r.nextInt(300), pkg));
                case 2 -> w.line(String.format(Locale.ROOT, "%20s (2) 094 +top=u0a%d:\"%s\"", t, r.nextInt(300), pkg));
                case 3 -> w.line(String.format(Locale.ROOT, "%20s (2) 094 -top=u0a%d:\"%s\"", t, r.nextInt(300), pkg));
                default -> w.line(String.format(Locale.ROOT, "%20s (2) 093 +running +wake_lock=u0a%d:\"*walarm*:%s"
                        + ".ALARM\" wake_reason=0:\"Abort:Pending Wakeup Sources\"", t, r.nextInt(300), pkg));
            }
        }
        w.line("");
        w.line("Daily stats:");
        w.line("  Current start time: 2025-06-19-01-15-45");
        for (int d = 0; d < 30; d++) {
            LocalDateTime from = t0.plusDays(d);
            w.line("  Daily from " + from.toLocalDate() + "-01-15-45 to " + from.plusDays(1).toLocalDate()
                    + "-01-15-45:");
            w.line("    Discharge step durations:");
            w.line("      #0: +3h32m16s12ms to 96 (power-save-off)");
            w.line("    Package changes:");
            for (int k = 0; k < 40; k++) {
                w.line("      Update " + pkgs.get((d * 40 + k) % pkgs.size()) + " vers=" + (1000 + d * 10 + k));
            }
        }
        end(w);
        section(w, "dbinfo");
        w.line("Applications Database Info:");
        long dbBytes = w.count() + bytes / 10;
        int pid = 1000;
        while (w.count() < dbBytes) {
            String pkg = pkgs.get(r.nextInt(pkgs.size()));
            w.line("");
            w.line("** Database info for pid " + pid++ + " [" + pkg + "] **");
            w.line("");
            w.line("Connection pool for /data/user/0/" + pkg + "/databases/main.db:");
            w.line("  Open: true");
            w.line("  Most recently executed operations:");
            for (int k = 0; k < 20; k++) {
                w.line("    " + k + ": [" + t0.plusSeconds(r.nextInt(86400)).toString().replace('T', ' ')
                        + ".097] [Pid:(" + pid + ")]executeForCursorWindow took " + r.nextInt(9)
                        + "ms - succeeded, sql=\"SELECT * FROM messages WHERE id=?\", path=/data/user/0/" + pkg
                        + "/databases/main.db");
            }
        }
        end(w);
        section(w, "adb");
        w.line("ADB MANAGER STATE (dumpsys adb):");
        w.line("{");
        w.line("  debugging_manager={");
        w.line("    connected_to_adb=true");
        w.line("    user_keys=QUFBQUI= user@host");
        w.line("    keystore=<?xml version='1.0' encoding='utf-8' standalone='yes' ?><keyStore version=\"1\">"
                + "<adbKey key=\"QUFBQUI= user@host\" lastConnection=\"1750266000000\" /></keyStore>");
        w.line("  }");
        w.line("}");
        end(w);
        section(w, "platform_compat");
        for (int i = 0; i < 200; i++) {
            w.line("ChangeId(" + (168419799 + i) + "; name=CHANGE_" + i + "; disabled; overridable)");
        }
        w.line("ChangeId(168419799; name=DOWNSCALED; disabled; rawOverrides={" + pkgs.get(5) + "=false, "
                + pkgs.get(6) + "=true};)");
        end(w);
        w.line("------ SYSTEM LOG (logcat -v threadtime -v printable -v uid -d *:v) ------");
        while (w.count() < bytes) {
            String pkg = pkgs.get(r.nextInt(pkgs.size()));
            LocalDateTime at = t0.plusSeconds(w.count() / 200);
            w.line(String.format(Locale.ROOT, "%02d-%02d %02d:%02d:%02d.%03d %5d %5d %5d I ActivityManager: "
                    + "Start proc %d:%s/u0a%d for service {%s/.Sync}", at.getMonthValue(), at.getDayOfMonth(),
                    at.getHour(), at.getMinute(), at.getSecond(), r.nextInt(1000), 1000 + r.nextInt(9000),
                    r.nextInt(30000), r.nextInt(30000), r.nextInt(30000), pkg, r.nextInt(300), pkg));
        }
        w.line("------ 0.1s was the duration of 'SYSTEM LOG' ------");
    }

    private static void resolver(Counting w, String title, List<String> pkgs, Random r, int n, String kind)
            throws IOException {
        w.line(title);
        w.line("  Non-Data Actions:");
        int perIntent = n / INTENTS.length;
        for (String intent : INTENTS) {
            w.line("      " + intent + ":");
            for (int i = 0; i < perIntent; i++) {
                w.line("        " + Integer.toHexString(r.nextInt()) + " " + pkgs.get(r.nextInt(pkgs.size())) + "/."
                        + kind + i);
            }
        }
        w.line("");
    }

    private static void section(Counting w, String name) throws IOException {
        w.line("-------------------------------------------------------------------------------");
        w.line("DUMP OF SERVICE " + name + ":");
    }

    private static void end(Counting w) throws IOException {
        w.line("--------- 0.012s was the duration of dumpsys " + "-".repeat(34));
    }

    private static String tombstone(int i) {
        StringBuilder sb = new StringBuilder();
        sb.append("*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n");
        sb.append("Build fingerprint: 'google/bench/bench:14/AP1A/1:user/release-keys'\n");
        sb.append("Revision: '0'\nABI: 'arm64'\n");
        sb.append("Timestamp: 2025-06-1").append(i % 10).append(" 10:11:12.123456789+0200\n");
        sb.append("Process uptime: 12s\n");
        sb.append("Cmdline: com.example.apps.app").append(String.format(Locale.ROOT, "%04d", i)).append('\n');
        sb.append("pid: ").append(2000 + i).append(", tid: ").append(2000 + i).append(", name: worker  >>> ")
                .append("com.example.apps.app").append(String.format(Locale.ROOT, "%04d", i)).append(" <<<\n");
        sb.append("uid: 10").append(100 + i).append('\n');
        sb.append("signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\n");
        for (int f = 0; f < 40; f++) {
            sb.append(String.format(Locale.ROOT, "      #%02d pc %016x  /system/lib64/libc.so (abort+%d)\n", f,
                    0x1000L * f, f));
        }
        return sb.toString();
    }

    /** An androidqf folder with a files.json of {@code files} entries. */
    static void androidqf(Path dir, int files) throws IOException {
        Path qf = Files.createDirectories(dir.resolve("androidqf"));
        Random r = new Random(SEED);
        List<String> pkgs = packages(400);
        Files.writeString(qf.resolve("acquisition.json"), "{\"uuid\":\"00000000-bench\",\"started\":"
                + "\"2025-06-20T18:00:00Z\",\"adb_host_public_key\":\"QUFBQUI= user@host\"}");
        StringBuilder gp = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            gp.append("[ro.vendor.prop").append(i).append("]: [value").append(i % 97).append("]\n");
        }
        gp.append("[persist.sys.timezone]: [Europe/Berlin]\n[ro.build.version.security_patch]: [2025-03-05]\n")
                .append("[ro.product.model]: [Bench]\n");
        Files.writeString(qf.resolve("getprop.txt"), gp);
        Files.writeString(qf.resolve("settings_global.txt"), "package_verifier_enable=1\nadb_enabled=1\n"
                + "verifier_verify_adb_installs=1\n");
        Files.writeString(qf.resolve("settings_secure.txt"), "accessibility_enabled=0\n");
        Files.writeString(qf.resolve("root_binaries.json"), "[]");
        Files.writeString(qf.resolve("mounts.json"), "[\"/dev/block/dm-0 / ext4 ro,seclabel,relatime 0 0\","
                + "\"tmpfs /dev tmpfs rw,seclabel,nosuid,relatime,mode=755 0 0\"]");
        StringBuilder ps = new StringBuilder("USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME\n");
        for (int i = 0; i < 600; i++) {
            ps.append(String.format(Locale.ROOT, "u0_a%-9d %5d %5d %7d %6d 0                   0 S %s%n", i, 1000 + i,
                    1, 1000000 + i, 50000 + i, pkgs.get(i % pkgs.size())));
        }
        Files.writeString(qf.resolve("ps.txt"), ps);
        try (Writer w = Files.newBufferedWriter(qf.resolve("packages.json"), StandardCharsets.UTF_8)) {
            w.write('[');
            for (int p = 0; p < pkgs.size(); p++) {
                if (p > 0) {
                    w.write(',');
                }
                boolean system = p % 3 == 0;
                w.write("{\"name\":\"" + pkgs.get(p) + "\",\"files\":[");
                for (int f = 0; f < (p % 4 == 0 ? 3 : 1); f++) {
                    if (f > 0) {
                        w.write(',');
                    }
                    w.write(String.format(Locale.ROOT, "{\"path\":\"/data/app/~~%x/%s-1/%s.apk\",\"local_name\":\"\","
                            + "\"md5\":\"%032x\",\"sha1\":\"%040x\",\"sha256\":\"%064x\",\"sha512\":\"%0128x\","
                            + "\"error\":\"\",\"verified_certificate\":true,\"certificate\":{\"Md5\":\"%032x\","
                            + "\"Sha1\":\"%040x\",\"Sha256\":\"%064x\",\"ValidFrom\":\"2010-06-25T23:07:16Z\","
                            + "\"ValidTo\":\"2044-02-15T23:07:16Z\",\"Issuer\":\"C=US, O=Bench %d\",\"Subject\":"
                            + "\"C=US, O=Bench %d\",\"SignatureAlgorithm\":\"SHA256-RSA\",\"SerialNumber\":%d},"
                            + "\"certificate_error\":\"\",\"trusted_certificate\":%b}", r.nextInt(1 << 30), pkgs.get(p),
                            f == 0 ? "base" : "split_" + f, p, p, p, p, p % 50, p % 50, p % 50, p % 50, p % 50, p,
                            system));
                }
                w.write("],\"installer\":\"" + (system ? "null" : "com.android.vending") + "\",\"uid\":"
                        + (10000 + p) + ",\"disabled\":false,\"system\":" + system + ",\"third_party\":" + !system
                        + "}");
            }
            w.write(']');
        }
        try (Writer w = Files.newBufferedWriter(qf.resolve("files.json"), StandardCharsets.UTF_8)) {
            w.write('[');
            for (int i = 0; i < files; i++) {
                if (i > 0) {
                    w.write(',');
                }
                String dirName = switch (i % 5) {
                    case 0 -> "/sdcard/DCIM/Camera/IMG_";
                    case 1 -> "/sdcard/Download/file_";
                    case 2 -> i % 5000 == 2 ? "/data/local/tmp/t_" : "/sdcard/Documents/doc_";
                    case 3 -> "/sdcard/Android/data/" + pkgs.get(i % pkgs.size()) + "/cache/c_";
                    default -> "/sdcard/WhatsApp/Media/WhatsApp Images/IMG-";
                };
                w.write(String.format(Locale.ROOT, "{\"path\":\"%s%08d.jpg\",\"size\":%d,\"mode\":\"-rw-rw----\","
                        + "\"user_id\":0,\"user_name\":\"\",\"group_id\":1015,\"group_name\":\"\",\"changed_time\":%d,"
                        + "\"modified_time\":%d,\"access_time\":%d,\"error\":\"\",\"context\":"
                        + "\"u:object_r:sdcardfs:s0\",\"sha1\":\"\",\"sha256\":\"%064x\",\"sha512\":\"\",\"md5\":\"\"}",
                        dirName, i, 1000 + i, 1_700_000_000L + i, 1_700_000_100L + i, 1_700_000_200L + i, i));
            }
            w.write(']');
        }
        Files.createDirectories(qf.resolve("logs"));
        for (int i = 0; i < 5; i++) {
            StringBuilder log = new StringBuilder();
            for (int k = 0; k < 2000; k++) {
                log.append("06-20 10:").append(String.format(Locale.ROOT, "%02d:%02d", k / 60 % 60, k % 60))
                        .append(".000  1000  1000 I bench: line ").append(k).append('\n');
            }
            Files.writeString(qf.resolve("logs/logcat_" + i + ".txt"), log);
        }
        try (OutputStream out = Files.newOutputStream(qf.resolve("dumpsys.txt"));
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            dumpstate(new Counting(w), 20L << 20);
        }
        StringBuilder sms = new StringBuilder("[");
        for (int i = 0; i < 2000; i++) {
            sms.append(i == 0 ? "" : ",").append("{\"address\":\"+1555").append(i % 100).append("\",\"body\":\"msg ")
                    .append(i).append(i % 4 == 0 ? " https://example.net/" + i : "").append("\",\"date\":\"")
                    .append(1_700_000_000_000L + i * 1000L).append("\",\"date_sent\":\"0\"}");
        }
        sms.append(']');
        byte[] tar = new AbFixtures.Tar().file(AndroidBackupSource.TELEPHONY_DF + "000000_sms_backup",
                AbFixtures.zjson(sms.toString())).bytes();
        Files.write(qf.resolve("backup.ab"), AbFixtures.ab(5, true, tar));
    }

    /** Zips a folder (entries under the folder's name, sorted). */
    static void zipFolder(Path dir, Path zip) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                entry(z, dir.getFileName() + "/" + dir.relativize(f).toString().replace('\\', '/'));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
    }

    /** Encrypts {@code in} with age to a new X25519 key; its identity goes to {@code keyFile}. */
    static void age(Path in, Path out, Path keyFile) throws Exception {
        AgeFixtures.Key k = AgeFixtures.newKey();
        AgeFixtures.identityFile(keyFile, k);
        try (var ch = new com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory()
                .newEncryptingChannel(Files.newByteChannel(out, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE),
                        List.of(com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory
                                .newRecipientStanzaWriter(k.recipient())));
                var src = Files.newByteChannel(in)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 20);
            while (src.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                b.clear();
            }
        }
    }

    /** A writer of lines that counts the characters written (ASCII here, so bytes). */
    static final class Counting {
        private final Writer w;
        private long count;

        Counting(Writer w) {
            this.w = w;
        }

        void line(String s) throws IOException {
            w.write(s);
            w.write('\n');
            count += s.length() + 1;
        }

        long count() {
            return count;
        }
    }

    /** Keeps the zip stream open when the entry's writer is done. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
