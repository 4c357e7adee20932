package org.vigil.source.iosbackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleRunner;
import org.vigil.core.WrongPasswordException;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.demo.DemoScenario;
import org.vigil.io.Hashing;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ModuleRegistry;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.BackupCredentials;
import org.vigil.source.SourceDetector;
import org.vigil.source.SourceKind;
import org.vigil.source.iosbackup.crypto.BackupEncryptor;

/**
 * An encrypted backup read in place: the demo backup (plain twin) encrypted by the test generator
 * as iOS does gives the same module outcomes, decrypts only what is asked into a private folder
 * deleted on close, and never changes the evidence.
 */
class EncryptedBackupSourceTest {
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    static Path tmp;

    static Path plain;
    static Path encrypted;
    static Path legacy;
    static Path stix;
    static BackupEncryptor.Result generated;

    @BeforeAll
    static void generate() throws Exception {
        plain = tmp.resolve("plain");
        stix = tmp.resolve("iocs").resolve("demo.stix2");
        DemoScenario.write(plain, stix);
        encrypted = tmp.resolve("encrypted");
        generated = BackupEncryptor.encrypt(plain, encrypted, BackupEncryptor.Params.fast(PASSWORD));
        legacy = tmp.resolve("legacy");
        BackupEncryptor.encrypt(plain, legacy, new BackupEncryptor.Params(PASSWORD, 0, 5, 7));
    }

