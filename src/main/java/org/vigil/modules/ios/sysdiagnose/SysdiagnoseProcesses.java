package org.vigil.modules.ios.sysdiagnose;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Process listings of a sysdiagnose ({@code sysdiagnose_processes}; no MVT equivalent: MVT's
 * {@code check-sysdiagnose} has no built-in module).
 *
 * <p><b>Artifact</b>: {@value #PS} and, when present, {@value #PS_THREAD} at the sysdiagnose's top
 * folder: the output of {@code ps} with a header line naming the columns. Columns vary between iOS
 * versions; they are read by name from the header ({@code USER}, {@code PID}, {@code PPID},
 * {@code STARTED}, and the last column {@code COMMAND}/{@code COMM}/{@code ARGS}, which takes the
 * rest of the line, spaces included). Rows with fewer fields than the header (the per-thread rows
 * of {@code ps -M}) are skipped. Invalid UTF-8 becomes U+FFFD; lines are capped at
 * {@value #MAX_LINE} characters.
 *
 * <p><b>Records</b>: {@code file}, {@code user}, {@code pid}, {@code ppid} ("" when the listing has
 * no such column), {@code process} (basename of the executable), {@code path} (the executable: the
 * command up to its first argument; a path inside an {@code .app} bundle keeps its spaces; "" when
 * the command is not an absolute path, e.g. {@code (launchd)}), {@code command} (the whole command
 * line) and {@code started} (the {@code STARTED} column as written, or "").
 *
 * <p><b>Flags</b>: the path against file-path and file-name indicators, else the process name
 * against process indicators (CRITICAL, once per distinct path and name). Heuristic (always;
 * field notes H6, Amnesty 2021 and Kaspersky's iShutdown research on where implants ran): a
 * process running from {@code /private/var/tmp/}, {@code /tmp/} ({@code /private/tmp/}),
 * {@code /private/var/db/}, or from {@code /private/var/mobile/} outside an {@code .app} bundle,
 * where no Apple daemon or App Store app lives ({@code /var/...} is read as {@code /private/var/...})
 * (MEDIUM, once per path); Apple executables listed in {@link SystemPathAllowlist} excepted (the
 * shipped list is empty).
 *
 * <p><b>Timeline</b>: none: {@code ps}'s {@code STARTED} column is not a full date.
 */
public final class SysdiagnoseProcesses implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(SysdiagnoseProcesses.class);

    public static final String PS = "ps.txt";
    public static final String PS_THREAD = "ps_thread.txt";
    static final int MAX_LINE = 65_536;

    /** Folders where no Apple daemon or App Store app runs from, and why. */
    static final List<String[]> UNUSUAL = List.of(
            new String[] {"/private/var/tmp/", "a temporary folder"},
            new String[] {"/private/tmp/", "a temporary folder"},
            new String[] {"/tmp/", "a temporary folder"},
            new String[] {"/private/var/db/", "a system database folder, where no Apple daemon lives"});
    static final String MOBILE = "/private/var/mobile/";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "sysdiagnose_processes", "SysdiagnoseProcesses", Platform.IOS,
            Set.of(SourceKind.IOS_SYSDIAGNOSE), List.of(PS, PS_THREAD), List.of(),
            "Running processes (ps.txt): names and paths against indicators, processes in unusual folders");

    /**
     * One process row.
     *
     * @param file listing it was read from
     * @param user owner
     * @param pid process id as written
     * @param ppid parent process id, or ""
     * @param process executable name
     * @param path executable path, or ""
     * @param command full command line
     * @param started the STARTED column, or ""
     */
    @JsonPropertyOrder({"file", "user", "pid", "ppid", "process", "path", "command", "started"})
    public record Process(String file, String user, String pid, String ppid, String process, String path,
            String command, String started) {}

    private final SystemPathAllowlist allowlist;

    /** With the built-in allowlist of Apple executables in those folders. */
    public SysdiagnoseProcesses() {
        this(SystemPathAllowlist.builtIn());
    }

    /** With a given allowlist (tests). */
    SysdiagnoseProcesses(SystemPathAllowlist allowlist) {
        this.allowlist = allowlist;
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = new ArrayList<>();
        files.addAll(ctx.source().find(ArtifactPattern.anyDomain(PS)));
        try {
            files.addAll(ctx.source().find(ArtifactPattern.anyDomain(PS_THREAD)));
        } catch (IOException e) {
            if (files.isEmpty()) {
                throw e;
            }
        }
        if (files.isEmpty()) {
            throw new ArtifactNotFoundException("process listing not found (" + PS + ", " + PS_THREAD + ")");
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        Set<String> iocSeen = new HashSet<>();
        Set<String> unusualSeen = new HashSet<>();
        for (ArtifactRef ref : files) {
            LOG.info("Found process listing at path: {}", ref.displayName());
            List<Process> rows;
            try (InputStream in = ctx.source().open(ref)) {
                rows = parse(in, ref.relativePath());
            }
            for (Process p : rows) {
                out.record(p);
                if (indicators != null && iocSeen.add(p.path() + "\0" + p.process())) {
                    iocMatch(indicators, p.path(), p.process()).ifPresent(m -> out.alert(Level.CRITICAL, m, "", p));
                }
                Optional<String> why = allowlist.allows(p.path()) ? Optional.empty() : unusual(p.path());
                if (why.isPresent() && unusualSeen.add(p.path())) {
                    out.alert(Level.MEDIUM, "Process " + p.process() + " (PID " + p.pid() + ") is running from "
                            + p.path() + ", " + why.get() + ": Apple daemons and App Store apps do not run from"
                            + " there", "", p);
                }
            }
        }
        LOG.info("Extracted {} processes from {} listing(s)", out.recordCount(), files.size());
        return out.build();
    }

    /** Parses one listing; never fails on its content. */
    static List<Process> parse(InputStream in, String file) throws IOException {
        List<Process> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> header = null;
        String line;
        while ((line = readLine(r)) != null) {
            if (line.isBlank()) {
                continue;
            }
            List<String> tokens = tokens(line, Integer.MAX_VALUE);
            if (header == null) {
                if (tokens.contains("PID") && tokens.size() >= 2) {
                    header = tokens;
                }
                continue;
            }
            if (tokens.equals(header)) {
                continue;
            }
            List<String> fields = tokens(line, header.size());
            if (fields.size() < header.size()) {
                continue; // thread row or truncated line
            }
            String command = fields.get(header.size() - 1);
            String path = executable(command);
            String process = !path.isEmpty() ? basename(path) : firstWord(command);
            out.add(new Process(file, column(header, fields, "USER"), column(header, fields, "PID"),
                    column(header, fields, "PPID"), process, path, command, column(header, fields, "STARTED")));
        }
        if (header == null) {
            LOG.warn("{}: no ps header line (with a PID column) found", file);
        }
        return out;
    }

    /** A line of at most MAX_LINE characters (the rest is dropped), or null at the end. */
    private static String readLine(BufferedReader r) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        boolean any = false;
        while ((c = r.read()) != -1) {
            any = true;
            if (c == '\n') {
                break;
            }
            if (sb.length() < MAX_LINE) {
                sb.append((char) c);
            }
        }
        if (!any) {
            return null;
        }
        int n = sb.length();
        if (n > 0 && sb.charAt(n - 1) == '\r') {
            sb.setLength(n - 1);
        }
        return sb.toString();
    }

    /** Whitespace-separated fields, at most {@code max}: the last one keeps the rest of the line. */
    static List<String> tokens(String line, int max) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (out.size() == max - 1) {
                out.add(line.substring(i).strip());
                break;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            out.add(line.substring(start, i));
        }
        return out;
    }

    private static String column(List<String> header, List<String> fields, String name) {
        int i = header.indexOf(name);
        return i >= 0 && i < header.size() - 1 ? fields.get(i) : "";
    }

    /**
     * The executable of a command line: "" unless it starts with '/'; inside an .app bundle, up to
     * the end of the component following the last ".app/" before an argument (" -"); otherwise up to
     * the first space.
     */
    static String executable(String command) {
        if (!command.startsWith("/")) {
            return "";
        }
        String head = command;
        int dash = head.indexOf(" -");
        if (dash > 0) {
            head = head.substring(0, dash);
        }
        int app = head.lastIndexOf(".app/");
        if (app >= 0) {
            int start = app + ".app/".length();
            int slash = head.indexOf('/', start);
            // the component after ".app/" may contain spaces; nested folders are kept until a space
            int end = slash < 0 ? head.length() : endOfWord(head, slash);
            return head.substring(0, end).strip();
        }
        return head.substring(0, endOfWord(head, 0));
    }

    private static int endOfWord(String s, int from) {
        int sp = s.indexOf(' ', from);
        return sp < 0 ? s.length() : sp;
    }

    private static String firstWord(String command) {
        String c = command.strip();
        int sp = c.indexOf(' ');
        return sp < 0 ? c : c.substring(0, sp);
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** Why a path is unusual for a running process, if it is. */
    static Optional<String> unusual(String path) {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        String p = path;
        if (p.startsWith("/var/")) {
            p = "/private" + p;
        }
        String lower = p.toLowerCase(Locale.ROOT);
        for (String[] u : UNUSUAL) {
            if (lower.startsWith(u[0])) {
                return Optional.of("under " + u[0] + ", " + u[1]);
            }
        }
        if (lower.startsWith(MOBILE) && !lower.contains(".app/")) {
            return Optional.of("under " + MOBILE + " outside an app bundle");
        }
        return Optional.empty();
    }

    /** Indicator check of a process: its path first, then its name. */
    static Optional<IndicatorMatch> iocMatch(Indicators indicators, String path, String process) {
        if (!path.isEmpty()) {
            Optional<IndicatorMatch> m = indicators.checkFilePath(path);
            if (m.isPresent()) {
                return m;
            }
        }
        return process.isEmpty() ? Optional.empty() : indicators.checkProcess(process);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        Set<String> seen = new HashSet<>();
        for (JsonNode r : results) {
            String path = r.path("path").asText("");
            String process = r.path("process").asText("");
            if (seen.add(path + "\0" + process)) {
                iocMatch(indicators, path, process).ifPresent(m -> out.alert(Level.CRITICAL, m, "", r));
            }
        }
        return out.build().alerts();
    }
}
