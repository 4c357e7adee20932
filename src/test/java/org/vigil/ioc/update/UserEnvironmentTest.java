package org.vigil.ioc.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserEnvironmentTest {
    private static final Path HOME = Path.of("/home/ana");

    private static Path dataDir(Map<String, String> env, String os) {
        return new UserEnvironment(env, HOME, os).dataDirectory();
    }

    @Test
    void linuxUsesLocalShareWithoutXdg() {
        assertThat(dataDir(Map.of(), "Linux")).isEqualTo(Path.of("/home/ana/.local/share/vigil"));
    }

    @Test
    void linuxUsesXdgDataHomeWhenAbsolute() {
        assertThat(dataDir(Map.of("XDG_DATA_HOME", "/data/xdg"), "Linux"))
                .isEqualTo(Path.of("/data/xdg/vigil"));
    }

    @Test
    void linuxIgnoresRelativeOrBlankXdgDataHome() {
        assertThat(dataDir(Map.of("XDG_DATA_HOME", "relative/dir"), "Linux"))
                .isEqualTo(Path.of("/home/ana/.local/share/vigil"));
        assertThat(dataDir(Map.of("XDG_DATA_HOME", "  "), "Linux"))
                .isEqualTo(Path.of("/home/ana/.local/share/vigil"));
    }

    @Test
    void macOsUsesApplicationSupport() {
        assertThat(dataDir(Map.of("XDG_DATA_HOME", "/data/xdg"), "Mac OS X"))
                .isEqualTo(Path.of("/home/ana/Library/Application Support/Vigil"));
    }

    @Test
    void windowsUsesAppData() {
        assertThat(dataDir(Map.of("APPDATA", "/c/Users/ana/AppData/Roaming"), "Windows 11"))
                .isEqualTo(Path.of("/c/Users/ana/AppData/Roaming/Vigil"));
        assertThat(dataDir(Map.of(), "Windows 10"))
                .isEqualTo(Path.of("/home/ana/AppData/Roaming/Vigil"));
    }

    @Test
    void vigilDataDirOverridesEveryOs() {
        for (String os : new String[] {"Linux", "Mac OS X", "Windows 11", "FreeBSD"}) {
            assertThat(dataDir(Map.of("VIGIL_DATA_DIR", "/srv/vigil", "APPDATA", "/x",
                    "XDG_DATA_HOME", "/y"), os)).isEqualTo(Path.of("/srv/vigil"));
        }
    }

    @Test
    void otherUnixFollowsXdg() {
        assertThat(dataDir(Map.of(), "FreeBSD")).isEqualTo(Path.of("/home/ana/.local/share/vigil"));
        assertThat(dataDir(Map.of(), null)).isEqualTo(Path.of("/home/ana/.local/share/vigil"));
    }

    @Test
    void getTreatsBlankAsUnset() {
        UserEnvironment env = new UserEnvironment(Map.of("A", " ", "B", "x"), HOME, "Linux");
        assertThat(env.get("A")).isEmpty();
        assertThat(env.get("B")).contains("x");
        assertThat(env.get("C")).isEmpty();
    }
}
