package org.vigil.demo;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.model.Level;
import org.vigil.io.Times;

/**
 * The {@code vigil demo} scenario: a small synthetic, unencrypted iOS backup of a "Demo iPhone"
 * (iPhone14,2, iOS 16.6 build 20G75, last backup 2023-09-14 09:30 UTC) with benign data and a few
 * planted traces of the fictional "DemoSpy" campaign, plus the matching indicators file
 * ({@link DemoIndicators}).
 *
 * <p>Planted traces (all names fictional, domains under RFC 2606 {@code example.net}):
 * <ol>
 *   <li><b>SMS lure</b> (HomeDomain {@code Library/SMS/sms.db}, message ROWID {@value #PLANTED_SMS_ROWID}):
 *       an SMS received 2023-09-12 08:14:05 UTC from +12025550143 with a link to
 *       {@code https://secure-login.example.net/p/8Kx2Qd}.
 *   <li><b>Network injection</b> (HomeDomain {@code Library/Safari/History.db}): a visit to the plain
 *       {@code http://news.example.com/...} page redirected in 437.5 ms to a different domain,
 *       {@value DemoIndicators#SAFARI_URL} (visit ids {@value #REDIRECT_ORIGIN_VISIT} and
 *       {@value #REDIRECT_LANDING_VISIT}).
 *   <li><b>Implant process</b> (WirelessDomain {@code Library/Databases/DataUsage.sqlite}): ZPROCESS
 *       row {@value #IMPLANT_PROCESS_PK} {@code msgservd} (no bundle id) first seen 29 s after the
 *       redirect, with one live-usage row.
 *   <li><b>Anti-forensic cleanup</b> (same database): ZPROCESS row {@value #DELETED_PROCESS_PK} was
 *       deleted but its ZLIVEUSAGE row (Z_PK {@value #DELETED_PROCESS_LIVE_PK}) still points to it, which
 *       also leaves a gap in the process ids.
 * </ol>
 * Benign data: about 200 Manifest rows across Home, Wireless, Media, CameraRoll, Root and four
 * fictional {@code com.example.*} app domains; 30 benign messages (some with
 * {@code https://www.example.com/...} links) and one photo attachment; Safari visits including a
 * same-domain http-to-https upgrade and a slow (2.5 s) cross-domain redirect, which must not alert;
 * 17 benign processes.
 *
 * <p>Expected alerts with the demo indicators are in {@link #expectedAlerts()} (MVT semantics, see
 * {@link #expectedSummary()}): 7 in total, 3 CRITICAL, 2 HIGH, 1 MEDIUM, 1 LOW. The BackupInfo
 * module only logs that iOS 16.6 is outdated (not an alert); nothing else alerts.
 */
public final class DemoScenario {
    private static final Logger LOG = LoggerFactory.getLogger(DemoScenario.class);

    /** Device name in Info.plist. */
    public static final String DEVICE_NAME = "Demo iPhone";
    /** Product type. */
    public static final String PRODUCT_TYPE = "iPhone14,2";
    /** iOS version. */
    public static final String IOS_VERSION = "16.6";
    /** iOS build. */
    public static final String IOS_BUILD = "20G75";
    /** Device id (also the usual backup folder name). */
    public static final String UDID = "00008110-0001DE70DE700001";
    /** Last Backup Date. */
    public static final Instant BACKUP_DATE = Instant.parse("2023-09-14T09:30:00Z");

