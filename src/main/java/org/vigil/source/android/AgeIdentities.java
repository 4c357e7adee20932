package org.vigil.source.android;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The X25519 identities of an age identity file, as {@code age-keygen} writes it: one
 * {@code AGE-SECRET-KEY-1...} per line; empty lines and lines starting with {@code #} (such as
 * {@code # public key: age1...}) are ignored. Plugin identities ({@code AGE-PLUGIN-...}) and
 * passphrase-encrypted identity files are not supported. Error messages name the file and the line
 * number, never the key.
 */
public final class AgeIdentities {
    /** Prefix of an X25519 identity (Bech32, upper case). */
    public static final String PREFIX = "AGE-SECRET-KEY-1";
    /** Largest identity file read. */
    static final int MAX_BYTES = 1 << 20;

    private final Path file;
    private final List<RecipientStanzaReader> readers;

    private AgeIdentities(Path file, List<RecipientStanzaReader> readers) {
        this.file = file;
        this.readers = List.copyOf(readers);
    }

    /**
     * Reads the identity file.
     *
     * @throws AgeIdentityException when the file is missing, too big, not text, has a line that is
     *     not an X25519 identity, or holds no identity
     */
    public static AgeIdentities read(Path file) throws AgeIdentityException {
        Path f = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(f)) {
            throw new AgeIdentityException(f + ": no such age identity file");
        }
        String text;
        try {
            if (Files.size(f) > MAX_BYTES) {
                throw new AgeIdentityException(f + ": not an age identity file (larger than " + MAX_BYTES + " bytes)");
            }
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(f))).toString();
        } catch (CharacterCodingException e) {
            throw new AgeIdentityException(f + ": not an age identity file (not UTF-8 text)", e);
        } catch (IOException e) {
            throw new AgeIdentityException(f + ": cannot read the age identity file (" + e.getMessage() + ")", e);
        }
        if (text.startsWith("age-encryption.org/") || text.startsWith("-----BEGIN AGE ENCRYPTED FILE-----")) {
            throw new AgeIdentityException(f + ": the identity file is itself age-encrypted (passphrase-protected);"
                    + " decrypt it first with age -d");
        }
        List<RecipientStanzaReader> readers = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = f + ", line " + (i + 1);
            if (line.toUpperCase(Locale.ROOT).startsWith("AGE-PLUGIN-")) {
                throw new AgeIdentityException(where + ": age plugin identities are not supported (only X25519"
                        + " AGE-SECRET-KEY-1... identities)");
            }
            if (!line.toUpperCase(Locale.ROOT).startsWith(PREFIX)) {
                throw new AgeIdentityException(where + ": not an age identity (expected a line starting with "
                        + PREFIX + ", or a # comment)");
            }
            // Bech32 is case-insensitive when not mixed; age writes identities in upper case
            String key = line.equals(line.toLowerCase(Locale.ROOT)) ? line.toUpperCase(Locale.ROOT) : line;
            try {
                readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(key));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new AgeIdentityException(where + ": malformed age identity (" + e.getMessage() + ")", e);
            }
        }
        if (readers.isEmpty()) {
            throw new AgeIdentityException(f + ": no age identity in the file (expected a line starting with "
                    + PREFIX + ")");
        }
        return new AgeIdentities(f, readers);
    }

    /** The identity file. */
    public Path file() {
        return file;
    }

    /** How many identities the file holds. */
    public int size() {
        return readers.size();
    }

    List<RecipientStanzaReader> readers() {
        return readers;
    }
}
