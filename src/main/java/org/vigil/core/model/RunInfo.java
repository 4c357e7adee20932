package org.vigil.core.model;

import java.util.List;
import java.util.Map;

/**
 * What a run was: input, tool version, time, indicators, input hashes.
 *
 * @param command the command line (e.g. {@code ios check-backup})
 * @param targetPath absolute input path
 * @param sourceKind human-readable kind of acquisition
 * @param vigilVersion Vigil's version
 * @param date run start, ISO local time
 * @param indicatorFiles indicator files with digests
 * @param hashes SHA-256 of every input file (only with {@code --hashes})
 * @param device device properties from the acquisition
 * @param deviceLocalTime true when timestamps are device-local (Android), false for UTC
 */
public record RunInfo(
        String command,
        String targetPath,
        String sourceKind,
        String vigilVersion,
        String date,
        List<IndicatorFileInfo> indicatorFiles,
        List<InputHash> hashes,
        Map<String, String> device,
        boolean deviceLocalTime) {
    public RunInfo {
        indicatorFiles = List.copyOf(indicatorFiles);
        hashes = List.copyOf(hashes);
        device = Map.copyOf(device);
    }
}
