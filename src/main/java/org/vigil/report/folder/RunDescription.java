package org.vigil.report.folder;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.InputHash;

/**
 * What info.json says about a run (Vigil's or MVT's shape).
 *
 * @param tool "Vigil" or "MVT"
 * @param toolVersion the version of the tool that checked ("" when unknown)
 * @param date when the check ran (local time, as info.json has it; "" when unknown)
 * @param command the command ("" when unknown)
 * @param targetPath the acquisition checked
 * @param sourceKind the kind of acquisition ("" when unknown)
 * @param device device properties, sorted by name
 * @param indicatorFiles indicator files used (for MVT only their paths are known: count -1)
 * @param hashes SHA-256 of the input files, when recorded
 */
public record RunDescription(String tool, String toolVersion, String date, String command, String targetPath,
        String sourceKind, Map<String, String> device, List<IndicatorFileInfo> indicatorFiles,
        List<InputHash> hashes) {
    public RunDescription {
        Objects.requireNonNull(tool, "tool");
        toolVersion = orEmpty(toolVersion);
        date = orEmpty(date);
        command = orEmpty(command);
        targetPath = orEmpty(targetPath);
        sourceKind = orEmpty(sourceKind);
        device = Collections.unmodifiableMap(new TreeMap<>(device));
        indicatorFiles = List.copyOf(indicatorFiles);
        hashes = List.copyOf(hashes);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** True when the results were written by MVT (coverage and statuses are then unknown). */
    public boolean isMvt() {
        return tool.equals("MVT");
    }
}
