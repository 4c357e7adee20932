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
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.testing.SharedData;

/**
 * Running Calls, Contacts, Calendar, TCC, SMSAttachments and WebkitResourceLoadStatistics on the
 * real sample backup changes no byte and creates no file in it.
 */
class EvidenceUntouchedByRecordModulesTest {

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
        int ran = 0;
        for (Module m : new Module[] {new Calls(), new Contacts(), new Calendar(), new Tcc(), new SmsAttachments(),
                new WebkitResourceLoadStatistics()}) {
            try {
                Fixtures.run(m, Fixtures.sampleBackup());
                ran++;
            } catch (ArtifactNotFoundException | UnsupportedSchemaException e) {
                // Calls, Contacts: listed but absent; SMSAttachments: the sample sms.db has no attachment table
            }
        }
        assertThat(ran).isEqualTo(3);
        assertThat(snapshot(backup)).isEqualTo(before);
    }
}
