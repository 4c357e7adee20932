package org.vigil.source.android;

import com.exceptionfactory.jagged.DecryptingChannelFactory;
import com.exceptionfactory.jagged.UnsupportedRecipientStanzaException;
import com.exceptionfactory.jagged.framework.armor.ArmoredDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.VigilException;
import org.vigil.core.WrongPasswordException;

/**
 * An androidqf acquisition encrypted with age ({@code <UUID>.zip.age}): androidqf streams its zip
 * through age, encrypted to every X25519 recipient of its {@code key.txt}; the analyst holds the
 * matching identity ({@code AGE-SECRET-KEY-1...}).
 *
 * <p><b>Nothing decrypted is written to disk.</b> age encrypts its payload as a STREAM of 64 KiB
 * ChaCha20-Poly1305 chunks, and the age library used (jagged) decrypts it as a stream only (no
 * seeking), so the zip inside is read once, from start to end, with {@link MemoryZip}: every entry's
 * content is kept in memory within a cap ({@link #defaultMemoryCap()}), APKs excepted, and the
 * androidqf modules then read it from memory through {@link AndroidQfSource}. The whole payload is
 * read and authenticated before any module runs, so a truncated or tampered file fails as a whole
 * ({@link CorruptArtifactException}) instead of giving a partial check. Entries that do not fit
 * stay listed and make the modules needing them {@code unreadable}, with the reason.
 *
 * <p>Both the binary format and the ASCII-armored one ({@code -----BEGIN AGE ENCRYPTED FILE-----})
 * are read.
 */
public final class AgeAcquisition {
    private static final Logger LOG = LoggerFactory.getLogger(AgeAcquisition.class);

    /** First line of a binary age file. */
    public static final String MAGIC = "age-encryption.org/v1\n";
    /** First line of an armored age file. */
    public static final String ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----";
    /** Ceiling of the default in-memory cap: 1 GiB. */
    public static final long MAX_DEFAULT_MEMORY_CAP = 1L << 30;
    private static final int MAX_HEADER_LINES = 1024;

    private AgeAcquisition() {}

