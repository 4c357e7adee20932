package org.vigil.modules.ios.mixed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;

/**
 * Finds the database files a module reads, the way MVT's iOS modules do: first each known backup
 * fileID, then the path patterns (backup domain + relative path, or paths relative to a
 * filesystem dump's root).
 *
 * <p>A backup may list a file in Manifest.db whose content is missing from the backup folder
 * (partial or pruned backups). Such a file is reported as not present with a message saying so,
 * rather than silently giving no results.
 */
public final class BackupArtifacts {
    private static final Logger LOG = LoggerFactory.getLogger(BackupArtifacts.class);

    /** Message suffix for files listed in Manifest.db whose content is not in the backup. */
    public static final String LISTED_BUT_ABSENT = "listed in Manifest.db but not in the backup";

    private BackupArtifacts() {}

    /** What {@link #findAll} found: the readable artifacts and those listed without content. */
    public record Found(List<ArtifactRef> present, List<ArtifactRef> listedWithoutContent) {
        public Found {
            present = List.copyOf(present);
            listedWithoutContent = List.copyOf(listedWithoutContent);
        }
    }

    /**
     * The single database of a module: the first known fileID whose content is present, else the
     * first pattern match whose content is present.
     *
     * @param source the acquisition
     * @param backupIds known backup fileIDs, in order
     * @param patterns path patterns, in order
     * @param what how to name the artifact in the "not found" message (e.g. {@code sms.db})
     * @throws ArtifactNotFoundException when nothing is there, or when the file is only listed in
     *     Manifest.db (the message then says so)
     */
    public static ArtifactRef findSingle(AcquisitionSource source, List<String> backupIds,
            List<ArtifactPattern> patterns, String what) throws ArtifactNotFoundException, IOException {
        ArtifactRef listedOnly = null;
        for (String id : backupIds) {
            Optional<ArtifactRef> ref = source.byId(id);
            if (ref.isPresent()) {
                if (source.hasContent(ref.get())) {
                    return ref.get();
                }
                listedOnly = listedOnly == null ? ref.get() : listedOnly;
            }
        }
        for (ArtifactPattern pattern : patterns) {
            for (ArtifactRef ref : source.find(pattern)) {
                if (source.hasContent(ref)) {
                    return ref;
                }
                listedOnly = listedOnly == null ? ref : listedOnly;
            }
        }
        if (listedOnly != null) {
            throw new ArtifactNotFoundException(listedOnly.displayName() + ": " + LISTED_BUT_ABSENT);
        }
        throw new ArtifactNotFoundException(what + " not found");
    }

    /**
     * Every artifact matching any of the patterns, deduplicated by id, in pattern order then the
     * source's order.
     */
    public static Found findAll(AcquisitionSource source, List<ArtifactPattern> patterns) throws IOException {
        Map<String, ArtifactRef> present = new LinkedHashMap<>();
        Map<String, ArtifactRef> absent = new LinkedHashMap<>();
        for (ArtifactPattern pattern : patterns) {
            for (ArtifactRef ref : source.find(pattern)) {
                if (present.containsKey(ref.id()) || absent.containsKey(ref.id())) {
                    continue;
                }
                if (source.hasContent(ref)) {
                    present.put(ref.id(), ref);
                } else {
                    absent.put(ref.id(), ref);
                }
            }
        }
        if (!present.isEmpty()) {
            // the module runs on the others: say what it could not read
            absent.values().forEach(ref -> LOG.warn("{}: {}", ref.displayName(), LISTED_BUT_ABSENT));
        }
        return new Found(new ArrayList<>(present.values()), new ArrayList<>(absent.values()));
    }

    /**
     * Like {@link #findAll} but fails when nothing readable was found.
     *
     * @throws ArtifactNotFoundException when no pattern matched a file with content
     */
    public static List<ArtifactRef> requireAll(AcquisitionSource source, List<ArtifactPattern> patterns,
            String what) throws ArtifactNotFoundException, IOException {
        Found found = findAll(source, patterns);
        if (!found.present().isEmpty()) {
            return found.present();
        }
        if (!found.listedWithoutContent().isEmpty()) {
            throw new ArtifactNotFoundException(found.listedWithoutContent().get(0).displayName() + ": "
                    + LISTED_BUT_ABSENT);
        }
        throw new ArtifactNotFoundException(what + " not found");
    }
}
