package org.vigil.modules.ios.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.ios.backup.BackupInfoTest.context;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vigil.core.ModuleResult;
import org.vigil.io.Hashing;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceDetector;
import org.vigil.source.iosbackup.IosBackupSource;
import org.vigil.testing.SharedData;

/** Opening the sample backup and running both modules changes nothing in it. */
class EvidenceUntouchedTest {

    /** Every entry under {@code root}: relative path, and for files size, mtime and SHA-256. */
    private static List<String> snapshot(Path root) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    lines.add(rel + " " + Files.size(p) + " " + Files.getLastModifiedTime(p) + " "
                            + Hashing.sha256Hex(p));
                } else {
                    lines.add(rel + "/ " + Files.getLastModifiedTime(p));
                }
            }
        }
        return lines;
    }

    @Test
    void sampleBackupIsUnchangedAfterARun() throws Exception {
        Path sample = SharedData.iosBackup();
        List<String> before = snapshot(sample);
        assertThat(before).hasSize(24); // root + 10 folders + 13 files

        try (IosBackupSource src = (IosBackupSource) SourceDetector.standard().open(sample)) {
            ModuleResult info = new BackupInfo().run(context(src, Indicators.empty()));
            ModuleResult manifest = new Manifest().run(context(src, Indicators.empty()));
            assertThat(((java.util.Map<?, ?>) info.results()).get("Build Version")).isEqualTo("18C66");
            assertThat((List<?>) manifest.results()).hasSize(3721);
            for (ArtifactRef ref : src.find(ArtifactPattern.of("HomeDomain", "Library/*"))) {
                if (src.hasContent(ref)) {
                    try (InputStream in = src.open(ref)) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
            }
            src.inputFiles();
        }

        assertThat(snapshot(sample)).containsExactlyElementsOf(before);
    }
}
