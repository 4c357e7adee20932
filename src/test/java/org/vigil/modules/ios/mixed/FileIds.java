package org.vigil.modules.ios.mixed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Backup fileIDs as iOS computes them: SHA-1 of {@code "<domain>-<relativePath>"}. */
final class FileIds {
    private FileIds() {}

    static String of(String domain, String relativePath) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(md.digest((domain + "-" + relativePath).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