    /** Sender of the planted SMS. */
    public static final String PLANTED_SMS_SENDER = "+12025550143";
    /** Link in the planted SMS. */
    public static final String PLANTED_SMS_LINK = "https://" + DemoIndicators.SMS_DOMAIN + "/p/8Kx2Qd";
    /** ROWID of the planted SMS. */
    public static final long PLANTED_SMS_ROWID = 30;
    /** Date of the planted SMS (sub-second part is dropped by MVT's 18-digit rule). */
    public static final Instant PLANTED_SMS_DATE = Instant.parse("2023-09-12T08:14:05.539788032Z");
    /** The benign http page whose visit was redirected. */
    public static final String REDIRECT_ORIGIN_URL = "http://news.example.com/2023/09/13/local-weather-update";
    /** Visit id of the redirected http visit. */
    public static final long REDIRECT_ORIGIN_VISIT = 31;
    /** Visit id of the landing visit on the campaign URL. */
    public static final long REDIRECT_LANDING_VISIT = 32;
    /** Time of the redirected http visit. */
    public static final Instant REDIRECT_ORIGIN_TIME = Instant.parse("2023-09-13T19:02:11.250Z");
    /** Time of the landing visit (437.5 ms later). */
    public static final Instant REDIRECT_LANDING_TIME = Instant.parse("2023-09-13T19:02:11.6875Z");
    /** ZPROCESS.Z_PK of the implant. */
    public static final long IMPLANT_PROCESS_PK = 14;
    /** First time the implant used the network. */
    public static final Instant IMPLANT_FIRST = Instant.parse("2023-09-13T19:02:40.500Z");
    /** Last time the implant used the network. */
    public static final Instant IMPLANT_LAST = Instant.parse("2023-09-14T03:10:12.250Z");
    /** ZPROCESS.Z_PK that was deleted. */
    public static final long DELETED_PROCESS_PK = 15;
    /** ZLIVEUSAGE.Z_PK still pointing at the deleted process. */
    public static final long DELETED_PROCESS_LIVE_PK = 14;
    /** ZLIVEUSAGE.ZTIMESTAMP of that row. */
    public static final Instant DELETED_PROCESS_LIVE_TIME = Instant.parse("2023-09-13T19:05:02.750Z");

    static final String SMS_DOMAIN = "HomeDomain";
    static final String SMS_PATH = "Library/SMS/sms.db";
    static final String SAFARI_PATH = "Library/Safari/History.db";
    static final String DATAUSAGE_DOMAIN = "WirelessDomain";
    static final String DATAUSAGE_PATH = "Library/Databases/DataUsage.sqlite";

    private static final Instant SETUP = Instant.parse("2022-10-01T10:00:00Z");
    private static final String APP_PREFIX = "AppDomain-";
    private static final Map<String, String> APPS = new LinkedHashMap<>();

    static {
        APPS.put("com.example.podcatcher", "Podcatcher");
        APPS.put("com.example.recipebox", "Recipe Box");
        APPS.put("com.example.transitmap", "Transit Map");
        APPS.put("com.example.weatherly", "Weatherly");
    }

    /** What {@link #write} produced. */
    public record Result(Path backupDir, Path stixFile, int manifestRows) {}

    private DemoScenario() {}

    /**
     * Writes the demo backup into {@code backupDir} (absent or empty) and the indicators to
     * {@code stixFile}.
     */
    public static Result write(Path backupDir, Path stixFile) throws IOException {
        int rows = writeBackup(backupDir);
        DemoIndicators.write(stixFile);
        LOG.info("demo backup written to {} ({} files), indicators to {}", backupDir, rows, stixFile);
        return new Result(backupDir, stixFile, rows);
    }

    /** Writes only the demo backup; returns the number of Manifest.db rows. */
    public static int writeBackup(Path backupDir) throws IOException {
        BackupWriter w = new BackupWriter(backupDir).info(device());
        Adder add = w::addFile;
        addHome(add);
        addWireless(add);
        addMedia(add);
        addApps(add);
        addSystem(add);
        w.addDirectory("HomeDomain", "Library/SMS/Drafts", times(SETUP, SETUP));
        w.write();
        return w.rowCount();
    }

    @FunctionalInterface
    private interface Adder {
        void add(String domain, String path, byte[] content, FileTimes times);
    }

    /** The device the demo backup describes. */
    public static BackupDeviceInfo device() {
        Map<String, byte[]> apps = new LinkedHashMap<>();
        for (Map.Entry<String, String> a : APPS.entrySet()) {
            apps.put(a.getKey(), iTunesMetadata(a.getKey(), a.getValue()));
        }
        return new BackupDeviceInfo(DEVICE_NAME, "iPhone 13 Pro", PRODUCT_TYPE, IOS_VERSION, IOS_BUILD,
                "DNPDEMO0001Q", UDID, "DE70DE70DE70DE70DE70DE70DE70DE70", "350000000000001", "35000000000000",
                "8901000000000000001", "+1 (202) 555-0100", "12.12.9.3", BACKUP_DATE,
                "9E1C5A3B-7D2F-4B6A-8C0E-1F2A3B4C5D6E", apps);
    }