    static Map<String, String> hashTree(Path dir) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                hashes.put(dir.relativize(p).toString(), Hashing.sha256Hex(p));
            }
        }
        return hashes;
    }

    static List<ModuleOutcome> run(AcquisitionSource source) throws Exception {
        Indicators iocs = Indicators.load(List.of(stix)).indicators();
        ModuleRunner runner = new ModuleRunner(source, iocs, ModuleOptions.defaults(),
                Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC), null);
        return runner.run(ModuleRunner.order(ModuleRegistry.forKind(source.kind()),
                List.of("backup_info", "manifest", "sms", "datausage", "safari_history")));
    }

    @Test
    void theGeneratorReallyEncrypts() throws Exception {
        assertThat(generated.encryptedFiles()).isGreaterThan(100);
        assertThat(IosBackupFolder.encryptionReason(encrypted)).contains("Manifest.plist: IsEncrypted is true");
        assertThat(IosBackupFolder.isSqlite(encrypted.resolve("Manifest.db"))).isFalse();
        String sms = IosBackupSource.fileId("HomeDomain", "Library/SMS/sms.db");
        Path cipher = encrypted.resolve(sms.substring(0, 2)).resolve(sms);
        Path clear = plain.resolve(sms.substring(0, 2)).resolve(sms);
        assertThat(Files.size(cipher)).isEqualTo((Files.size(clear) / 16 + 1) * 16);
        assertThat(Files.readAllBytes(cipher)).isNotEqualTo(Files.readAllBytes(clear));
        assertThat(SourceDetector.standard().detect(encrypted)).isEqualTo(SourceKind.IOS_BACKUP_ENCRYPTED);
    }

    @Test
    void encryptedAndPlainTwinGiveIdenticalModuleOutcomes() throws Exception {
        Map<String, String> before = hashTree(encrypted);
        List<ModuleOutcome> fromPlain;
        List<ModuleOutcome> fromEncrypted;
        try (AcquisitionSource p = SourceDetector.standard().open(plain)) {
            fromPlain = run(p);
        }
        try (AcquisitionSource e = SourceDetector.standard().open(encrypted, BackupCredentials.password(PASSWORD))) {
            assertThat(e.kind()).isEqualTo(SourceKind.IOS_BACKUP_ENCRYPTED);
            fromEncrypted = run(e);
        }
        assertThat(fromEncrypted).extracting(ModuleOutcome::slug)
                .containsExactly("backup_info", "manifest", "datausage", "safari_history", "sms");
        assertThat(fromEncrypted).allSatisfy(o -> assertThat(o.status()).as(o.slug() + " " + o.reason())
                .isEqualTo(ModuleStatus.CHECKED));
        assertThat(fromEncrypted.stream().mapToInt(o -> o.alerts().size()).sum()).isEqualTo(7);
        for (int i = 0; i < fromPlain.size(); i++) {
            ModuleOutcome a = fromPlain.get(i);
            ModuleOutcome b = fromEncrypted.get(i);
            assertThat(b.recordCount()).as(a.slug()).isEqualTo(a.recordCount()).isPositive();
            assertThat(b.results()).as(a.slug()).isEqualTo(a.results());
            assertThat(b.alerts()).as(a.slug()).isEqualTo(a.alerts());
            assertThat(b.timeline()).as(a.slug()).isEqualTo(a.timeline());
            assertThat(b).as(a.slug()).isEqualTo(a);
        }
        assertThat(hashTree(encrypted)).isEqualTo(before);
    }

    @Test
    void decryptsOnlyWhatIsAskedIntoAPrivateFolderDeletedOnClose() throws Exception {
        Path workspace;
        Path decryptedSms;
        try (IosBackupSource s = IosBackupSource.openEncrypted(encrypted, BackupCredentials.password(PASSWORD))) {
            Path manifest = s.rootFile(IosBackupSource.MANIFEST_DB).orElseThrow();
            workspace = manifest.getParent();
            assertThat(manifest.startsWith(encrypted)).isFalse();
            assertThat(IosBackupFolder.isSqlite(manifest)).isTrue();
            assertThat(s.rootFile("Info.plist")).contains(encrypted.resolve("Info.plist"));
            assertThat(s.entryCount()).isEqualTo(DemoScenario.writeBackup(tmp.resolve("count-" + System.nanoTime())));
            if (workspace.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(workspace))).isEqualTo("rwx------");
            }
            try (Stream<Path> files = Files.list(workspace)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("Manifest.db");
            }
            ArtifactRef sms = s.find(ArtifactPattern.of("HomeDomain", "Library/SMS/sms.db")).get(0);
            decryptedSms = s.localFile(sms);
            String id = sms.id();
            assertThat(decryptedSms).startsWith(workspace);
            assertThat(Files.readAllBytes(decryptedSms))
                    .isEqualTo(Files.readAllBytes(plain.resolve(id.substring(0, 2)).resolve(id)));
            assertThat(s.localFile(sms)).isEqualTo(decryptedSms);
            try (InputStream in = s.open(sms)) {
                assertThat(in.readAllBytes()).hasSize((int) sms.meta().size());
            }
            try (Stream<Path> files = Files.walk(workspace)) {
                assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(2);
            }
        }
        assertThat(workspace).doesNotExist();
        assertThat(decryptedSms).doesNotExist();
    }

    @Test
    void theDerivedKeyOpensTheBackupAndAWrongPasswordIsReportedAsSuch() throws Exception {
        String hex = java.util.HexFormat.of().formatHex(generated.passcodeKey());
        try (IosBackupSource s = IosBackupSource.openEncrypted(encrypted, BackupCredentials.keyHex(hex))) {
            assertThat(s.kind()).isEqualTo(SourceKind.IOS_BACKUP_ENCRYPTED);
            assertThat(s.entryCount()).isPositive();
        }
        assertThat(org.vigil.source.iosbackup.crypto.EncryptedBackup.unlock(encrypted,
                BackupCredentials.password(PASSWORD)).keyHex()).isEqualTo(hex);
        assertThatThrownBy(() -> IosBackupSource.openEncrypted(encrypted, BackupCredentials.password("wrong")))
                .isInstanceOf(WrongPasswordException.class)
                .hasMessage(encrypted + ": wrong backup password or key (the keybag's class keys do not unwrap with it)");
        assertThatThrownBy(() -> SourceDetector.standard().open(encrypted))
                .isInstanceOf(org.vigil.core.EncryptedSourceException.class);
        try (Stream<Path> temps = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // a failed unlock leaves no workspace behind (none is created before the keys unwrap)
            assertThat(temps.filter(p -> p.getFileName().toString().startsWith("vigil-decrypted-"))
                    .filter(p -> !Files.exists(p.resolve("Manifest.db")))).isEmpty();
        }
    }

    @Test
    void preIos102BackupsHaveAPlainManifestAndASingleDerivationStage() throws Exception {
        assertThat(IosBackupFolder.isSqlite(legacy.resolve("Manifest.db"))).isTrue();
        assertThat(IosBackupFolder.encryptionReason(legacy)).isPresent();
        List<ModuleOutcome> fromPlain;
        try (AcquisitionSource p = SourceDetector.standard().open(plain)) {
            fromPlain = run(p);
        }
        try (IosBackupSource s = IosBackupSource.openEncrypted(legacy, BackupCredentials.password(PASSWORD))) {
            assertThat(s.rootFile(IosBackupSource.MANIFEST_DB)).contains(legacy.resolve("Manifest.db"));
            assertThat(run(s)).isEqualTo(fromPlain);
        }
    }

    @Test
    void aTruncatedEncryptedFileIsRefusedNotShortened(@TempDir Path t) throws Exception {
        Path copy = t.resolve("copy");
        BackupEncryptor.encrypt(plain, copy, BackupEncryptor.Params.fast(PASSWORD));
        String id = IosBackupSource.fileId("HomeDomain", "Library/SMS/sms.db");
        Path cipher = copy.resolve(id.substring(0, 2)).resolve(id);
        byte[] all = Files.readAllBytes(cipher);
        Files.write(cipher, java.util.Arrays.copyOf(all, all.length - 32));
        try (IosBackupSource s = IosBackupSource.openEncrypted(copy, BackupCredentials.password(PASSWORD))) {
            ArtifactRef sms = s.byId(id).orElseThrow();
            assertThatThrownBy(() -> s.localFile(sms)).isInstanceOf(java.io.IOException.class)
                    .hasMessage("HomeDomain/Library/SMS/sms.db (fileID " + id + "): the backup holds "
                            + (all.length - 32) + " encrypted bytes, fewer than the " + sms.meta().size()
                            + " bytes recorded in Manifest.db (truncated copy)");
            List<ModuleOutcome> out = run(s);
            ModuleOutcome smsOutcome = out.stream().filter(o -> o.slug().equals("sms")).findFirst().orElseThrow();
            assertThat(smsOutcome.status()).isNotEqualTo(ModuleStatus.CHECKED);
            assertThat(smsOutcome.reason()).contains("truncated copy");
        }
    }
}
