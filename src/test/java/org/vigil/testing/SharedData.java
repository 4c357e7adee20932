package org.vigil.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared} (real sample acquisitions and public IOC files, never copied into the
 * repository). Tests that need it call {@link #require(String)}, which skips the test with a clear
 * reason when the data is absent.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared folder (may not exist). */
    public static Path root() {
        String prop = System.getProperty("vigil.shared");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        return p.toAbsolutePath().normalize();
    }

    /** A path under shared/, skipping the calling test when it does not exist. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), "shared test data not available: " + p
                + " (the real samples live in ../shared beside the repository)");
        return p;
    }

    /** The MVT sample iOS backup. */
    public static Path iosBackup() {
        return require("testdata/mvt-artifacts/ios_backup");
    }

    /** MVT's generated test indicators (9 indicators). */
    public static Path generatedIocs() {
        return require("testdata/mvt-artifacts/stix2/generated-test-iocs.stix2");
    }
}
