package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.io.Hashing;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

/** The plist-based modules leave the real sample backup byte-for-byte unchanged, with no new file. */
class PlistModulesEvidenceUntouchedTest {

    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                hashes.put(root.relativize(p).toString(), Hashing.sha256Hex(p));
            }
        }
        return hashes;
    }

    @Test
    void sampleBackupIsUnchanged() throws Exception {
        Path backup = SharedData.iosBackup();
        Map<String, String> before = snapshot(backup);
        for (Module m : new Module[] {new GlobalPreferences(), new SafariBrowserState(), new Shortcuts(),
                new WebkitSessionResourceLog()}) {
            try {
                Fixtures.run(m, Fixtures.sampleBackup());
            } catch (ArtifactNotFoundException e) {
                // Shortcuts: listed but absent; WebkitSessionResourceLog: not in the sample
            }
        }
        Fixtures.run(new Applications(), new FakeSource(SourceKind.IOS_BACKUP, backup));
        assertThat(snapshot(backup)).isEqualTo(before);
    }
}
