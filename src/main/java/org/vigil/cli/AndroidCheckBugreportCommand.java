package org.vigil.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.VigilException;
import org.vigil.source.SourceKind;
import org.vigil.source.android.BugreportSource;

/**
 * {@code vigil android check-bugreport PATH}: checks an Android bug report, as a {@code .zip}
 * made by {@code adb bugreport} or the folder it unpacks to (MVT's {@code check-bugreport}).
 * Placed under any parent command: it finds the root {@link VigilCommand} by walking up. A file
 * that is not a readable zip fails at once with "Invalid bugreport archive: ..." (exit
 * {@link ExitCodes#INPUT_CORRUPT}), as MVT's check-bugreport does.
 */
@Command(name = "check-bugreport", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Check an Android bug report (the .zip from `adb bugreport`, or its unpacked folder).",
            "The zip is read in place; only the entries needed are extracted, to a private temporary folder."})
final class AndroidCheckBugreportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "BUGREPORT_PATH", description = "The bug report zip or folder.")
    Path path;

    @Mixin
    CommonOptions options;

    @Override
    public Integer call() {
        // a file that is not a readable zip gets MVT's message here, not "not recognised" from detection
        if (path != null && Files.isRegularFile(path)) {
            try (BugreportSource ignored = BugreportSource.open(path)) {
                // readable: the pipeline opens it again through the detector
            } catch (CorruptArtifactException e) {
                return root().fail(new CliException(ExitCodes.INPUT_CORRUPT, e.getMessage(), e));
            } catch (VigilException | IOException e) {
                // left to the pipeline, which reports it with its own exit code
            }
        }
        return root().runCheck("android check-bugreport", path, EnumSet.of(SourceKind.ANDROID_BUGREPORT), options);
    }

    private VigilCommand root() {
        CommandLine cl = spec.commandLine();
        while (cl != null) {
            if (cl.getCommand() instanceof VigilCommand v) {
                return v;
            }
            cl = cl.getParent();
        }
        throw new IllegalStateException("check-bugreport must run under the vigil command");
    }
}
