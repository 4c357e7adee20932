package org.vigil.source.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgeIdentitiesTest {
    @TempDir
    Path tmp;

    @Test
    void readsAgeKeygenFilesWithComments() throws Exception {
        AgeFixtures.Key k = AgeFixtures.newKey();
        AgeIdentities ids = AgeIdentities.read(AgeFixtures.identityFile(tmp.resolve("key.txt"), k));
        assertThat(ids.size()).isEqualTo(1);
        assertThat(ids.file()).isEqualTo(tmp.resolve("key.txt").toAbsolutePath());
    }

    @Test
    void malformedFilesNameTheFileAndLineButNotTheKey() throws Exception {
        AgeFixtures.Key k = AgeFixtures.newKey();
        String broken = k.identity().substring(0, k.identity().length() - 3) + "QQQ";
        Path bad = Files.writeString(tmp.resolve("bad.txt"), "# comment\n" + broken + "\n");
        assertThatThrownBy(() -> AgeIdentities.read(bad)).isInstanceOf(AgeIdentityException.class)
                .hasMessageContaining("bad.txt, line 2").hasMessageContaining("malformed age identity")
                .hasMessageNotContaining(broken);
        Path recipient = Files.writeString(tmp.resolve("pub.txt"), k.recipient() + "\n");
        assertThatThrownBy(() -> AgeIdentities.read(recipient)).hasMessageContaining("line 1")
                .hasMessageContaining("not an age identity");
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "# only a comment\n\n");
        assertThatThrownBy(() -> AgeIdentities.read(empty)).hasMessageContaining("no age identity");
        Path plugin = Files.writeString(tmp.resolve("plugin.txt"), "AGE-PLUGIN-YUBIKEY-1ABCDEF\n");
        assertThatThrownBy(() -> AgeIdentities.read(plugin)).hasMessageContaining("plugin identities are not supported");
        Path encrypted = Files.writeString(tmp.resolve("enc.txt"), "age-encryption.org/v1\n-> scrypt x 10\n");
        assertThatThrownBy(() -> AgeIdentities.read(encrypted)).hasMessageContaining("passphrase-protected");
        Path binary = Files.write(tmp.resolve("bin.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> AgeIdentities.read(binary)).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> AgeIdentities.read(tmp.resolve("missing.txt")))
                .hasMessageContaining("no such age identity file");
    }
}
