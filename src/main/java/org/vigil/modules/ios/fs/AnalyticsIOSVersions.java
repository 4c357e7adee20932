package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.ioc.Indicators;
import org.vigil.ios.IosReleases;
import org.vigil.source.SourceKind;

/**
 * The iOS builds the phone ran, from the security analytics events
 * ({@code analytics_ios_versions}, MVT's {@code AnalyticsIOSVersions}).
 *
 * <p><b>Artifact</b>: the records of {@link Analytics} ({@value Analytics#GLOB}), a declared
 * dependency: the databases are read once, by {@code analytics}. When this module runs without
 * that outcome (used on its own, outside a run) it reads the databases itself. When
 * {@code analytics} could not read them, this module gets the same status and reason.
 *
 * <p><b>Records</b>: for each {@code build} value of the events, the earliest {@code isodate}
 * it appears at: {@code {isodate, build, version}}, {@code version} from Vigil's bundled iOS
 * release list ("" for an unknown build, as MVT). Sorted by {@code isodate}.
 *
 * <p><b>Flags</b>: none (context for an analyst: when each update was installed).
 *
 * <p><b>Timeline</b>: {@code analytics_ios_version} "Seen iOS version V (B)".
 */
public final class AnalyticsIOSVersions implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsIOSVersions.class);

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "analytics_ios_versions", "AnalyticsIOSVersions", Platform.IOS, Set.of(SourceKind.IOS_FS),
            List.of(Analytics.GLOB + " (through analytics)"), List.of(Analytics.DESCRIPTOR.slug()),
            "iOS builds seen in the security analytics events, with the date each was first seen");

    private final IosReleases releases;

    /** With the bundled iOS release list. */
    public AnalyticsIOSVersions() {
        this(IosReleases.bundled());
    }

    AnalyticsIOSVersions(IosReleases releases) {
        this.releases = releases;
    }

    /**
     * One build.
     *
     * @param isodate when it was first seen
     * @param build the build (e.g. {@code 18F72})
     * @param version its iOS version, "" when unknown
     */
    @JsonPropertyOrder({"isodate", "build", "version"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Build(
            @JsonProperty("isodate") String isodate,
            @JsonProperty("build") String build,
            @JsonProperty("version") String version) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<?> events = events(ctx);
        Map<String, String> first = new LinkedHashMap<>();
        for (Object o : events) {
            if (!(o instanceof Map<?, ?> r)) {
                continue;
            }
            if (!(r.get("build") instanceof String build) || build.isEmpty()) {
                continue;
            }
            if (!(r.get("isodate") instanceof String isodate) || isodate.isEmpty()) {
                continue;
            }
            first.merge(build, isodate, (a, b) -> b.compareTo(a) < 0 ? b : a);
        }
        List<Build> builds = new ArrayList<>();
        first.forEach((build, isodate) ->
                builds.add(new Build(isodate, build, releases.versionOfBuild(build).orElse(""))));
        builds.sort(Comparator.comparing(Build::isodate));

        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        for (Build b : builds) {
            LOG.info("iOS version {} ({}) first appeared on {}", b.version(), b.build(), b.isodate());
            out.record(b);
        }
        for (Build b : builds) {
            out.timeline(b.isodate(), "analytics_ios_version", "Seen iOS version " + b.version() + " (" + b.build() + ")");
        }
        return out.build();
    }

    /** The analytics records: the dependency's when it ran, else read here. */
    private static List<?> events(ModuleContext ctx) throws Exception {
        Optional<ModuleOutcome> dep = ctx.dependency(Analytics.DESCRIPTOR.slug());
        if (dep.isEmpty()) {
            LOG.debug("analytics did not run: reading the analytics databases");
            return Analytics.extract(ctx.source());
        }
        ModuleOutcome o = dep.get();
        if (o.status() == ModuleStatus.NOT_PRESENT) {
            throw new ArtifactNotFoundException(o.reason());
        }
        if (o.status() != ModuleStatus.CHECKED) {
            throw new CorruptArtifactException("analytics could not be read: " + o.reason());
        }
        if (o.results() instanceof List<?> l) {
            return l;
        }
        if (o.recordCount() == 0) {
            return List.of();
        }
        LOG.debug("analytics records were not kept in memory: reading the analytics databases");
        return Analytics.extract(ctx.source());
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of(); // no indicator checks (MVT has none either)
    }
}
