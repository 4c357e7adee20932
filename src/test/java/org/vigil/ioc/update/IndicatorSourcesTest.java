package org.vigil.ioc.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.ioc.update.IndicatorSources.Origin;
import org.vigil.ioc.update.IndicatorSources.Resolution;
import org.vigil.ioc.update.IndicatorSources.SourceFile;

class IndicatorSourcesTest {
    @TempDir
    Path tmp;

    Path data;
    Path home;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        home = Files.createDirectories(tmp.resolve("home"));
        env = new HashMap<>();
        env.put("VIGIL_DATA_DIR", data.toString());
    }

    private IndicatorSources sources() {
        return new IndicatorSources(new UserEnvironment(env, home, "Linux"));
    }

    private static Path file(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, "{\"type\":\"bundle\",\"objects\":[]}");
        return p;
    }

    private List<String> rel(Resolution r) {
        return r.files().stream().map(f -> tmp.relativize(f.path()).toString().replace('\\', '/'))
                .toList();
    }

    @Test
    void ordersOptionsThenDownloadedThenEnvironment() throws Exception {
        Path opt = file(tmp.resolve("opt/cli.txt"));
        file(data.resolve("indicators/b.stix2"));
        file(data.resolve("indicators/A.STIX2"));
        file(data.resolve("indicators/notes.json"));
        file(data.resolve("indicators/sub/deep.stix2"));
        Path envFile = file(tmp.resolve("env/e.stix2"));
        env.put("VIGIL_IOCS", envFile.toString());

        Resolution r = sources().resolve(List.of(opt));

        assertThat(rel(r)).containsExactly("opt/cli.txt", "data/indicators/A.STIX2",
                "data/indicators/b.stix2", "env/e.stix2");
        assertThat(r.files()).extracting(SourceFile::origin).containsExactly(Origin.OPTION,
                Origin.DOWNLOADED, Origin.DOWNLOADED, Origin.ENVIRONMENT);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.paths()).allMatch(Path::isAbsolute);
    }

    @Test
    void searchesFoldersRecursivelyInNameOrder() throws Exception {
        Path dir = tmp.resolve("iocs");
        file(dir.resolve("b.stix2"));
        file(dir.resolve("a.JSON"));
        file(dir.resolve("readme.txt"));
        file(dir.resolve("z/x.Stix2"));
        file(dir.resolve("c/deeper/y.json"));
        file(dir.resolve("c/deeper/y.yaml"));
        file(dir.resolve("c.stix2"));

        Resolution r = sources().resolve(List.of(dir));

        // depth first, entries of each folder by name: "c" sorts before "c.stix2"
        assertThat(rel(r)).containsExactly("iocs/a.JSON", "iocs/b.stix2",
                "iocs/c/deeper/y.json", "iocs/c.stix2", "iocs/z/x.Stix2");
        assertThat(r.files()).allMatch(f -> f.origin() == Origin.OPTION);
    }

    @Test
    void dropsRepeatsByRealPathKeepingTheFirst() throws Exception {
        Path dir = tmp.resolve("iocs");
        Path a = file(dir.resolve("a.stix2"));
        Path downloaded = file(data.resolve("indicators/d.stix2"));
        Files.createSymbolicLink(tmp.resolve("alias.stix2"), a);
        env.put("VIGIL_IOCS", String.join(File.pathSeparator, a.toString(), dir.toString(),
                downloaded.toString(), tmp.resolve("iocs/../iocs/a.stix2").toString()));

        Resolution r = sources().resolve(List.of(a, tmp.resolve("alias.stix2"), dir,
                tmp.resolve("./iocs/a.stix2")));

        assertThat(rel(r)).containsExactly("iocs/a.stix2", "data/indicators/d.stix2");
        assertThat(r.files()).extracting(SourceFile::origin)
                .containsExactly(Origin.OPTION, Origin.DOWNLOADED);
    }

    @Test
    void missingOptionPathIsAnErrorNamingIt() throws Exception {
        Path missing = tmp.resolve("nope/iocs.stix2");
        assertThatThrownBy(() -> sources().resolve(List.of(missing)))
                .isInstanceOf(IndicatorSourceException.class)
                .hasMessage("No indicators file or folder exists at path " + missing);
    }

    @Test
    void environmentListIsSplitAndBadEntriesAreWarnings() throws Exception {
        Path one = file(tmp.resolve("one.stix2"));
        Path dir = tmp.resolve("envdir");
        file(dir.resolve("two.json"));
        file(dir.resolve("skip.txt"));
        Path missing = tmp.resolve("missing.stix2");
        env.put("VIGIL_IOCS", File.pathSeparator + one + File.pathSeparator + File.pathSeparator
                + missing + File.pathSeparator + " " + dir + " ");

        Resolution r = sources().resolve(List.of());

        assertThat(rel(r)).containsExactly("one.stix2", "envdir/two.json");
        assertThat(r.files()).allMatch(f -> f.origin() == Origin.ENVIRONMENT);
        assertThat(r.warnings()).containsExactly("VIGIL_IOCS entry does not exist: " + missing);
    }

    @Test
    void nothingWhenNoSourceExists() throws Exception {
        Resolution r = sources().resolve(List.of());
        assertThat(r.files()).isEmpty();
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void downloadedSetIsNotRecursiveAndSkipsTheIndex() throws Exception {
        file(data.resolve("indicators/index.json"));
        file(data.resolve("indicators/x.stix2"));
        file(data.resolve("indicators/sub/y.stix2"));
        file(data.resolve("indicators/.vigil-123.tmp"));
        // pointing VIGIL_IOCS at the download folder must not pick index.json either
        env.put("VIGIL_IOCS", data.resolve("indicators").toString());

        Resolution r = sources().resolve(List.of());

        assertThat(rel(r)).containsExactly("data/indicators/x.stix2",
                "data/indicators/sub/y.stix2");
        assertThat(r.files()).extracting(SourceFile::origin)
                .containsExactly(Origin.DOWNLOADED, Origin.ENVIRONMENT);
    }

    @Test
    void symlinksOutOfTheFolderAreNotFollowed() throws Exception {
        Path outside = file(tmp.resolve("outside/secret.stix2"));
        file(tmp.resolve("outside/more/other.stix2"));
        Path dir = tmp.resolve("iocs");
        file(dir.resolve("real.stix2"));
        Files.createSymbolicLink(dir.resolve("link-out.stix2"), outside);
        Files.createSymbolicLink(dir.resolve("linkdir"), tmp.resolve("outside/more"));
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/inside.stix2"), dir.resolve("real.stix2"));
        Files.createSymbolicLink(dir.resolve("sub/inside2.json"), dir.resolve("other.json"));
        file(dir.resolve("other.json"));

        Resolution r = sources().resolve(List.of(dir));

        assertThat(rel(r)).containsExactly("iocs/other.json", "iocs/real.stix2");
        assertThat(r.warnings()).containsExactly(
                "Skipping symlink pointing outside the searched folder: "
                        + dir.resolve("link-out.stix2") + " -> " + outside.toRealPath());
    }

    @Test
    void aFileOptionIsTakenWhateverItsExtension() throws Exception {
        Path odd = file(tmp.resolve("indicators.dat"));
        Resolution r = sources().resolve(List.of(odd));
        assertThat(r.paths()).containsExactly(odd);
    }
}
