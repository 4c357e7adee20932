package org.vigil.report.folder;

import java.nio.file.Path;

/** Lets tests of other packages build the MVT-shaped folder of {@link FolderReaderTest}. */
public final class FolderReaderTestAccess {
    private FolderReaderTestAccess() {}

    /** Writes an MVT results folder into {@code dir}. */
    public static Path mvtFolder(Path dir) throws Exception {
        return FolderReaderTest.mvtFolder(dir);
    }
}
