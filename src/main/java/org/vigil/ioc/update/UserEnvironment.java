package org.vigil.ioc.update;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of the user's environment that locate indicator files: environment variables, the home
 * folder and the operating system name. Injected so tests never read the real environment.
 *
 * @param env environment variables
 * @param home the user's home folder
 * @param osName the {@code os.name} system property (e.g. {@code Linux}, {@code Mac OS X},
 *     {@code Windows 11})
 */
public record UserEnvironment(Map<String, String> env, Path home, String osName) {

    /** Overrides the data directory. */
    public static final String DATA_DIR_VARIABLE = "VIGIL_DATA_DIR";
    /** Extra indicator files or folders, separated by {@link java.io.File#pathSeparator}. */
    public static final String IOCS_VARIABLE = "VIGIL_IOCS";

    public UserEnvironment {
        env = Map.copyOf(env);
        Objects.requireNonNull(home, "home");
        osName = osName == null ? "" : osName;
    }

    /** The real environment of this process (for the CLI only; tests build their own). */
    public static UserEnvironment system() {
        return new UserEnvironment(System.getenv(), Path.of(System.getProperty("user.home")),
                System.getProperty("os.name"));
    }

    /** A variable's value when it is set and not blank. */
    public Optional<String> get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    /**
     * The data directory: {@code VIGIL_DATA_DIR} when set; otherwise on Windows
     * {@code %APPDATA%\Vigil} (or {@code <home>\AppData\Roaming\Vigil}), on macOS
     * {@code ~/Library/Application Support/Vigil}, elsewhere {@code $XDG_DATA_HOME/vigil} when that
     * is an absolute path (XDG spec), else {@code ~/.local/share/vigil}.
     */
    public Path dataDirectory() {
        Optional<String> override = get(DATA_DIR_VARIABLE);
        if (override.isPresent()) {
            return Path.of(override.get());
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return get("APPDATA").map(Path::of)
                    .orElseGet(() -> home.resolve("AppData").resolve("Roaming"))
                    .resolve("Vigil");
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return home.resolve("Library").resolve("Application Support").resolve("Vigil");
        }
        return get("XDG_DATA_HOME").map(Path::of).filter(Path::isAbsolute)
                .orElseGet(() -> home.resolve(".local").resolve("share"))
                .resolve("vigil");
    }
}
