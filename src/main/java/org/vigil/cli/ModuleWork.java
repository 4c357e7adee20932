package org.vigil.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.vigil.core.ModuleDescriptor;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;
import org.vigil.source.iosbackup.IosBackupSource;

/**
 * How much work a module is expected to have, for the order in which concurrent modules start
 * ({@link org.vigil.core.ModuleRunner#expectedWork}): the size in bytes of the files it reads. In
 * an iOS backup a file named by its domain and path ({@code HomeDomain/Library/SMS/sms.db}, as
 * module descriptors list them) is found by its file id in Manifest.db, and {@code <backup>/NAME}
 * is a file at the backup's root; patterns with {@code *} are not looked up (they would cost a
 * Manifest scan each). Other sources give no estimate (0: modules start in list order). Only the
 * start order depends on it, never the outputs.
 */
final class ModuleWork {
    private static final String ROOT_PREFIX = "<backup>/";

    private ModuleWork() {}

    /** The estimate for modules run on {@code source}. */
    static ToLongFunction<ModuleDescriptor> of(AcquisitionSource source) {
        if (source.kind() != SourceKind.IOS_BACKUP && source.kind() != SourceKind.IOS_BACKUP_ENCRYPTED) {
            return d -> 0;
        }
        return d -> {
            long bytes = 0;
            for (String artifact : d.artifacts()) {
                bytes += backupFileSize(source, artifact);
            }
            return bytes;
        };
    }

    /** The size of one artifact of a backup, 0 when unknown, absent or a pattern. */
    static long backupFileSize(AcquisitionSource source, String artifact) {
        try {
            if (artifact.startsWith(ROOT_PREFIX)) {
                String name = artifact.substring(ROOT_PREFIX.length());
                int space = name.indexOf(' ');
                name = space < 0 ? name : name.substring(0, space);
                Optional<Path> file = source.rootFile(name);
                return file.isPresent() ? Files.size(file.get()) : 0;
            }
            int slash = artifact.indexOf('/');
            if (artifact.indexOf('*') >= 0 || slash <= 0 || !artifact.substring(0, slash).contains("Domain")) {
                return 0;
            }
            Optional<ArtifactRef> ref = source.byId(IosBackupSource.fileId(artifact.substring(0, slash),
                    artifact.substring(slash + 1)));
            return ref.map(r -> Math.max(0, r.meta().size())).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0; // an estimate only: the module itself reports what it cannot read
        }
    }
}
