package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.testing.SharedData;

/** Running the modules on the real sample backup changes no byte and creates no file in it. */
class EvidenceUntouchedTest {

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                try {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    hashes.put(root.relativize(p).toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return hashes;
    }

    @Test
    void sampleBackupIsUnchangedAfterTheModulesRun() throws Exception {
        Path backup = SharedData.iosBackup();
        Map<String, String> before = snapshot(backup);
        for (Module m : new Module[] {new Sms(), new SafariHistory(), new Datausage()}) {
            try {
                Fixtures.run(m, Fixtures.sampleBackup());
            } catch (ArtifactNotFoundException e) {
                // SafariHistory: History.db is listed but absent
            }
        }
        assertThat(snapshot(backup)).isEqualTo(before);
    }
}
