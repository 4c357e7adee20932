package org.vigil.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hex digests of strings, bytes, streams and files (lower-case hex). */
public final class Hashing {
    private static final HexFormat HEX = HexFormat.of();

    private Hashing() {}

    /** SHA-1 of the UTF-8 bytes of {@code text}. */
    public static String sha1Hex(String text) {
        return sha1Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-1 of {@code bytes}. */
    public static String sha1Hex(byte[] bytes) {
        return HEX.formatHex(digest("SHA-1").digest(bytes));
    }

    /** SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(digest("SHA-256").digest(bytes));
    }

    /** SHA-256 of a file's content, streamed. */
    public static String sha256Hex(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256Hex(in);
        }
    }

    /** SHA-256 of what remains in {@code in} (not closed). */
    public static String sha256Hex(InputStream in) throws IOException {
        MessageDigest md = digest("SHA-256");
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HEX.formatHex(md.digest());
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by the Java platform", e);
        }
    }
}
