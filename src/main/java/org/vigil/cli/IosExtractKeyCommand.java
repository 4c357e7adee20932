package org.vigil.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import org.vigil.source.BackupCredentials;
import org.vigil.source.iosbackup.crypto.EncryptedBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigil ios extract-key [-k FILE] PATH}: derives the key of an encrypted backup from its
 * password (checked against the keybag) and prints it, or writes it to {@code FILE} (64 hex
 * characters, owner-only), so that later runs with {@code --key-file} skip the slow derivation.
 */
@Command(name = "extract-key", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Derive the decryption key of an encrypted iTunes/Finder backup from its password.",
            "Later commands given --key-file FILE skip the slow key derivation (several seconds)."})
final class IosExtractKeyCommand implements Callable<Integer> {
    @ParentCommand
    IosCommand ios;

    @Parameters(paramLabel = "BACKUP_PATH", description = "The encrypted backup folder.")
    Path path;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "The backup password (else VIGIL_BACKUP_PASSWORD, else asked without echo).")
    String password;

    @Option(names = {"-k", "--key-file"}, paramLabel = "FILE",
            description = "Write the key to FILE (64 hex characters) instead of printing it.")
    Path keyFile;

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages on the console.")
    boolean verbose;

    @Override
    public Integer call() {
        VigilCommand root = ios.root;
        Console progressConsole = root.console();
        try (LogSetup logs = LogSetup.start(null, verbose, false, progressConsole::clearProgress)) {
            Path input = path.toAbsolutePath().normalize();
            Path backup = EncryptedCommands.encryptedBackup(input);
            if (keyFile != null && keyFile.toAbsolutePath().normalize().startsWith(backup)) {
                throw new CliException(ExitCodes.USAGE, keyFile + ": the key file must not be inside the backup"
                        + " (evidence is never written to)");
            }
            BackupCredentials credentials = BackupPasswords.require(password, null, root.env(), root.prompt(), backup);
            EncryptedBackup keys = EncryptedCommands.unlock(backup, credentials, progressConsole.progress());
            if (keyFile == null) {
                root.out().println(keys.keyHex());
                root.out().flush();
            } else {
                writeKey(keyFile, keys.keyHex());
                root.out().println("Key of " + backup + " written to " + keyFile.toAbsolutePath().normalize());
                root.out().flush();
            }
            return ExitCodes.OK;
        } catch (CliException e) {
            return root.fail(e);
        }
    }

    private static void writeKey(Path file, String hex) throws CliException {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.deleteIfExists(file);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.write(file, hex.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, file + ": cannot write the key file (" + e.getMessage()
                    + ")", e);
        }
    }
}
