package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;

/**
 * Running processes ({@code aqf_processes}, MVT's {@code AQFProcesses}).
 *
 * <p><b>Artifact</b>: the first {@code *}{@code /ps.txt}, the output of {@code ps -A}: a header
 * line, then {@code USER PID PPID VSZ RSS WCHAN ADDR S NAME}, with an optional SELinux label
 * ({@code u:r:...}) as first column and WCHAN sometimes empty. Records keep MVT's keys, including
 * its typo {@code aprocress} for the ADDR column; {@code proc_name} has its {@code [ ]} removed.
 * Lines that do not have the columns (MVT would stop on them) are skipped and counted in the log.
 *
 * <p><b>Flags</b>: with indicators, the process name (except {@code gatekeeperd}, a known false
 * positive) against app ids, else against process names (CRITICAL).
 *
 * <p><b>Timeline</b>: none.
 */
public final class AQFProcesses implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(AQFProcesses.class);
    static final String PATTERN = "*/ps.txt";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("aqf_processes", "AQFProcesses",
            Platform.ANDROID, Aqf.KINDS, List.of(PATTERN), List.of(),
            "Running processes against app id and process indicators");

    /** One process, serialised with MVT's keys. */
    record Process(
            @JsonProperty("user") String user,
            @JsonProperty("pid") long pid,
            @JsonProperty("ppid") long ppid,
            @JsonProperty("virtual_memory_size") long virtualMemorySize,
            @JsonProperty("resident_set_size") long residentSetSize,
            @JsonProperty("wchan") String wchan,
            @JsonProperty("aprocress") String aprocress,
            @JsonProperty("stat") String stat,
            @JsonProperty("proc_name") String procName,
            @JsonProperty("label") String label) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = Aqf.first(ctx.source(), PATTERN, "ps.txt");
        String text = Aqf.text(ctx.source(), ref);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators iocs = ctx.hasIndicators() ? ctx.indicators() : null;
        int skipped = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 1; i < lines.length; i++) {
            Optional<Process> p = parse(lines[i]);
            if (p.isEmpty()) {
                if (!lines[i].isBlank()) {
                    skipped++;
                }
                continue;
            }
            out.record(p.get());
            if (iocs != null) {
                check(p.get().procName(), iocs).ifPresent(m -> out.alert(Level.CRITICAL, m, "", p.get()));
            }
        }
        if (skipped > 0) {
            LOG.warn("{}: {} line(s) without the ps columns were skipped", ref.displayName(), skipped);
        }
        LOG.info("Extracted records on a total of {} processes", out.recordCount());
        return out.build();
    }

    /** One line of ps output, as MVT splits it; empty for blank or malformed lines. */
    static Optional<Process> parse(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        List<String> f = new ArrayList<>(Arrays.asList(trimmed.split("\\s+")));
        if (f.size() == 8) {
            f.add(5, "");
        }
        String label = "";
        if (f.get(0).startsWith("u:r")) {
            label = f.remove(0);
        }
        if (f.size() < 9 && f.size() >= 5) {
            f.add(5, "");
        }
        if (f.size() < 9) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Process(f.get(0), Long.parseLong(f.get(1)), Long.parseLong(f.get(2)),
                    Long.parseLong(f.get(3)), Long.parseLong(f.get(4)), f.get(5), f.get(6), f.get(7),
                    stripBrackets(f.get(8)), label));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Python's {@code str.strip("[]")}. */
    static String stripBrackets(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && (s.charAt(b) == '[' || s.charAt(b) == ']')) {
            b++;
        }
        while (e > b && (s.charAt(e - 1) == '[' || s.charAt(e - 1) == ']')) {
            e--;
        }
        return s.substring(b, e);
    }

    static Optional<IndicatorMatch> check(String procName, Indicators iocs) {
        if (procName == null || procName.isEmpty() || procName.equals("gatekeeperd")) {
            return Optional.empty();
        }
        Optional<IndicatorMatch> m = iocs.checkAppId(procName);
        return m.isPresent() ? m : iocs.checkProcess(procName);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode p : results) {
                check(Aqf.str(p, "proc_name"), indicators).ifPresent(m -> out.alert(Level.CRITICAL, m, "", p));
            }
        }
        return out.build().alerts();
    }
}
