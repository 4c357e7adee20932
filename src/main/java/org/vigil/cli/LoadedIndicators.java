package org.vigil.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.ioc.Indicators;
import org.vigil.ioc.update.IndicatorSourceException;
import org.vigil.ioc.update.IndicatorSources;
import org.vigil.ioc.update.UserEnvironment;

/**
 * The indicators of a run: files from {@code --iocs}, the downloaded set and {@code VIGIL_IOCS},
 * loaded in that order. A file given with {@code --iocs} that cannot be loaded stops the command
 * (exit 7); a bad downloaded or environment file is a warning.
 *
 * @param indicators what was loaded
 * @param warnings problems that did not stop the run
 */
record LoadedIndicators(Indicators indicators, List<String> warnings) {

    static LoadedIndicators load(List<Path> options, UserEnvironment env) throws CliException {
        IndicatorSources.Resolution resolution;
        try {
            resolution = new IndicatorSources(env).resolve(options);
        } catch (IndicatorSourceException e) {
            throw new CliException(ExitCodes.BAD_INDICATORS, e.getMessage(), e);
        }
        Indicators.LoadResult result = Indicators.load(resolution.paths());
        List<String> warnings = new ArrayList<>(resolution.warnings());
        java.util.Set<Path> explicit = new java.util.HashSet<>();
        resolution.files().stream().filter(f -> f.origin() == IndicatorSources.Origin.OPTION)
                .forEach(f -> explicit.add(f.path()));
        for (Indicators.LoadError error : result.failures()) {
            if (explicit.contains(error.file())) {
                throw new CliException(ExitCodes.BAD_INDICATORS, error.message());
            }
            warnings.add(error.message());
        }
        return new LoadedIndicators(result.indicators(), warnings);
    }

    /** Loads exactly these files (no downloaded set, no VIGIL_IOCS); any error stops the command. */
    static LoadedIndicators loadFiles(List<Path> files) throws CliException {
        Indicators.LoadResult result = Indicators.load(files);
        if (!result.errors().isEmpty()) {
            throw new CliException(ExitCodes.BAD_INDICATORS, result.errors().get(0));
        }
        return new LoadedIndicators(result.indicators(), List.of());
    }

    /** "N indicators from M files (a, b)" or "none". */
    String describe() {
        List<IndicatorFileInfo> files = indicators.files();
        if (indicators.isEmpty()) {
            return files.isEmpty() ? "none loaded" : "none loaded (" + files.size() + " files, no usable indicator)";
        }
        List<String> names = new ArrayList<>();
        for (IndicatorFileInfo f : files) {
            names.add(Path.of(f.path()).getFileName().toString());
        }
        String list = names.size() <= 4 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
        return indicators.totalCount() + " from " + files.size() + " file" + (files.size() == 1 ? "" : "s")
                + " (" + list + ")";
    }
}
