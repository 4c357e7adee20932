package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * App installations, updates and removals logged by {@code installd} ({@code mobile_installation};
 * no MVT equivalent).
 *
 * <p><b>Artifact</b>: {@value #PATTERN} in a sysdiagnose (the phone's
 * {@code /private/var/installd/Library/Logs/MobileInstallation/}; {@code .log.0} is the newest,
 * higher numbers are older rotations; all are read, oldest first). Each entry starts with
 * {@code Mon Apr  7 06:13:34 2025 [234] <notice> (0x16b48f000) -[Class selector:]: text}: the local
 * time of the phone without a zone (converted to UTC with the sysdiagnose's offset, the
 * {@code Timezone Offset} device property), installd's pid, the level, the thread, the Objective-C
 * method or C function, and the message. Lines that do not start like this (continuations of
 * multi-line messages) are skipped. Invalid UTF-8 becomes U+FFFD; lines are capped at
 * {@value #MAX_LINE} characters. A non-empty file without a single such line is unreadable.
 *
 * <p><b>Records</b>: one per recognised message, in time order: {@code timestamp} (UTC),
 * {@code local_time} (as written), {@code file}, {@code action} and the fields the message
 * carries ("" when it does not): {@code bundle_id}, {@code version}, {@code short_version},
 * {@code install_type} ({@code Customer}, {@code Developer}, {@code System}, {@code Placeholder}),
 * {@code requested_by} (the client process), {@code distributor}, {@code persona}, {@code path}.
 * Actions and the messages they come from (formats seen from iOS 12 to iOS 26, as recorded by
 * iLEAPP's and EC-DIGIT-CSIRC's parsers and published logs):
 * <ul>
 *   <li>{@code install_request}: {@code Install of "<staged app>" type <T> (LSInstallType = ...,
 *       Domain: ...) requested by <client> (pid N (uid/gid))}</li>
 *   <li>{@code installing}: {@code Installing <MIInstallableBundle ID=<id>; [Persona=p,] Version=v,
 *       ShortVersion=s>} (also {@code Staging}, {@code BundlePatch}, {@code ParallelPlaceholder});
 *       the type and client of the request made on the same thread are carried over</li>
 *   <li>{@code install}: {@code Install Successful for (<T>:<id>)} (iOS 26: {@code successful};
 *       iOS 17.4 and later may add {@code [Distributor: <id>]}), with the version of the
 *       {@code Installing} line before it on the same thread</li>
 *   <li>{@code uninstall_request}: {@code Uninstall requested by <client> (pid N) for identity
 *       [<id>/<persona>]}; {@code uninstall}: {@code Uninstalling identifier <id>}</li>
 *   <li>{@code destroy_container}: {@code Destroying container <id> with persona <p> at <path>}
 *       (iOS 12-15: {@code with identifier <id> at <path>}); {@code container_live}:
 *       {@code Made container live for <id> at <path>}; {@code data_container}:
 *       {@code Data container for <id> is now at <path>}</li>
 *   <li>{@code patch_update}: {@code Attempting <kind> patch update of <id> from <v> to <v> (<s>)}</li>
 *   <li>{@code signature_failure}: {@code Failed to verify code signature of <path> : ...}</li>
 *   <li>{@code reboot}: {@code Reboot detected}</li>
 * </ul>
 *
 * <p><b>Flags</b>: a bundle id equal to an app-id indicator, else to a process indicator; a
 * requesting client equal to a process indicator; a path matching a file-path indicator (CRITICAL,
 * once per value). Heuristics (always; field notes H22, Google TAG on Hermit's sideloaded iOS app,
 * MEDIUM at most as the brief requires): an app installed with the install type
 * {@code Developer}, i.e. signed with a development certificate and pushed from a computer or a
 * sideloading tool rather than the App Store (MEDIUM, once per app); an app whose distributor is
 * not Apple (not {@code com.apple.*}: an EU alternative marketplace or web distribution) (LOW, once
 * per app and distributor).
 *
 * <p><b>Timeline</b>: {@code app_install}, {@code app_uninstall}, {@code app_uninstall_request},
 * {@code app_update} (patch attempts) and {@code installd_reboot}.
 */
public final class MobileInstallationLog implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(MobileInstallationLog.class);

    /** In a sysdiagnose, relative to its top folder. */
    public static final String PATTERN = "logs/MobileInstallation/mobile_installation.log*";
    static final int MAX_LINE = 65_536;
    static final String DEVELOPER = "Developer";
    static final String TZ_PROPERTY = "Timezone Offset";

    private static final Pattern FILE = Pattern.compile("(?:^|/)mobile_installation\\.log(?:\\.(\\d{1,9}))?$");
    private static final Pattern LINE = Pattern.compile(
            "^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\\d{1,2}) (\\d{1,2}):(\\d{2}):(\\d{2}) (\\d{4}) \\[(\\d+)\\]"
                    + " <([A-Za-z]+)> \\((0x[0-9A-Fa-f]+)\\) (.*)$");
    private static final Pattern METHOD = Pattern.compile(
            "^(?:[-+]\\[[^\\]]{1,512}\\]|[A-Za-z_][A-Za-z0-9_]{0,255}): ");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
            "Oct", "Nov", "Dec");

    private static final Pattern TYPE_WORD = Pattern.compile("^[A-Za-z]{1,64}");
    private static final Pattern INSTALLING = Pattern.compile(
            "^(?:Installing|Staging) <MIInstallable([A-Za-z]*) ID=([^;>]*);(?: Persona=([^,>]*),)?"
                    + " Version=([^,>]*), ShortVersion=([^>]*)>");
    private static final Pattern SUCCESS = Pattern.compile(
            "^(?:Install [Ss]uccessful|Staging update successful) for \\(([A-Za-z]+):([^)]*)\\)"
                    + "(?:.*?\\[Distributor: ([^\\]]*)\\])?");
    private static final Pattern UNINSTALL = Pattern.compile("^Uninstalling identifier (\\S+)");
    private static final Pattern DESTROY = Pattern.compile(
            "^Destroying container (?:with identifier (\\S+)|(\\S+) with persona (\\S+)) at (.+)$");
    private static final Pattern LIVE = Pattern.compile("^Made container live for (\\S+) at (.+)$");
    private static final Pattern DATA = Pattern.compile("^Data container for (\\S+) is now at (.+)$");
    private static final Pattern PATCH = Pattern.compile(
            "^Attempting ([A-Za-z]+) patch update of (\\S+) from (.+?) to (\\S+) \\(([^)]*)\\)\\s*$");
    private static final Pattern SIGNATURE = Pattern.compile("Failed to verify code signature of (.+?) : (.*)$");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "mobile_installation", "MobileInstallationLog", Platform.IOS, Set.of(SourceKind.IOS_SYSDIAGNOSE),
            List.of(PATTERN), List.of(),
            "App installs, updates and removals (installd log): bundle ids against indicators, developer-signed"
                    + " and non-App Store installs");

    /**
     * One recognised installd message.
     *
     * @param timestamp UTC time, or "" when the date is invalid
     * @param local_time the phone's local time as written
     * @param file the log it was read from
     * @param action what the message says (see the class documentation)
     * @param bundle_id the app or extension, or ""
     * @param version CFBundleVersion (or the target version of a patch), or ""
     * @param short_version CFBundleShortVersionString, or ""
     * @param install_type Customer, Developer, System, Placeholder..., or ""
     * @param requested_by the client process that asked installd, or ""
     * @param distributor the distributor of an iOS 17.4+ install, or ""
     * @param persona the persona of a container or uninstall, or ""
     * @param path staged app, container or binary path, or ""
     */
    @JsonPropertyOrder({"timestamp", "local_time", "file", "action", "bundle_id", "version", "short_version",
        "install_type", "requested_by", "distributor", "persona", "path"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Event(String timestamp, String local_time, String file, String action, String bundle_id,
            String version, String short_version, String install_type, String requested_by, String distributor,
            String persona, String path) {}

    /** What a request on one installd thread said, until its install completes. */
    private record Pending(String installType, String requestedBy, String path, String bundle, String version,
            String shortVersion) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> logs = findLogs(ctx.source());
        ZoneOffset offset = offset(ctx.source());
        List<Event> events = new ArrayList<>();
        CorruptArtifactException firstFailure = null;
        int read = 0;
        for (ArtifactRef ref : logs) {
            LOG.info("Found MobileInstallation log at path: {}", ref.displayName());
            try (InputStream in = ctx.source().open(ref)) {
                events.addAll(parse(in, ref.relativePath(), offset));
                read++;
            } catch (CorruptArtifactException e) {
                LOG.warn("{}", e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (read == 0 && firstFailure != null) {
            throw firstFailure;
        }
        events.sort(Comparator.comparing(Event::timestamp));

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        Set<String> iocSeen = new HashSet<>();
        Set<String> developerSeen = new HashSet<>();
        Set<String> distributorSeen = new HashSet<>();
        for (Event e : events) {
            out.record(e);
            timeline(out, e);
            if (indicators != null) {
                for (IocAlert a : iocAlerts(indicators, e, iocSeen)) {
                    out.alert(Level.CRITICAL, a.message(), a.match(), e.timestamp(), e);
                }
            }
            if (DEVELOPER.equals(e.install_type()) && !e.bundle_id().isEmpty()
                    && (e.action().equals("install") || e.action().equals("installing"))) {
                if (developerSeen.add(e.bundle_id())) {
                    out.alert(Level.MEDIUM, "App " + e.bundle_id() + " was installed on " + when(e)
                            + " as a developer app"
                            + " (install type Developer" + (e.requested_by().isEmpty() ? ""
                                    : ", requested by " + e.requested_by()) + "): signed with a development"
                            + " certificate and installed from a computer or a sideloading tool, not from the"
                            + " App Store", e.timestamp(), e);
                }
            }
            if (!e.distributor().isEmpty() && !e.distributor().startsWith("com.apple.")
                    && distributorSeen.add(e.bundle_id() + "\0" + e.distributor())) {
                out.alert(Level.LOW, "App " + e.bundle_id() + " was installed on " + when(e) + " from distributor "
                        + e.distributor() + ", not from Apple's App Store (an alternative marketplace or web"
                        + " distribution)", e.timestamp(), e);
            }
        }
        LOG.info("Extracted {} installation events from {} MobileInstallation log(s)", out.recordCount(), read);
        return out.build();
    }

    private static String when(Event e) {
        return e.timestamp().isEmpty() ? e.local_time() + " (local time)" : e.timestamp();
    }

    private static void timeline(ModuleResult.Builder out, Event e) {
        String v = version(e);
        switch (e.action()) {
            case "install" -> out.timeline(e.timestamp(), "app_install", "Installed " + e.bundle_id() + v
                    + (e.install_type().isEmpty() ? "" : " (type " + e.install_type() + ")")
                    + (e.requested_by().isEmpty() ? "" : ", requested by " + e.requested_by())
                    + (e.distributor().isEmpty() ? "" : ", distributor " + e.distributor()));
            case "uninstall" -> out.timeline(e.timestamp(), "app_uninstall", "Uninstalled " + e.bundle_id());
            case "uninstall_request" -> out.timeline(e.timestamp(), "app_uninstall_request",
                    "Uninstall of " + e.bundle_id() + " requested by " + e.requested_by());
            case "patch_update" -> out.timeline(e.timestamp(), "app_update", "Update of " + e.bundle_id() + " to" + v);
            case "reboot" -> out.timeline(e.timestamp(), "installd_reboot", "installd detected a reboot");
            default -> {
                // container bookkeeping and staging lines stay in the records only
            }
        }
    }

    private static String version(Event e) {
        if (e.short_version().isEmpty() && e.version().isEmpty()) {
            return "";
        }
        if (e.short_version().isEmpty()) {
            return " " + e.version();
        }
        return " " + e.short_version() + (e.version().isEmpty() ? "" : " (" + e.version() + ")");
    }

    /** The logs, oldest rotation first. */
    static List<ArtifactRef> findLogs(AcquisitionSource source) throws IOException, ArtifactNotFoundException {
        List<ArtifactRef> found = new ArrayList<>();
        for (ArtifactRef r : source.find(ArtifactPattern.anyDomain(PATTERN))) {
            if (FILE.matcher(r.relativePath()).find()) {
                found.add(r);
            }
        }
        if (found.isEmpty()) {
            throw new ArtifactNotFoundException("MobileInstallation log not found (" + PATTERN + ")");
        }
        found.sort(Comparator.comparingLong(MobileInstallationLog::rotation).reversed()
                .thenComparing(ArtifactRef::relativePath));
        return found;
    }

    private static long rotation(ArtifactRef ref) {
        Matcher m = FILE.matcher(ref.relativePath());
        return m.find() && m.group(1) != null ? Long.parseLong(m.group(1)) : -1;
    }

    /** The sysdiagnose's UTC offset (device property, seconds), UTC when absent or invalid. */
    static ZoneOffset offset(AcquisitionSource source) {
        String v = source.deviceInfo().get(TZ_PROPERTY);
        if (v != null) {
            try {
                return ZoneOffset.ofTotalSeconds(Integer.parseInt(v.strip()));
            } catch (RuntimeException e) {
                LOG.debug("invalid {} \"{}\", using UTC", TZ_PROPERTY, v);
            }
        }
        return ZoneOffset.UTC;
    }

    /** Parses one log; a non-empty log without one installd line is corrupt. */
    static List<Event> parse(InputStream in, String file, ZoneOffset offset) throws IOException,
            CorruptArtifactException {
        List<Event> out = new ArrayList<>();
        Map<String, Pending> pending = new HashMap<>();
        LogLines lines = new LogLines(in, MAX_LINE);
        long entries = 0;
        boolean content = false;
        String line;
        while ((line = lines.next()) != null) {
            if (!line.isBlank()) {
                content = true;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            entries++;
            String local = local(m);
            String utc = utc(m, offset);
            String thread = m.group(9);
            String text = m.group(10);
            Matcher method = METHOD.matcher(text);
            if (method.find()) {
                text = text.substring(method.end());
            }
            Event e = event(text, utc, local, file, thread, pending);
            if (e != null) {
                out.add(e);
            }
        }
        if (content && entries == 0) {
            throw new CorruptArtifactException(file + ": no MobileInstallation log line found (expected lines like"
                    + " \"Mon Apr  7 06:13:34 2025 [234] <notice> (0x16b48f000) ...\")");
        }
        if (lines.truncated() > 0) {
            LOG.warn("{}: {} lines longer than {} characters were cut", file, lines.truncated(), MAX_LINE);
        }
        return out;
    }

    private static Event event(String text, String utc, String local, String file, String thread,
            Map<String, Pending> pending) {
        Matcher m;
        String[] request = installRequest(text);
        if (request != null) {
            Pending p = new Pending(request[1], request[2], request[0], "", "", "");
            pending.put(thread, p);
            return new Event(utc, local, file, "install_request", "", "", "", p.installType(), p.requestedBy(), "",
                    "", p.path());
        }
        String[] uninstall = uninstallRequest(text);
        if (uninstall != null) {
            return new Event(utc, local, file, "uninstall_request", uninstall[1], "", "", "", uninstall[0], "",
                    uninstall[2], "");
        }
        if ((m = INSTALLING.matcher(text)).find()) {
            Pending before = pending.get(thread);
            String bundle = m.group(2).strip();
            Pending p = new Pending(before == null ? "" : before.installType(),
                    before == null ? "" : before.requestedBy(), before == null ? "" : before.path(), bundle,
                    nul(m.group(4)), nul(m.group(5)));
            pending.put(thread, p);
            return new Event(utc, local, file, "installing", bundle, p.version(), p.shortVersion(), p.installType(),
                    p.requestedBy(), "", nul(m.group(3)), p.path());
        }
        if ((m = SUCCESS.matcher(text)).find()) {
            String bundle = m.group(2).strip();
            Pending p = pending.remove(thread);
            boolean same = p != null && p.bundle().equals(bundle);
            return new Event(utc, local, file, "install", bundle, same ? p.version() : "",
                    same ? p.shortVersion() : "", m.group(1), p != null ? p.requestedBy() : "", nul(m.group(3)), "",
                    same ? p.path() : "");
        }
        if ((m = UNINSTALL.matcher(text)).find()) {
            return new Event(utc, local, file, "uninstall", m.group(1), "", "", "", "", "", "", "");
        }
        if ((m = DESTROY.matcher(text)).find()) {
            String bundle = m.group(1) != null ? m.group(1) : m.group(2);
            return new Event(utc, local, file, "destroy_container", bundle, "", "", "", "", "", nul(m.group(3)),
                    m.group(4).strip());
        }
        if ((m = LIVE.matcher(text)).find()) {
            return new Event(utc, local, file, "container_live", m.group(1), "", "", "", "", "", "",
                    m.group(2).strip());
        }
        if ((m = DATA.matcher(text)).find()) {
            return new Event(utc, local, file, "data_container", m.group(1), "", "", "", "", "", "",
                    m.group(2).strip());
        }
        if ((m = PATCH.matcher(text)).find()) {
            return new Event(utc, local, file, "patch_update", m.group(2), nul(m.group(4)), nul(m.group(5)),
                    m.group(1), "", "", "", "");
        }
        if ((m = SIGNATURE.matcher(text)).find()) {
            return new Event(utc, local, file, "signature_failure", "", "", "", "", "", "", "", m.group(1).strip());
        }
        if (text.contains("Reboot detected")) {
            return new Event(utc, local, file, "reboot", "", "", "", "", "", "", "", "");
        }
        return null;
    }

    /**
     * {@code Install of "<path>" type <T> (...) requested by <client> (pid N ...)} as {path, type,
     * client}, or null. Parsed with index searches (linear on hostile lines), not a backtracking
     * regex.
     */
    static String[] installRequest(String text) {
        String head = "Install of \"";
        if (!text.startsWith(head)) {
            return null;
        }
        int type = text.indexOf("\" type ", head.length());
        int by = text.lastIndexOf(" requested by ");
        if (type < 0 || by < type) {
            return null;
        }
        Matcher t = TYPE_WORD.matcher(text.substring(type + 7, Math.min(text.length(), type + 7 + 64)));
        String client = client(text, by + " requested by ".length());
        if (!t.find() || client == null) {
            return null;
        }
        return new String[] {text.substring(head.length(), type), t.group(), client};
    }

    /**
     * {@code Uninstall requested by <client> (pid N ...) for identity [<id>/<persona>]} as
     * {client, id, persona}, or null.
     */
    static String[] uninstallRequest(String text) {
        String head = "Uninstall requested by ";
        if (!text.startsWith(head)) {
            return null;
        }
        String client = client(text, head.length());
        int identity = text.indexOf(" for identit");
        int open = identity < 0 ? -1 : text.indexOf('[', identity);
        if (client == null || open < 0) {
            return null;
        }
        int end = open + 1;
        while (end < text.length() && text.charAt(end) != ']' && text.charAt(end) != ',') {
            end++;
        }
        String id = text.substring(open + 1, end);
        int slash = id.indexOf('/');
        return new String[] {client, (slash < 0 ? id : id.substring(0, slash)).strip(),
            slash < 0 ? "" : nul(id.substring(slash + 1))};
    }

    /** The process name from {@code from} up to " (pid", or null. */
    private static String client(String text, int from) {
        int pid = text.indexOf(" (pid ", from);
        if (pid < 0) {
            return null;
        }
        String c = text.substring(from, pid).strip();
        return c.isEmpty() ? null : c;
    }

    /** "(null)" and "null" as "". */
    private static String nul(String v) {
        if (v == null) {
            return "";
        }
        String s = v.strip();
        return s.equals("(null)") || s.equals("null") ? "" : s;
    }

    private static String local(Matcher m) {
        return m.group(6) + "-" + pad(MONTHS.indexOf(m.group(1)) + 1) + "-" + pad(Integer.parseInt(m.group(2))) + " "
                + pad(Integer.parseInt(m.group(3))) + ":" + m.group(4) + ":" + m.group(5);
    }

    private static String pad(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** The UTC time of a line, "" when its date is not a valid one. */
    private static String utc(Matcher m, ZoneOffset offset) {
        int month = MONTHS.indexOf(m.group(1)) + 1;
        if (month == 0) {
            return "";
        }
        try {
            LocalDateTime t = LocalDateTime.of(Integer.parseInt(m.group(6)), month, Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
            return Times.format(t.toInstant(offset));
        } catch (java.time.DateTimeException e) {
            return "";
        }
    }

    /** An indicator alert's message and match. */
    record IocAlert(String message, IndicatorMatch match) {}

    /** The indicator checks of one event, each value once per run ({@code seen}). */
    static List<IocAlert> iocAlerts(Indicators indicators, Event e, Set<String> seen) {
        return iocAlerts(indicators, e.bundle_id(), e.requested_by(), e.path(), seen);
    }

    private static List<IocAlert> iocAlerts(Indicators indicators, String bundle, String client, String path,
            Set<String> seen) {
        List<IocAlert> out = new ArrayList<>();
        if (!bundle.isEmpty() && seen.add("b\0" + bundle)) {
            Optional<IndicatorMatch> m = indicators.checkAppId(bundle).or(() -> indicators.checkProcess(bundle));
            m.ifPresent(x -> out.add(new IocAlert("Found a known malicious app " + bundle
                    + " in the MobileInstallation log (" + x.indicator().type().name().toLowerCase(Locale.ROOT)
                    + " indicator)", x)));
        }
        if (!client.isEmpty() && seen.add("c\0" + client)) {
            indicators.checkProcess(client).ifPresent(x -> out.add(new IocAlert(
                    "Found a known malicious process \"" + client + "\" requesting an app installation or removal",
                    x)));
        }
        if (!path.isEmpty() && seen.add("p\0" + path)) {
            indicators.checkFilePath(path).ifPresent(x -> out.add(new IocAlert(x.message(), x)));
        }
        return out;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        Set<String> seen = new HashSet<>();
        for (JsonNode r : results) {
            String ts = r.path("timestamp").asText("");
            for (IocAlert a : iocAlerts(indicators, r.path("bundle_id").asText(""), r.path("requested_by").asText(""),
                    r.path("path").asText(""), seen)) {
                out.alert(Level.CRITICAL, a.message(), a.match(), ts, r);
            }
        }
        return out.build().alerts();
    }
}
