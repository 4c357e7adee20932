package org.vigil.source.android;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.vigil.core.VigilException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;

/**
 * Recognises Android intrusion logs for {@link SourceDetector}.
 *
 * <p>Rule: a folder (not an androidqf acquisition) or a zip (not an androidqf acquisition nor a
 * bug report) is intrusion logs when one of its first {@value #MAX_FILES_LOOKED_AT} {@code .txt}
 * files (folder: at most two levels down; zip: safe entry names only) starts, on its first
 * non-blank line, with a JSON object whose first key is {@code dns_event}, {@code connect_event}
 * or {@code security_event}. Only the first {@value #MAX_PEEK_BYTES} bytes of each file are read.
 */
public final class IntrusionLogProbe implements SourceDetector.Probe {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_FILES_LOOKED_AT = 20;
    static final int MAX_PEEK_BYTES = 64 * 1024;
    private static final int MAX_ENTRIES_SCANNED = 200_000;

    @Override
    public Optional<SourceKind> detect(Path path) throws VigilException, IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            if (AndroidQfProbe.isFolder(path) || Files.exists(path.resolve("main_entry.txt"))) {
                return Optional.empty();
            }
            return isLogFolder(path) ? Optional.of(SourceKind.ANDROID_INTRUSION_LOGS) : Optional.empty();
        }
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && isZip(path)
                && !AndroidQfProbe.isAcquisitionZip(path)) {
            return isLogZip(path) ? Optional.of(SourceKind.ANDROID_INTRUSION_LOGS) : Optional.empty();
        }
        return Optional.empty();
    }

    @Override
    public AcquisitionSource open(Path path, SourceKind kind) throws VigilException, IOException {
        return IntrusionLogSource.open(path);
    }

    private static boolean isLogFolder(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 3)) {
            Iterator<Path> it = s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt"))
                    .sorted().limit(MAX_FILES_LOOKED_AT).iterator();
            while (it.hasNext()) {
                try (InputStream in = Files.newInputStream(it.next(), LinkOption.NOFOLLOW_LINKS)) {
                    if (startsWithEvent(in)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean isLogZip(Path file) throws IOException {
        try (ZipFile zf = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zf.entries();
            int seen = 0;
            int looked = 0;
            while (en.hasMoreElements() && seen++ < MAX_ENTRIES_SCANNED && looked < MAX_FILES_LOOKED_AT) {
                ZipEntry e = en.nextElement();
                String name = e.getName();
                if (name.equals("main_entry.txt")) {
                    return false;
                }
                if (e.isDirectory() || !AndroidQfSource.isSafeEntryName(name)
                        || !name.toLowerCase(Locale.ROOT).endsWith(".txt")) {
                    continue;
                }
                looked++;
                try (InputStream in = zf.getInputStream(e)) {
                    if (startsWithEvent(in)) {
                        return true;
                    }
                }
            }
        } catch (ZipException e) {
            return false;
        }
        return false;
    }

    /** True when the first non-blank line (within the peek) is {@code {"<known type>": ...}}. */
    static boolean startsWithEvent(InputStream in) throws IOException {
        byte[] head = in.readNBytes(MAX_PEEK_BYTES);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new java.io.ByteArrayInputStream(head), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(line);
                    if (n == null || !n.isObject() || n.isEmpty()) {
                        return false;
                    }
                    return IntrusionLogSource.KNOWN_TYPES.contains(n.fieldNames().next());
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] sig = in.readNBytes(4);
            return sig.length == 4 && sig[0] == 'P' && sig[1] == 'K' && sig[2] == 3 && sig[3] == 4;
        }
    }
}