    /** True when {@code path} is a regular file starting like an age file (binary or armored). */
    public static boolean isAge(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            head = in.readNBytes(ARMOR.length() + 2);
        }
        String s = new String(head, StandardCharsets.ISO_8859_1);
        return s.startsWith(MAGIC) || s.stripLeading().startsWith(ARMOR);
    }

    /**
     * The default cap on the decrypted bytes kept in memory: a third of the JVM's maximum heap (the
     * peak is below twice the cap, see {@link MemoryZip}), at most {@value #MAX_DEFAULT_MEMORY_CAP}
     * bytes. The {@code vigil} launcher's 768 MiB heap gives 256 MiB; raise {@code -Xmx} through
     * {@code VIGIL_JAVA_OPTS} to keep more.
     */
    public static long defaultMemoryCap() {
        return Math.min(MAX_DEFAULT_MEMORY_CAP, Runtime.getRuntime().maxMemory() / 3);
    }

    /** Opens the acquisition with the default memory cap. */
    public static AndroidQfSource open(Path file, AgeIdentities identities) throws VigilException, IOException {
        return open(file, identities, defaultMemoryCap());
    }

    /**
     * Decrypts {@code file} in memory and opens the androidqf zip inside.
     *
     * @throws WrongPasswordException when no identity matches the file's X25519 recipients
     * @throws UnsupportedSchemaException when the file has no X25519 recipient (passphrase, plugin)
     * @throws CorruptArtifactException when the age header or payload is truncated or corrupt, or the
     *     decrypted content is not a complete zip archive
     */
    public static AndroidQfSource open(Path file, AgeIdentities identities, long memoryCap)
            throws VigilException, IOException {
        Path p = file.toAbsolutePath().normalize();
        MemoryZip zip = decrypt(p, identities, memoryCap);
        LOG.info("Decrypted {} in memory: {} zip entries, {} bytes kept, {} not kept", p, zip.entries().size(),
                zip.keptBytes(), zip.unavailable().size());
        return AndroidQfSource.openInMemory(p, zip);
    }

    /** Decrypts {@code file} and reads the zip inside into memory (see the class comment). */
    public static MemoryZip decrypt(Path file, AgeIdentities identities, long memoryCap)
            throws VigilException, IOException {
        boolean armored;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            armored = !new String(in.readNBytes(MAGIC.length()), StandardCharsets.ISO_8859_1).equals(MAGIC);
        }
        DecryptingChannelFactory factory = armored ? new ArmoredDecryptingChannelFactory()
                : new StandardDecryptingChannelFactory();
        try (FileChannel raw = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ReadableByteChannel plain;
            try {
                plain = factory.newDecryptingChannel(raw, identities.readers());
            } catch (UnsupportedRecipientStanzaException e) {
                Set<String> types = stanzaTypes(file);
                if (!armored && !types.isEmpty() && !types.contains("X25519")) {
                    throw new UnsupportedSchemaException(file + ": the age file is encrypted to " + types
                            + " recipients; only X25519 identities (AGE-SECRET-KEY-1...) are supported", e);
                }
                throw new WrongPasswordException(file + ": none of the " + identities.size() + " age identities in "
                        + identities.file() + " can decrypt this acquisition (wrong identity)", e);
            } catch (GeneralSecurityException e) {
                throw new CorruptArtifactException(file + ": the age header is truncated or corrupt (" + e.getMessage()
                        + ")", e);
            } catch (IOException e) {
                throw new CorruptArtifactException(file + ": the age header is truncated or corrupt ("
                        + e.getMessage() + ")", e);
            }
            try (InputStream in = new BufferedInputStream(Channels.newInputStream(plain), 256 * 1024)) {
                return MemoryZip.read(in, file + " (decrypted)", memoryCap, MemoryZip.DEFAULT_MAX_TOTAL_BYTES);
            } catch (com.exceptionfactory.jagged.PayloadException e) {
                throw new CorruptArtifactException(file + ": the age payload is truncated or corrupt ("
                        + e.getMessage() + "): nothing was checked", e);
            } catch (IOException e) {
                if (isPayloadFailure(e)) {
                    throw new CorruptArtifactException(file + ": the age payload is truncated or corrupt ("
                            + e.getMessage() + "): nothing was checked", e);
                }
                throw e;
            }
        }
    }

    /**
     * The bug report zip {@code ref} of an in-memory androidqf source (an age-encrypted
     * acquisition), opened from memory as a stream ({@link BugreportSource#openStreamed}); nothing
     * is written to disk.
     *
     * @throws CorruptArtifactException when it is not a readable zip
     * @throws IOException when its content is not held (over the memory cap)
     */
    public static BugreportSource openNestedBugreport(AndroidQfSource qf, org.vigil.source.ArtifactRef ref)
            throws CorruptArtifactException, IOException {
        Path name = Path.of(qf.root() + "!" + ref.id());
        return BugreportSource.openStreamed(name, StreamedZip.list(() -> qf.open(ref), name.toString()));
    }

    private static boolean isPayloadFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.exceptionfactory.jagged.PayloadException) {
                return true;
            }
        }
        return false;
    }

    /** The recipient stanza types ({@code X25519}, {@code scrypt}, ...) in a binary age header. */
    static Set<String> stanzaTypes(Path file) throws IOException {
        Set<String> types = new LinkedHashSet<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS))) {
            List<String> lines = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            int c;
            while (lines.size() < MAX_HEADER_LINES && (c = in.read()) >= 0) {
                if (c == '\n') {
                    String line = sb.toString();
                    if (line.startsWith("---")) {
                        break;
                    }
                    lines.add(line);
                    sb.setLength(0);
                } else if (sb.length() < 256) {
                    sb.append((char) c);
                }
            }
            for (String line : lines) {
                if (line.startsWith("-> ")) {
                    String[] parts = line.substring(3).split(" ");
                    types.add(parts[0]);
                }
            }
        }
        return types;
    }
}
