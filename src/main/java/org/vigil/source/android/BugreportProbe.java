package org.vigil.source.android;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;

/**
 * Recognises Android bug reports: a folder or a zip holding, at its root, {@code main_entry.txt},
 * a {@code dumpstate*.txt} or a {@code dumpState_*.log}. Other files and folders are not its.
 */
public final class BugreportProbe implements SourceDetector.Probe {
    private static final int MAX_LISTED = 100_000;

    @Override
    public Optional<SourceKind> detect(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
                int n = 0;
                for (Path p : ds) {
                    if (n++ > MAX_LISTED) {
                        break;
                    }
                    if (Files.isRegularFile(p) && isMarker(p.getFileName().toString())) {
                        return Optional.of(SourceKind.ANDROID_BUGREPORT);
                    }
                }
            }
            return Optional.empty();
        }
        if (!Files.isRegularFile(path) || !looksLikeZip(path)) {
            return Optional.empty();
        }
        try (ZipFile zip = new ZipFile(path.toFile(), StandardCharsets.UTF_8)) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            int n = 0;
            while (en.hasMoreElements() && n++ < MAX_LISTED) {
                ZipEntry e = en.nextElement();
                if (!e.isDirectory() && e.getName().indexOf('/') < 0 && isMarker(e.getName())) {
                    return Optional.of(SourceKind.ANDROID_BUGREPORT);
                }
            }
        } catch (ZipException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** True for the root file names that mark a bug report. */
    static boolean isMarker(String name) {
        return name.equals("main_entry.txt")
                || (name.startsWith("dumpstate") && name.endsWith(".txt"))
                || (name.startsWith("dumpState_") && name.endsWith(".log"));
    }

    private static boolean looksLikeZip(Path path) throws IOException {
        try (var in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K';
        }
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException {
        return BugreportSource.open(path);
    }
}
