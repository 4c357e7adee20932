package org.vigil.source.iosbackup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.demo.DemoScenario;
import org.vigil.io.Hashing;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.BackupCredentials;
import org.vigil.source.iosbackup.crypto.BackupEncryptor;

/**
 * Plain and encrypted backups read by many threads at once (as modules running concurrently do)
 * give each thread what a lone reader gets: the same Manifest listings, and every file's plain
 * content, decrypted once.
 */
class IosBackupConcurrentReadsTest {
    private static final String PASSWORD = "concurrent readers";
    private static final int THREADS = 8;

    @TempDir
    static Path tmp;

    static Path plain;
    static Path encrypted;

    @BeforeAll
    static void generate() throws Exception {
        plain = tmp.resolve("plain");
        DemoScenario.writeBackup(plain);
        encrypted = tmp.resolve("encrypted");
        BackupEncryptor.encrypt(plain, encrypted, BackupEncryptor.Params.fast(PASSWORD));
    }

    /** What one reader sees: every listed entry, the files under HomeDomain/Library, their hashes. */
    private static List<String> read(AcquisitionSource source) throws Exception {
        List<String> seen = new ArrayList<>();
        source.forEachEntry(ref -> seen.add(ref.domain() + "/" + ref.relativePath()));
        for (ArtifactRef ref : source.find(ArtifactPattern.of("HomeDomain", "Library/*"))) {
            if (source.hasContent(ref)) {
                seen.add(ref.relativePath() + " " + Hashing.sha256Hex(source.localFile(ref)));
            }
        }
        seen.add(String.valueOf(source.byId(IosBackupSource.fileId("HomeDomain", "Library/SMS/sms.db")).isPresent()));
        return seen;
    }

    private static void sameAsAlone(AcquisitionSource alone, AcquisitionSource shared) throws Exception {
        List<String> expected = read(alone);
        assertThat(expected).anyMatch(s -> s.startsWith("Library/SMS/sms.db "));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Callable<List<String>> reader = () -> {
                    start.await(60, TimeUnit.SECONDS);
                    return read(shared);
                };
                results.add(pool.submit(reader));
            }
            for (Future<List<String>> r : results) {
                assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPlainBackupReadByManyThreadsGivesEachWhatALoneReaderGets() throws Exception {
        try (IosBackupSource alone = IosBackupSource.open(plain); IosBackupSource shared = IosBackupSource.open(plain)) {
            assertThat(shared.concurrentReads()).isTrue();
            sameAsAlone(alone, shared);
        }
    }

    @Test
    void anEncryptedBackupDecryptsEachFileOnceForAllThreads() throws Exception {
        try (IosBackupSource alone = IosBackupSource.openEncrypted(encrypted, BackupCredentials.password(PASSWORD));
                IosBackupSource shared = IosBackupSource.openEncrypted(encrypted,
                        BackupCredentials.password(PASSWORD))) {
            assertThat(shared.concurrentReads()).isTrue();
            sameAsAlone(alone, shared);
            // one plain copy per file in the private folder, no partial file left behind
            ArtifactRef sms = shared.find(ArtifactPattern.of("HomeDomain", "Library/SMS/sms.db")).get(0);
            Path files = shared.localFile(sms).getParent();
            try (var list = Files.list(files)) {
                List<String> names = list.map(p -> p.getFileName().toString()).toList();
                assertThat(names).noneMatch(n -> n.endsWith(".part"));
                assertThat(names).doesNotHaveDuplicates().contains(sms.id());
            }
        }
    }
}
