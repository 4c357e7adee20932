package org.vigil.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Relative path to SHA-256 of every regular file under a folder (test helper). */
final class TreeHash {
    private TreeHash() {}

    static Map<String, String> of(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                try {
                    byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
                    out.put(root.relativize(p).toString().replace('\\', '/'), HexFormat.of().formatHex(h));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
