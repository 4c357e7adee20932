package org.vigil.ios;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Known iOS releases (build and version, oldest first) and iPhone models (identifier and name).
 *
 * <p>The bundled lists ({@link #bundled()}) are the resources {@code org/vigil/ios/ios_versions.json}
 * ({@code [{"build", "version"}]}) and {@code ios_models.json} ({@code [{"identifier",
 * "description"}]}); see docs/data-sources.md. The latest release is the last entry of the version
 * list, as in MVT. Immutable and thread-safe.
 */
public final class IosReleases {
    /** One iOS release. */
    public record Release(String build, String version) {
        public Release {
            Objects.requireNonNull(build, "build");
            Objects.requireNonNull(version, "version");
        }
    }

    /** One device model: its identifier (Product Type, e.g. {@code iPhone9,3}) and its name. */
    public record Model(String identifier, String description) {
        public Model {
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(description, "description");
        }
    }

    static final String VERSIONS_RESOURCE = "ios_versions.json";
    static final String MODELS_RESOURCE = "ios_models.json";

    private final List<Release> releases;
    private final List<Model> models;

    private IosReleases(List<Release> releases, List<Model> models) {
        if (releases.isEmpty()) {
            throw new IllegalArgumentException("no iOS release known");
        }
        this.releases = List.copyOf(releases);
        this.models = List.copyOf(models);
    }

    /** Lists given by the caller (oldest release first; the last one is the latest). */
    public static IosReleases of(List<Release> releases, List<Model> models) {
        return new IosReleases(releases, models);
    }

    /** The lists bundled with Vigil (read once; immutable). */
    public static IosReleases bundled() {
        return Bundled.INSTANCE;
    }

    /** Lazy holder: immutable data, loaded on first use. */
    private static final class Bundled {
        static final IosReleases INSTANCE = new IosReleases(
                read(VERSIONS_RESOURCE, new TypeReference<List<Release>>() { }),
                read(MODELS_RESOURCE, new TypeReference<List<Model>>() { }));

        private static <T> T read(String name, TypeReference<T> type) {
            ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            try (InputStream in = IosReleases.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource org/vigil/ios/" + name);
                }
                return mapper.readValue(in, type);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable resource org/vigil/ios/" + name, e);
            }
        }
    }

    /** All releases, oldest first. */
    public List<Release> releases() {
        return releases;
    }

    /** All models. */
    public List<Model> models() {
        return models;
    }

    /** The latest known release (the last entry). */
    public Release latest() {
        return releases.get(releases.size() - 1);
    }

    /** The version of a build (case-insensitive; first entry wins), if known. */
    public Optional<String> versionOfBuild(String build) {
        if (build == null) {
            return Optional.empty();
        }
        String wanted = build.toUpperCase(Locale.ROOT);
        for (Release r : releases) {
            if (r.build().equals(wanted)) {
                return Optional.of(r.version());
            }
        }
        return Optional.empty();
    }

    /** The name of a model identifier (exact match; first entry wins), e.g. "iPhone 7" for iPhone9,3. */
    public Optional<String> modelDescription(String identifier) {
        if (identifier == null) {
            return Optional.empty();
        }
        for (Model m : models) {
            if (m.identifier().equals(identifier)) {
                return Optional.of(m.description());
            }
        }
        return Optional.empty();
    }

    /**
     * The version meant by {@code buildOrVersion}: a string with a dot is a version and is returned
     * as it is; otherwise it is a build, looked up (empty when unknown).
     */
    public Optional<String> resolveVersion(String buildOrVersion) {
        if (buildOrVersion == null || buildOrVersion.isEmpty()) {
            return Optional.empty();
        }
        return buildOrVersion.contains(".") ? Optional.of(buildOrVersion) : versionOfBuild(buildOrVersion);
    }

    /**
     * True when {@code buildOrVersion} is certainly older than the latest known release. A build is
     * first turned into its version; an unknown build or an unparsable version gives false. Versions
     * compare numerically, missing parts counting as 0 ("18" equals "18.0").
     */
    public boolean isOutdated(String buildOrVersion) {
        Optional<String> version = resolveVersion(buildOrVersion);
        if (version.isEmpty()) {
            return false;
        }
        try {
            return compareVersions(version.get(), latest().version()) < 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Compares two dotted numeric versions part by part ("16.3" &lt; "16.10"); missing parts are 0.
     *
     * @throws IllegalArgumentException when either is not digits separated by dots
     */
    public static int compareVersions(String a, String b) {
        List<Long> x = parse(a);
        List<Long> y = parse(b);
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            long p = i < x.size() ? x.get(i) : 0;
            long q = i < y.size() ? y.get(i) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static List<Long> parse(String v) {
        if (v == null || !v.matches("[0-9]{1,9}(\\.[0-9]{1,9})*")) {
            throw new IllegalArgumentException("not a version: " + v);
        }
        List<Long> parts = new ArrayList<>();
        for (String p : v.split("\\.")) {
            parts.add(Long.parseLong(p));
        }
        return parts;
    }
}
