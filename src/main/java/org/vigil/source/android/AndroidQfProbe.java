package org.vigil.source.android;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;

/**
 * Recognises androidqf acquisitions for {@link SourceDetector}.
 *
 * <p>Rule: a <b>folder</b> is an androidqf acquisition when it directly holds one of the files
 * androidqf always or usually writes ({@link #MARKERS}: {@code acquisition.json},
 * {@code packages.json}, {@code getprop.txt}, {@code dumpsys.txt}, {@code files.json},
 * {@code ps.txt}, {@code root_binaries.json}), or {@code processes/ps.txt}, or {@code backup.ab}
 * (an androidqf run that kept only the backup, as MVT's {@code androidqf_encrypted} sample);
 * a <b>zip</b> (a regular file starting with the {@code PK} signature) when one of its entries is a
 * marker at the root or one folder down ({@code androidqfzip/getprop.txt}), or
 * {@code [folder/]processes/ps.txt}. Either is rejected when it holds {@code main_entry.txt} at its
 * root: that is an Android bug report, whose probe must win. Only the zip's central directory is
 * read; nothing is extracted.
 */
public final class AndroidQfProbe implements SourceDetector.Probe {
    /** Files whose presence marks an androidqf acquisition. */
    static final Set<String> MARKERS = Set.of("acquisition.json", "packages.json", "getprop.txt", "dumpsys.txt",
            "files.json", "ps.txt", "root_binaries.json");
    private static final String PROCESSES = "processes/ps.txt";
    private static final String BUGREPORT_MARKER = "main_entry.txt";
    /** Entries looked at before giving up on a zip. */
    private static final int MAX_ENTRIES_SCANNED = 200_000;

    @Override
    public Optional<SourceKind> detect(Path path) throws VigilException, IOException {
        if (Files.isDirectory(path)) {
            return isFolder(path) ? Optional.of(SourceKind.ANDROID_QF) : Optional.empty();
        }
        if (Files.isRegularFile(path) && isZip(path)) {
            return isAcquisitionZip(path) ? Optional.of(SourceKind.ANDROID_QF) : Optional.empty();
        }
        return Optional.empty();
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException {
        return AndroidQfSource.open(path);
    }

    static boolean isFolder(Path dir) {
        if (Files.exists(dir.resolve(BUGREPORT_MARKER), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        for (String m : MARKERS) {
            if (Files.isRegularFile(dir.resolve(m), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return Files.isRegularFile(dir.resolve(PROCESSES), LinkOption.NOFOLLOW_LINKS)
                || Files.isRegularFile(dir.resolve("backup.ab"), LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] sig = in.readNBytes(4);
            return sig.length == 4 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;
        }
    }

    static boolean isAcquisitionZip(Path file) throws IOException {
        boolean marker = false;
        try (ZipFile zf = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zf.entries();
            int seen = 0;
            while (en.hasMoreElements() && seen++ < MAX_ENTRIES_SCANNED) {
                String name = en.nextElement().getName();
                if (name.equals(BUGREPORT_MARKER)) {
                    return false;
                }
                marker |= isMarkerEntry(name);
            }
        } catch (ZipException e) {
            return false;
        }
        return marker;
    }

    /** A marker at the root or one folder down, or [folder/]processes/ps.txt. */
    static boolean isMarkerEntry(String name) {
        if (name.equals(PROCESSES)) {
            return true;
        }
        int slash = name.indexOf('/');
        String rest = slash < 0 ? name : name.substring(slash + 1);
        if (slash < 0) {
            return MARKERS.contains(name);
        }
        return MARKERS.contains(rest) || rest.equals(PROCESSES);
    }
}
