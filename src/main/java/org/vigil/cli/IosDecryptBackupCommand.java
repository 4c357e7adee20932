package org.vigil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.vigil.core.VigilException;
import org.vigil.core.model.InputHash;
import org.vigil.io.Hashing;
import org.vigil.source.BackupCredentials;
import org.vigil.source.iosbackup.BackupDecryptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigil ios decrypt-backup -d DEST PATH}: a full decrypted copy of an encrypted backup for
 * other tools (Vigil itself checks encrypted backups in place). Same layout as the backup; files
 * decrypted in parallel, each size checked against Manifest.db.
 */
@Command(name = "decrypt-backup", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Write a decrypted copy of an encrypted iTunes/Finder backup (same layout) to DEST.",
            "Not needed to check a backup: `vigil ios check-backup --password ...` reads it in place."})
final class IosDecryptBackupCommand implements Callable<Integer> {
    @ParentCommand
    IosCommand ios;

    @Parameters(paramLabel = "BACKUP_PATH", description = "The encrypted backup folder.")
    Path path;

    @Option(names = {"-d", "--destination"}, required = true, paramLabel = "DEST",
            description = "Folder for the decrypted copy (absent or empty; not inside the backup).")
    Path dest;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "The backup password (else VIGIL_BACKUP_PASSWORD, else asked without echo).")
    String password;

    @Option(names = {"-k", "--key-file"}, paramLabel = "FILE",
            description = "Key file written by `vigil ios extract-key -k FILE` (skips the key derivation).")
    Path keyFile;

    @Option(names = {"-H", "--hashes"},
            description = "Write DEST/info.json with the SHA-256 of every file of both trees.")
    boolean hashes;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Files decrypted in parallel (default: the number of processors).")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages on the console.")
    boolean verbose;

    @Override
    public Integer call() {
        VigilCommand root = ios.root;
        Console progressConsole = root.console();
        try (LogSetup logs = LogSetup.start(null, verbose, false, progressConsole::clearProgress)) {
            if (jobs < 1) {
                throw new CliException(ExitCodes.USAGE, "--jobs must be at least 1");
            }
            Path input = path.toAbsolutePath().normalize();
            Path backup = EncryptedCommands.encryptedBackup(input);
            Path out = dest.toAbsolutePath().normalize();
            if (out.startsWith(backup)) {
                throw new CliException(ExitCodes.USAGE, out + ": the destination must not be inside the backup"
                        + " (evidence is never written to)");
            }
            if (Files.isDirectory(out) && !isEmpty(out)) {
                throw new CliException(ExitCodes.OUTPUT_ERROR, out + ": the destination folder is not empty");
            }
            BackupCredentials credentials = BackupPasswords.require(password, keyFile, root.env(), root.prompt(),
                    backup);
            PrintWriter console = root.out();
            console.println("Decrypting " + backup + " to " + out + " (" + jobs + " parallel job"
                    + (jobs == 1 ? "" : "s") + ")");
            console.flush();
            BackupDecryptor.Summary summary;
            try {
                summary = BackupDecryptor.decrypt(backup, credentials, out, jobs, progressConsole.progress());
            } catch (VigilException | IOException e) {
                throw EncryptedCommands.toCli(backup, e);
            } finally {
                progressConsole.clearProgress();
            }
            console.println("Decrypted " + summary.files() + " files (" + summary.bytes() + " bytes)"
                    + (summary.missing() > 0 ? "; " + summary.missing() + " listed files have no content in the"
                            + " backup" : "") + " to " + out);
            if (hashes) {
                writeHashes(backup, out);
                console.println("Hashes of both trees written to " + out.resolve("info.json"));
            }
            console.flush();
            return ExitCodes.OK;
        } catch (CliException e) {
            return root.fail(e);
        }
    }

    private static boolean isEmpty(Path dir) throws CliException {
        try (DirectoryStream<Path> d = Files.newDirectoryStream(dir)) {
            return !d.iterator().hasNext();
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, dir + ": cannot read the destination (" + e.getMessage()
                    + ")", e);
        }
    }

    private static void writeHashes(Path backup, Path out) throws CliException {
        try {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("source", hashTree(backup));
            info.put("decrypted", hashTree(out));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("info.json").toFile(),
                    info);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, out + ": cannot write info.json (" + e.getMessage() + ")",
                    e);
        }
    }

    private static List<InputHash> hashTree(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        List<InputHash> hashes = new ArrayList<>(files.size());
        for (Path p : files) {
            hashes.add(new InputHash(p.toString(), Hashing.sha256Hex(p)));
        }
        return hashes;
    }
}
