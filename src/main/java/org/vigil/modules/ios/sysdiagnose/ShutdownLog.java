package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.PyFormat;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Processes still running when the phone shut down ({@code shutdown_log}, MVT's {@code ShutdownLog}).
 *
 * <p><b>Artifact</b>: the text log iOS writes at each shutdown and reboot, and its rotations
 * ({@code shutdown.0.log}, {@code shutdown.1.log}, ... on iOS 26): in a sysdiagnose
 * {@value #SYSDIAGNOSE_LOG} (relative to the sysdiagnose's top folder), in a filesystem dump
 * {@value #FS_LOG}. Each file is read on its own (a reboot never spans two files): the current log
 * first, then the rotations in ascending number. Invalid UTF-8 bytes are read as U+FFFD; lines are
 * capped at {@value #MAX_LINE} characters.
 *
 * <p><b>Records</b> (MVT's): one per {@code remaining client pid: <pid> (<path>)} line followed by
 * a {@code SIGTERM: [<unix time>]} line: {@code isodate} (the SIGTERM time, UTC; fallback: the ten
 * digits after {@code " @"}; "" when absent), {@code pid}, {@code client}, {@code delay} (seconds
 * announced by the {@code After <x>s, these clients are still here:} lines seen so far in that
 * reboot) and {@code times_delayed} (how many such lines). iOS 26 appends the binary's UUID to the
 * client path ({@code /usr/sbin/filecoordinationd/<UUID>}, MVT issue #830): {@code client} is the
 * path without it and {@code client_uuid} keeps the UUID (null otherwise). Records are sorted by
 * {@code isodate}, as MVT does.
 *
 * <p><b>Flags</b>: a client path matching a file-path or file-name indicator (CRITICAL, the
 * indicator's message); else a process indicator equal to a component of the path (CRITICAL,
 * "Found mention of a known malicious process "p" in shutdown.log", as MVT). Heuristics (always,
 * from the shutdown.log research, field notes H6/H7; Kaspersky's iShutdown): a client running from
 * {@code /private/var/db/}, {@code /private/var/tmp/} or a {@code roleaccountd.staging} folder,
 * where Pegasus and QuaDream implants were found and no Apple daemon lives (HIGH, once per path);
 * a reboot delayed by {@value #DELAYED_REBOOT_BLOCKS} or more "clients are still here" blocks
 * (MEDIUM, once per reboot). Apple executables listed in {@link SystemPathAllowlist} raise no folder
 * alert (the shipped list is empty: no Apple daemon is known to run from there).
 *
 * <p><b>Timeline</b>: {@code shutdown} per record ("Client c with PID p was running when the
 * device was shut down", as MVT) and {@code reboot} per SIGTERM with its statistics (clients still
 * running, number of delays, total delay).
 */
public final class ShutdownLog implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownLog.class);

    /** In a sysdiagnose, relative to its top folder. */
    public static final String SYSDIAGNOSE_LOG = "system_logs.logarchive/Extra/shutdown.log";
    static final String SYSDIAGNOSE_ROTATED = "system_logs.logarchive/Extra/shutdown.*.log";
    /** In a filesystem dump, relative to its root. */
    public static final String FS_LOG = "private/var/db/diagnostics/shutdown.log";
    static final String FS_ROTATED = "private/var/db/diagnostics/shutdown.*.log";

    static final int MAX_LINE = 65_536;
    static final int DELAYED_REBOOT_BLOCKS = 3;
    /** Folders where implants were found running and no Apple daemon lives (H6). */
    static final List<String> STICKY_FOLDERS = List.of("/private/var/db/", "/private/var/tmp/");
    static final String ROLEACCOUNTD_STAGING = "roleaccountd.staging";

    private static final Pattern ROTATED = Pattern.compile("(?:^|/)shutdown\\.(\\d{1,9})\\.log$");
    private static final Pattern TRAILING_UUID = Pattern.compile(
            "/([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})/?$");
    private static final Pattern TEN_DIGITS = Pattern.compile("\\d{10}");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "shutdown_log", "ShutdownLog", Platform.IOS,
            Set.of(SourceKind.IOS_SYSDIAGNOSE, SourceKind.IOS_FS),
            List.of(SYSDIAGNOSE_LOG, SYSDIAGNOSE_ROTATED, FS_LOG, FS_ROTATED),
            List.of(),
            "Processes still running at shutdown: client paths against indicators, implant folders,"
                    + " delayed reboots");

    /**
     * One client still running when a shutdown began.
     *
     * @param isodate time of the SIGTERM (UTC), or ""
     * @param pid process id as written
     * @param client executable path (without an iOS 26 trailing UUID)
     * @param delay seconds of delay announced before this line in the same reboot
     * @param times_delayed number of delay announcements before this line in the same reboot
     * @param client_uuid the UUID iOS 26 appended to the path, or null
     */
    @JsonPropertyOrder({"isodate", "pid", "client", "delay", "times_delayed", "client_uuid"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Client(String isodate, String pid, String client, double delay, int times_delayed,
            String client_uuid) {}

    /**
     * One shutdown or reboot (a SIGTERM line) and what delayed it.
     *
     * @param isodate time of the SIGTERM (UTC), or ""
     * @param file the log it was read from
     * @param times_delayed number of "clients are still here" blocks
     * @param delay total delay announced, seconds
     * @param clients distinct client paths still running, in order of appearance
     */
    @JsonPropertyOrder({"isodate", "file", "times_delayed", "delay", "clients"})
    public record Reboot(String isodate, String file, int times_delayed, double delay, List<String> clients) {
        public Reboot {
            clients = List.copyOf(clients);
        }
    }

    /** What a log holds. */
    record Parsed(List<Client> clients, List<Reboot> reboots) {}

    private final SystemPathAllowlist allowlist;

    /** With the built-in allowlist of Apple executables in those folders. */
    public ShutdownLog() {
        this(SystemPathAllowlist.builtIn());
    }

    /** With a given allowlist (tests). */
    ShutdownLog(SystemPathAllowlist allowlist) {
        this.allowlist = allowlist;
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> logs = findLogs(ctx.source());
        List<Client> clients = new ArrayList<>();
        List<Reboot> reboots = new ArrayList<>();
        for (ArtifactRef ref : logs) {
            LOG.info("Found shutdown log at path: {}", ref.displayName());
            try (InputStream in = ctx.source().open(ref)) {
                Parsed p = parse(in, ref.relativePath());
                clients.addAll(p.clients());
                reboots.addAll(p.reboots());
            }
        }
        clients.sort(Comparator.comparing(Client::isodate));
        reboots.sort(Comparator.comparing(Reboot::isodate));

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        Map<String, Client> sticky = new LinkedHashMap<>();
        Map<String, Integer> stickyCount = new LinkedHashMap<>();
        for (Client c : clients) {
            out.record(c);
            out.timeline(c.isodate(), "shutdown", "Client " + c.client() + " with PID " + c.pid()
                    + " was running when the device was shut down");
            if (indicators != null) {
                iocAlert(indicators, c.client()).ifPresent(a -> out.alert(Level.CRITICAL, a.message(), a.match(),
                        c.isodate(), c));
            }
            if (stickyFolder(c.client()).isPresent() && !allowlist.allows(c.client())) {
                sticky.putIfAbsent(c.client(), c);
                stickyCount.merge(c.client(), 1, Integer::sum);
            }
        }
        for (Map.Entry<String, Client> e : sticky.entrySet()) {
            Client c = e.getValue();
            long seen = reboots.stream().filter(r -> r.clients().contains(c.client())).count();
            out.alert(Level.HIGH, "Process " + c.client() + " (PID " + c.pid() + ") was still running at shutdown"
                    + " from " + stickyFolder(c.client()).get() + ", where no Apple system process lives (seen in "
                    + seen + " shutdown" + (seen == 1 ? "" : "s") + ", first on " + when(c.isodate()) + ")",
                    c.isodate(), c);
        }
        for (Reboot r : reboots) {
            out.timeline(r.isodate(), "reboot", rebootSummary(r));
            if (r.times_delayed() >= DELAYED_REBOOT_BLOCKS) {
                out.alert(Level.MEDIUM, "Shutdown on " + when(r.isodate()) + " was delayed " + r.times_delayed()
                        + " times (" + PyFormat.floatRepr(r.delay()) + " s) by processes that did not stop: "
                        + String.join(", ", r.clients()), r.isodate(), r);
            }
        }
        LOG.info("Extracted {} processes from {} shutdowns in {} shutdown log(s)", out.recordCount(),
                reboots.size(), logs.size());
        return out.build();
    }

    private static String when(String isodate) {
        return isodate.isEmpty() ? "an unknown date" : isodate;
    }

    static String rebootSummary(Reboot r) {
        int n = r.clients().size();
        return "Shutdown with " + n + " client" + (n == 1 ? "" : "s") + " still running, delayed "
                + r.times_delayed() + " time" + (r.times_delayed() == 1 ? "" : "s") + " ("
                + PyFormat.floatRepr(r.delay()) + " s)" + (n == 0 ? "" : ": " + String.join(", ", r.clients()));
    }

    /** The current log, then its rotations by number (both layouts). */
    static List<ArtifactRef> findLogs(AcquisitionSource source) throws IOException, ArtifactNotFoundException {
        List<String[]> layouts = source.kind() == SourceKind.IOS_FS
                ? List.of(new String[] {FS_LOG, FS_ROTATED}, new String[] {SYSDIAGNOSE_LOG, SYSDIAGNOSE_ROTATED})
                : List.of(new String[] {SYSDIAGNOSE_LOG, SYSDIAGNOSE_ROTATED}, new String[] {FS_LOG, FS_ROTATED});
        IOException missing = null;
        for (String[] layout : layouts) {
            List<ArtifactRef> found = new ArrayList<>();
            try {
                found.addAll(source.find(ArtifactPattern.anyDomain(layout[0])));
            } catch (IOException e) {
                missing = e;
            }
            List<ArtifactRef> rotated = new ArrayList<>();
            try {
                for (ArtifactRef r : source.find(ArtifactPattern.anyDomain(layout[1]))) {
                    if (ROTATED.matcher(r.relativePath()).find()) {
                        rotated.add(r);
                    }
                }
            } catch (IOException e) {
                missing = e;
            }
            rotated.sort(Comparator.comparingLong(ShutdownLog::rotation).thenComparing(ArtifactRef::relativePath));
            found.addAll(rotated);
            if (!found.isEmpty()) {
                return found;
            }
        }
        if (missing != null) {
            throw missing;
        }
        throw new ArtifactNotFoundException("shutdown log not found (" + SYSDIAGNOSE_LOG + ", " + FS_LOG
                + " or their rotations)");
    }

    private static long rotation(ArtifactRef ref) {
        Matcher m = ROTATED.matcher(ref.relativePath());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Parses one log (MVT's grouping), never failing on its content. */
    static Parsed parse(InputStream in, String file) throws IOException {
        List<Client> out = new ArrayList<>();
        List<Reboot> reboots = new ArrayList<>();
        List<Client> pending = new ArrayList<>();
        int timesDelayed = 0;
        double delay = 0.0;
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8); // malformed bytes become U+FFFD
        BoundedLines lines = new BoundedLines(reader, MAX_LINE);
        String raw;
        while ((raw = lines.next()) != null) {
            String line = raw.strip();
            if (line.startsWith("remaining client pid:")) {
                pending.add(clientLine(line, delay, timesDelayed));
            } else if (line.startsWith("After ")) {
                delay += delaySeconds(line);
                timesDelayed++;
            } else if (line.startsWith("SIGTERM: ")) {
                String isodate = sigtermTime(line);
                Set<String> distinct = new LinkedHashSet<>();
                for (Client c : pending) {
                    Client dated = new Client(isodate, c.pid(), c.client(), c.delay(), c.times_delayed(),
                            c.client_uuid());
                    out.add(dated);
                    distinct.add(c.client());
                }
                reboots.add(new Reboot(isodate, file, timesDelayed, delay, new ArrayList<>(distinct)));
                pending.clear();
                timesDelayed = 0;
                delay = 0.0;
            }
        }
        if (!pending.isEmpty()) {
            LOG.debug("{}: {} client lines after the last SIGTERM line are not attributed to a shutdown", file,
                    pending.size());
        }
        return new Parsed(out, reboots);
    }

    private static Client clientLine(String line, double delay, int timesDelayed) {
        String rest = line.substring("remaining client pid:".length()).strip();
        int open = rest.indexOf('(');
        String pid;
        String path;
        if (open < 0) {
            pid = rest;
            path = "";
        } else {
            pid = rest.substring(0, open).strip();
            int close = rest.lastIndexOf(')');
            path = close > open ? rest.substring(open + 1, close) : rest.substring(open + 1);
        }
        Matcher u = TRAILING_UUID.matcher(path);
        String uuid = null;
        if (u.find() && u.start() > 0) {
            uuid = u.group(1);
            path = path.substring(0, u.start());
        }
        return new Client("", pid, path, delay, timesDelayed, uuid);
    }

    /** Seconds in "After 0.25s, these clients are still here:", 0 when unreadable. */
    private static double delaySeconds(String line) {
        String[] parts = line.split(" ");
        if (parts.length < 2) {
            return 0.0;
        }
        String t = parts[1];
        while (!t.isEmpty() && (t.endsWith(",") || t.endsWith("s"))) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            double d = Double.parseDouble(t);
            return Double.isFinite(d) && d >= 0 ? d : 0.0;
        } catch (NumberFormatException e) {
            LOG.debug("unreadable delay in \"{}\"", line);
            return 0.0;
        }
    }

    /** The SIGTERM time: "[unix]" or the ten digits after " @"; "" when neither. */
    static String sigtermTime(String line) {
        int open = line.indexOf('[');
        int close = line.indexOf(']');
        if (open >= 0 && close > open) {
            try {
                long t = Long.parseLong(line.substring(open + 1, close).strip());
                return t == 0 ? "" : Times.fromUnixSeconds(t);
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        int at = line.indexOf(" @");
        if (at >= 0) {
            Matcher m = TEN_DIGITS.matcher(line);
            if (m.find(at + 2) && m.start() == at + 2) {
                return Times.fromUnixSeconds(Long.parseLong(m.group()));
            }
        }
        return "";
    }

    /** The folder that makes a client path suspicious (H6), if any. */
    static Optional<String> stickyFolder(String client) {
        for (String folder : STICKY_FOLDERS) {
            if (client.startsWith(folder)) {
                return Optional.of(folder);
            }
        }
        for (String part : client.split("/")) {
            if (part.endsWith(ROLEACCOUNTD_STAGING)) {
                return Optional.of("a " + ROLEACCOUNTD_STAGING + " folder (" + part + ")");
            }
        }
        return Optional.empty();
    }

    /** An indicator alert's message and match. */
    record IocAlert(String message, IndicatorMatch match) {}

    /** MVT's checks on a client path: file path, else a process name among its components. */
    static Optional<IocAlert> iocAlert(Indicators indicators, String client) {
        Optional<IndicatorMatch> path = indicators.checkFilePath(client);
        if (path.isPresent()) {
            return Optional.of(new IocAlert(path.get().message(), path.get()));
        }
        return indicators.checkFilePathProcess(client).map(m -> new IocAlert(
                "Found mention of a known malicious process \"" + m.indicator().value() + "\" in shutdown.log", m));
    }

    /** The client path without a trailing iOS 26 UUID component. */
    static String normalise(String client) {
        Matcher u = TRAILING_UUID.matcher(client);
        return u.find() && u.start() > 0 ? client.substring(0, u.start()) : client;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode r : results) {
            String client = normalise(r.path("client").asText(""));
            if (client.isEmpty()) {
                continue;
            }
            String isodate = r.path("isodate").asText("");
            iocAlert(indicators, client).ifPresent(a -> out.alert(Level.CRITICAL, a.message(), a.match(), isodate,
                    r));
        }
        return out.build().alerts();
    }

    /** Lines of at most {@code max} characters (the rest of a longer line is dropped). */
    private static final class BoundedLines {
        private final Reader in;
        private final int max;
        private final char[] buf = new char[8192];
        private int pos;
        private int len;
        private boolean eof;

        BoundedLines(Reader in, int max) {
            this.in = in;
            this.max = max;
        }

        String next() throws IOException {
            StringBuilder sb = new StringBuilder();
            boolean any = false;
            while (true) {
                if (pos == len) {
                    if (eof) {
                        return any ? sb.toString() : null;
                    }
                    len = in.read(buf);
                    pos = 0;
                    if (len <= 0) {
                        len = 0;
                        eof = true;
                        continue;
                    }
                }
                char c = buf[pos++];
                any = true;
                if (c == '\n') {
                    return sb.toString();
                }
                if (sb.length() < max) {
                    sb.append(c);
                }
            }
        }
    }
}