    /** The alerts the demo must raise with the demo indicators, in module order. */
    public static List<ExpectedAlert> expectedAlerts() {
        String implantFirst = Times.format(IMPLANT_FIRST);
        String deletedLive = Times.format(DELETED_PROCESS_LIVE_TIME);
        return List.of(
                new ExpectedAlert("datausage", Level.HIGH, deletedLive, null,
                        "Found manipulated process entry " + DELETED_PROCESS_PK + ". Entry on " + deletedLive,
                        "ZLIVEUSAGE row " + DELETED_PROCESS_LIVE_PK + " points to deleted ZPROCESS row "
                                + DELETED_PROCESS_PK + " (once per process id)"),
                new ExpectedAlert("datausage", Level.HIGH, deletedLive, null,
                        "Found manipulated process entry " + DELETED_PROCESS_PK + "/",
                        "the same live-usage row (once per row)"),
                new ExpectedAlert("datausage", Level.LOW, implantFirst, null,
                        "Missing process " + DELETED_PROCESS_PK + ". Previous process at \"" + implantFirst
                                + "\" (" + DemoIndicators.PROCESS + ")",
                        "gap in ZPROCESS ids left by the deleted row"),
                new ExpectedAlert("datausage", Level.CRITICAL, implantFirst, DemoIndicators.PROCESS, null,
                        "ZPROCESS row " + IMPLANT_PROCESS_PK + " " + DemoIndicators.PROCESS
                                + " (process indicator)"),
                new ExpectedAlert("safari_history", Level.MEDIUM, Times.format(REDIRECT_ORIGIN_TIME), null,
                        "Redirect took less than a second! (437.5 milliseconds)",
                        "http visit " + REDIRECT_ORIGIN_VISIT + " to " + REDIRECT_ORIGIN_URL
                                + " redirected to another domain in 437.5 ms"),
                new ExpectedAlert("safari_history", Level.CRITICAL, Times.format(REDIRECT_LANDING_TIME),
                        DemoIndicators.SAFARI_URL, null,
                        "visit " + REDIRECT_LANDING_VISIT + " to " + DemoIndicators.SAFARI_URL
                                + " (url indicator; the domain indicator " + DemoIndicators.SAFARI_DOMAIN
                                + " also matches)"),
                new ExpectedAlert("sms", Level.CRITICAL,
                        Times.format(PLANTED_SMS_DATE.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                        DemoIndicators.SMS_DOMAIN, null,
                        "SMS ROWID " + PLANTED_SMS_ROWID + " from " + PLANTED_SMS_SENDER + " with link "
                                + PLANTED_SMS_LINK + " (domain indicator)"));
    }

    /** {@link #expectedAlerts()} as text, one line per alert, for docs and the CLI. */
    public static String expectedSummary() {
        StringBuilder sb = new StringBuilder();
        sb.append("Expected alerts with ").append(DemoIndicators.FILE_NAME)
                .append(" (7: 3 CRITICAL, 2 HIGH, 1 MEDIUM, 1 LOW):\n");
        for (ExpectedAlert a : expectedAlerts()) {
            sb.append(String.format(Locale.ROOT, "  %-8s %-15s %s  %s%n", a.level(), a.module(), a.eventTime(),
                    a.trace()));
        }
        return sb.toString().replace("\r\n", "\n");
    }

    // ------------------------------------------------------------------ content

    private static FileTimes times(Instant birth, Instant modified) {
        return FileTimes.of(birth.getEpochSecond(), modified.getEpochSecond());
    }

    private static Instant day(String date) {
        return Instant.parse(date + "T12:00:00Z");
    }

    private static void addHome(Adder add) throws IOException {
        String d = "HomeDomain";
        add.add(d, SMS_PATH, smsDb(), times(SETUP, Instant.parse("2023-09-14T09:12:44Z")));
        add.add(d, SAFARI_PATH, safariHistoryDb(), times(SETUP, Instant.parse("2023-09-14T08:03:10Z")));
        add.add(d, "Library/Preferences/.GlobalPreferences.plist", plist(Map.of(
                "AppleLanguages", new NSArray(new NSString("en-US")),
                "AppleLocale", "en_US",
                "AppleICUForce24HourTime", true)), times(SETUP, day("2023-06-02")));
        String[] prefs = {
            "com.apple.Preferences", "com.apple.springboard", "com.apple.weather", "com.apple.Maps",
            "com.apple.UIKit", "com.apple.assistant.support", "com.apple.voicemail", "com.apple.keyboard",
            "com.apple.mobilephone", "com.apple.MobileSMS", "com.apple.camera", "com.apple.mobilenotes",
            "com.apple.stocks", "com.apple.Music", "com.apple.podcasts", "com.apple.AppStore",
        };
        for (int i = 0; i < prefs.length; i++) {
            add.add(d, "Library/Preferences/" + prefs[i] + ".plist",
                    plist(Map.of("LastLaunchVersion", "16.6", "DemoSetting" + i, i)),
                    times(SETUP, SETUP.plus(Duration.ofHours(331L * (i + 1)))));
        }
        add.add(d, "Library/Cookies/Cookies.binarycookies", binaryCookies(), times(SETUP, day("2023-09-13")));
        add.add(d, "Library/Keyboard/en-dynamic.lm/dynamic-lexicon.dat", filler("lexicon", 96),
                times(SETUP, day("2023-09-10")));
        add.add(d, "Library/Safari/Bookmarks.plist.demo", filler("bookmarks", 64), times(SETUP, SETUP));
        for (int i = 1; i <= 6; i++) {
            add.add(d, "Library/Notes/Note" + i + ".txt",
                    ("Shopping list " + i + ": apples, bread, coffee\n").getBytes(StandardCharsets.UTF_8),
                    times(day("2023-0" + (3 + i % 6) + "-1" + i), day("2023-0" + (3 + i % 6) + "-1" + i)));
        }
        for (int i = 1; i <= 8; i++) {
            add.add(d, "Library/Caches/com.apple.mobilesafari/Cache" + i + ".tmp", filler("cache" + i, 128),
                    times(day("2023-09-0" + i), day("2023-09-0" + i)));
        }
        add.add(d, "Library/SMS/com.apple.messages.geometrycache_v2.plist", plist(Map.of("Version", 2)),
                times(SETUP, day("2023-09-12")));
    }

    private static void addWireless(Adder add) throws IOException {
        String d = DATAUSAGE_DOMAIN;
        add.add(d, DATAUSAGE_PATH, dataUsageDb(), times(SETUP, Instant.parse("2023-09-14T09:05:31Z")));
        String[] prefs = {
            "com.apple.commcenter", "com.apple.commcenter.callservices", "com.apple.CommCenter.counts",
            "com.apple.commcenter.data", "com.apple.coretelephony", "com.apple.AppleBasebandManager.Statistics",
        };
        for (int i = 0; i < prefs.length; i++) {
            add.add(d, "Library/Preferences/" + prefs[i] + ".plist", plist(Map.of("Version", i + 1)),
                    times(SETUP, day("2023-09-0" + (i + 1))));
        }
    }

    private static void addMedia(Adder add) {
        for (int i = 1; i <= 48; i++) {
            Instant t = Instant.parse("2023-07-01T09:00:00Z").plus(Duration.ofMinutes(1511L * i));
            add.add("CameraRollDomain", String.format(Locale.ROOT, "Media/DCIM/100APPLE/IMG_%04d.HEIC", 2000 + i),
                    heic(i), times(t, t));
        }
        Instant t = benignDates().get(PHOTO_MESSAGE);
        add.add("MediaDomain", "Library/SMS/Attachments/4a/10/" + attachmentGuid() + "/IMG_2041.jpeg",
                jpeg(), times(t, t));
    }

    private static void addApps(Adder add) throws IOException {
        int n = 0;
        for (Map.Entry<String, String> app : APPS.entrySet()) {
            String d = APP_PREFIX + app.getKey();
            Instant installed = Instant.parse("2023-05-02T10:11:12Z").plus(Duration.ofDays(9L * n));
            add.add(d, "Library/Preferences/" + app.getKey() + ".plist",
                    plist(Map.of("onboardingDone", true, "launchCount", 10 + n)), times(installed, day("2023-09-11")));
            add.add(d, "Library/Application Support/settings.json",
                    ("{\"units\":\"metric\",\"app\":\"" + app.getValue() + "\"}\n").getBytes(StandardCharsets.UTF_8),
                    times(installed, installed));
            for (int i = 1; i <= 4; i++) {
                add.add(d, "Documents/item-" + i + ".json",
                        ("{\"id\":" + i + ",\"title\":\"" + app.getValue() + " item " + i + "\"}\n")
                                .getBytes(StandardCharsets.UTF_8),
                        times(installed.plus(Duration.ofDays(i)), installed.plus(Duration.ofDays(i))));
            }
            for (int i = 1; i <= 3; i++) {
                add.add(d, "Library/Caches/" + app.getKey() + "/fsCachedData/blob" + i, filler(d + i, 200),
                        times(day("2023-09-1" + i), day("2023-09-1" + i)));
            }
            n++;
        }
        add.add(APP_PREFIX + "com.apple.mobilesafari", "Library/Preferences/com.apple.mobilesafari.plist",
                plist(Map.of("SearchEngineStringSetting", "Example Search")), times(SETUP, day("2023-08-30")));
    }

    private static void addSystem(Adder add) throws IOException {
        add.add("RootDomain", "Library/Preferences/com.apple.preferences.network.plist",
                plist(Map.of("AirplaneMode", false)), times(SETUP, day("2023-09-01")));
        add.add("RootDomain", "Library/Preferences/com.apple.purplebuddy.plist",
                plist(Map.of("SetupDone", true)), times(SETUP, SETUP));
        add.add("SystemPreferencesDomain", "SystemConfiguration/com.apple.wifi.plist",
                plist(Map.of("Version", 2100)), times(SETUP, day("2023-09-09")));
        add.add("SystemPreferencesDomain", "SystemConfiguration/preferences.plist",
                plist(Map.of("Model", PRODUCT_TYPE)), times(SETUP, SETUP));
        add.add("KeyboardDomain", "Library/Keyboard/UserDictionary.sqlite.demo", filler("userdict", 48),
                times(SETUP, day("2023-04-04")));
    }

    // ------------------------------------------------------------------ databases

    private record Msg(int handle, boolean fromMe, String text) {}

    /** The benign conversation (30 messages). */
    private static final List<Msg> BENIGN = List.of(
            new Msg(1, false, "Hey! Are we still on for lunch tomorrow?"),
            new Msg(1, true, "Yes, 12:30 at the usual place"),
            new Msg(2, false, "Your table for 2 is confirmed for Saturday 7pm. Reply C to cancel."),
            new Msg(3, false, "Did you see the game last night?"),
            new Msg(3, true, "Only the second half, what a finish"),
            new Msg(4, false, "Sending you the slides for Monday: https://www.example.com/shared/slides-q3"),
            new Msg(4, true, "Thanks, got them"),
            new Msg(1, false, "Running 10 min late, sorry"),
            new Msg(5, false, "Your prescription is ready for pickup at Example Pharmacy."),
            new Msg(3, false, "Here is the recipe I mentioned https://www.example.com/recipes/lemon-cake"),
            new Msg(3, true, "Looks great, will try it this weekend"),
            new Msg(1, false, "Look at this view!"),
            new Msg(1, true, "Wow, where is that?"),
            new Msg(1, false, "Top of the hill trail, map here: https://maps.example.com/trail/hilltop"),
            new Msg(2, false, "Reminder: dentist appointment on Thursday at 9:00."),
            new Msg(4, false, "Can you review the draft before Friday?"),
            new Msg(4, true, "Sure, I'll do it tonight"),
            new Msg(5, false, "Your package has been delivered. Track: https://www.example.com/track/EX123456"),
            new Msg(3, false, "Happy birthday!!"),
            new Msg(3, true, "Thank you :)"),
            new Msg(1, false, "Movie night on Friday?"),
            new Msg(1, true, "I'm in"),
            new Msg(4, false, "Meeting moved to 3pm"),
            new Msg(2, false, "Your verification code is 482913. Do not share it."),
            new Msg(3, false, "Tickets are on sale now https://tickets.example.com/events/summer-fest"),
            new Msg(3, true, "Bought two"),
            new Msg(1, false, "Can you pick up milk on the way home?"),
            new Msg(1, true, "OK"),
            new Msg(4, false, "Great work on the presentation today"),
            new Msg(5, false, "Example Bank: your statement is available in the app."));

    /** Dates of the benign messages, 2023-08-19 to 2023-09-13. */
    private static List<Instant> benignDates() {
        List<Instant> out = new ArrayList<>();
        Instant t = Instant.parse("2023-08-19T08:03:17.104000000Z");
        for (Msg m : BENIGN) {
            out.add(t);
            t = t.plus(Duration.ofMinutes(m.fromMe ? 4 : 1900)).plusNanos(187_345_000L);
        }
        return out;
    }

    private static final int PHOTO_MESSAGE = 11;

    static byte[] smsDb() throws IOException {
        SmsDb db = new SmsDb()
                .handle(new SmsDb.Handle(1, "+12025550101", "iMessage"))
                .handle(new SmsDb.Handle(2, "+12025550102", "SMS"))
                .handle(new SmsDb.Handle(3, "+12025550117", "iMessage"))
                .handle(new SmsDb.Handle(4, "sam.rivera@example.com", "iMessage"))
                .handle(new SmsDb.Handle(5, "+12025550188", "SMS"))
                .handle(new SmsDb.Handle(6, PLANTED_SMS_SENDER, "SMS"));
        record Row(Instant date, int handle, boolean fromMe, String text, boolean planted) {}
        List<Row> rows = new ArrayList<>();
        List<Instant> dates = benignDates();
        for (int i = 0; i < BENIGN.size(); i++) {
            Msg m = BENIGN.get(i);
            rows.add(new Row(dates.get(i), m.handle, m.fromMe, m.text, false));
        }
        rows.add(new Row(PLANTED_SMS_DATE, 6, false,
                "Your parcel could not be delivered. Confirm your address within 24h: " + PLANTED_SMS_LINK, true));
        rows.sort(Comparator.comparing(Row::date));
        long rowId = 1;
        for (Row r : rows) {
            String service = r.handle == 2 || r.handle == 5 || r.handle == 6 ? "SMS" : "iMessage";
            Instant read = r.fromMe ? null : r.date.plus(Duration.ofSeconds(r.planted ? 396 : 180));
            if (r.planted && rowId != PLANTED_SMS_ROWID) {
                throw new IllegalStateException("planted SMS got ROWID " + rowId);
            }
            db.message(new SmsDb.Message(rowId, guid("sms:" + rowId), r.text, r.handle, service, r.date, read,
                    r.fromMe));
            if (!r.planted && r.text.equals(BENIGN.get(PHOTO_MESSAGE).text)) {
                db.attachment(new SmsDb.Attachment(1, rowId, attachmentGuid(), r.date,
                        "~/Library/SMS/Attachments/4a/10/" + attachmentGuid() + "/IMG_2041.jpeg", "public.jpeg",
                        "image/jpeg", "IMG_2041.jpeg", jpeg().length, false));
            }
            rowId++;
        }
        return db.toBytes();
    }

    static byte[] safariHistoryDb() throws IOException {
        SafariHistoryDb db = new SafariHistoryDb();
        String[] urls = {
            "https://www.example.com/",
            "https://news.example.com/",
            "https://news.example.com/2023/09/08/city-council-approves-new-park",
            "https://shop.example.com/cart",
            "http://www.example.com/",
            "http://go.example.com/recipes",
            "https://recipes.example.com/",
            REDIRECT_ORIGIN_URL,
            DemoIndicators.SAFARI_URL,
            "https://maps.example.com/search?q=coffee",
            "https://www.example.com/help/faq",
            "https://weather.example.com/forecast/hometown",
        };
        for (int i = 0; i < urls.length; i++) {
            db.item(new SafariHistoryDb.Item(i + 1, urls[i]));
        }
        // 28 plain visits to the benign https pages, then the redirect chains
        long id = 1;
        Instant t = Instant.parse("2023-08-21T07:15:03.125Z");
        int[] plain = {1, 2, 3, 4, 10, 11, 12};
        for (int i = 0; i < 28; i++) {
            int item = plain[i % plain.length];
            db.visit(new SafariHistoryDb.Visit(id++, item, t, title(urls[item - 1]), null, null));
            t = t.plus(Duration.ofMinutes(1187)).plusMillis(250);
        }
        // same-domain http -> https upgrade: not an injection
        Instant up = Instant.parse("2023-09-12T20:00:00.500Z");
        db.visit(new SafariHistoryDb.Visit(id, 5, up, null, null, id + 1));
        db.visit(new SafariHistoryDb.Visit(id + 1, 1, up.plusMillis(125), "Example Domain", id, null));
        id += 2;
        if (id != REDIRECT_ORIGIN_VISIT) {
            throw new IllegalStateException("origin visit id " + id);
        }
        // planted: cross-domain redirect of an http page in 437.5 ms
        db.visit(new SafariHistoryDb.Visit(REDIRECT_ORIGIN_VISIT, 8, REDIRECT_ORIGIN_TIME, null, null,
                REDIRECT_LANDING_VISIT));
        db.visit(new SafariHistoryDb.Visit(REDIRECT_LANDING_VISIT, 9, REDIRECT_LANDING_TIME, null,
                REDIRECT_ORIGIN_VISIT, null));
        id = REDIRECT_LANDING_VISIT + 1;
        // cross-domain redirect that took 2.5 s: not flagged
        Instant slow = Instant.parse("2023-09-14T07:58:20.000Z");
        db.visit(new SafariHistoryDb.Visit(id, 6, slow, null, null, id + 1));
        db.visit(new SafariHistoryDb.Visit(id + 1, 7, slow.plusMillis(2500), "Recipes - Example", id, null));
        return db.toBytes();
    }

    private static String title(String url) {
        String host = SafariHistoryDb.domainExpansion(url);
        return host == null ? null : host.substring(0, 1).toUpperCase(Locale.ROOT) + host.substring(1) + " - Example";
    }

    static byte[] dataUsageDb() throws IOException {
        DataUsageDb db = new DataUsageDb("4C1D7A52-2E0B-4F8D-9A63-DE70DE700001");
        String[][] procs = {
            {"mDNSResponder", null},
            {"apsd", null},
            {"nsurlsessiond", null},
            {"com.apple.mobilesafari", "com.apple.mobilesafari"},
            {"itunesstored", null},
            {"com.apple.MobileSMS", "com.apple.MobileSMS"},
            {"com.apple.WebKit.Networking", null},
            {"com.apple.Maps", "com.apple.Maps"},
            {"softwareupdated", null},
            {"com.example.weatherly", "com.example.weatherly"},
            {"cloudd", null},
            {"com.example.transitmap", "com.example.transitmap"},
            {"identityservicesd", null},
            {DemoIndicators.PROCESS, null}, // 14: planted implant
            null, // 15: deleted
            {"com.example.podcatcher", "com.example.podcatcher"},
            {"assetsd", null},
            {"com.example.recipebox", "com.example.recipebox"},
        };
        String appUuid = "5B2C9E1A-4D7F-4C1B-9E3A-2F6D8A1C0B47/";
        long live = 1;
        for (int i = 0; i < procs.length; i++) {
            long pk = i + 1;
            if (pk == DELETED_PROCESS_PK) {
                if (live != DELETED_PROCESS_LIVE_PK) {
                    throw new IllegalStateException("deleted process live row " + live);
                }
                db.liveUsage(new DataUsageDb.LiveUsage(live++, pk, DELETED_PROCESS_LIVE_TIME, 0, 0, 48_213, 912_384));
                continue;
            }
            String name = procs[i][1] == null ? procs[i][0] : appUuid + procs[i][0];
            Instant first;
            Instant last;
            if (pk == IMPLANT_PROCESS_PK) {
                first = IMPLANT_FIRST;
                last = IMPLANT_LAST;
            } else if (pk < IMPLANT_PROCESS_PK) {
                first = SETUP.plus(Duration.ofMinutes(2L * pk)).plusMillis(250L * pk);
                last = Instant.parse("2023-09-14T06:00:00Z").plus(Duration.ofMinutes(7L * pk)).plusMillis(500);
            } else {
                first = Instant.parse("2023-09-13T20:00:00Z").plus(Duration.ofHours(pk - 15)).plusMillis(750);
                last = Instant.parse("2023-09-14T07:00:00Z").plus(Duration.ofMinutes(3L * pk)).plusMillis(250);
            }
            db.process(new DataUsageDb.Process(pk, name, procs[i][1], first, last));
            if (procs[i][0].equals("softwareupdated") || procs[i][0].equals("assetsd")) {
                continue; // processes without live usage rows exist in real databases too
            }
            double in = 10_000d * pk + 512;
            double out = 2_000d * pk + 64;
            if (pk == IMPLANT_PROCESS_PK) {
                in = 96_512;
                out = 1_845_760;
            }
            db.liveUsage(new DataUsageDb.LiveUsage(live++, pk, last, in * 3, out * 3, in, out));
        }
        return db.toBytes();
    }

    // ------------------------------------------------------------------ small contents

    private static String attachmentGuid() {
        return guid("attachment:IMG_2041");
    }

    private static String guid(String name) {
        return UUID.nameUUIDFromBytes(("vigil-demo:" + name).getBytes(StandardCharsets.UTF_8)).toString()
                .toUpperCase(Locale.ROOT);
    }

    static byte[] plist(Map<String, Object> values) throws IOException {
        NSDictionary d = new NSDictionary();
        new java.util.TreeMap<>(values).forEach(d::put);
        return BinaryPropertyListWriter.writeToArray(d);
    }

    private static byte[] iTunesMetadata(String bundleId, String name) {
        NSDictionary download = new NSDictionary();
        download.put("purchaseDate", "2023-05-02T10:11:12Z");
        NSDictionary d = new NSDictionary();
        d.put("artistName", "Example Apps (fictional)");
        d.put("bundleShortVersionString", "2.4.1");
        d.put("com.apple.iTunesStore.downloadInfo", download);
        d.put("itemName", name);
        d.put("kind", "software");
        d.put("releaseDate", new NSDate(Date.from(Instant.parse("2023-04-18T07:00:00Z"))));
        d.put("softwareVersionBundleId", bundleId);
        d.put("sourceApp", "com.apple.AppStore");
        try {
            return BinaryPropertyListWriter.writeToArray(d);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode iTunesMetadata", e);
        }
    }

    /** Deterministic filler bytes derived from a seed string. */
    static byte[] filler(String seed, int length) {
        byte[] out = new byte[length];
        int h = seed.hashCode();
        for (int i = 0; i < length; i++) {
            h = h * 1_103_515_245 + 12_345;
            out[i] = (byte) (h >>> 16);
        }
        return out;
    }

    private static byte[] heic(int i) {
        byte[] head = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1',
            'h', 'e', 'i', 'c'};
        byte[] body = filler("heic" + i, 232);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    private static byte[] jpeg() {
        byte[] body = filler("IMG_2041", 300);
        body[0] = (byte) 0xFF;
        body[1] = (byte) 0xD8;
        body[body.length - 2] = (byte) 0xFF;
        body[body.length - 1] = (byte) 0xD9;
        return body;
    }

    private static byte[] binaryCookies() {
        byte[] body = filler("cookies", 120);
        body[0] = 'c';
        body[1] = 'o';
        body[2] = 'o';
        body[3] = 'k';
        return body;
    }
}
