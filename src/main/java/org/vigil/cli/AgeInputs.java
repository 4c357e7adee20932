package org.vigil.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.VigilException;
import org.vigil.core.WrongPasswordException;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.android.AgeAcquisition;
import org.vigil.source.android.AgeIdentities;
import org.vigil.source.android.AgeIdentityException;

/** Opens an age-encrypted androidqf acquisition for a check, with the CLI's exit codes. */
final class AgeInputs {
    private AgeInputs() {}

    /** The message when an age-encrypted acquisition is given without an identity. */
    static String needsIdentity(Path input) {
        return input + ": this acquisition is age-encrypted: pass --age-identity FILE (the age identity,"
                + " AGE-SECRET-KEY-1..., matching the key.txt androidqf encrypted it to)";
    }

    /**
     * Decrypts the acquisition in memory and opens it.
     *
     * @throws CliException ENCRYPTED without identity file, USAGE for an unusable identity file,
     *     WRONG_PASSWORD when no identity matches, INPUT_CORRUPT for a truncated or corrupt file
     */
    static AcquisitionSource open(Path input, Path identityFile) throws CliException {
        if (identityFile == null) {
            throw new CliException(ExitCodes.ENCRYPTED, needsIdentity(input));
        }
        AgeIdentities identities;
        try {
            identities = AgeIdentities.read(identityFile);
        } catch (AgeIdentityException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
        try {
            return AgeAcquisition.open(input, identities);
        } catch (WrongPasswordException e) {
            throw new CliException(ExitCodes.WRONG_PASSWORD, e.getMessage(), e);
        } catch (CorruptArtifactException | UnsupportedSchemaException e) {
            throw new CliException(ExitCodes.INPUT_CORRUPT, e.getMessage(), e);
        } catch (VigilException e) {
            throw new CliException(ExitCodes.INPUT_NOT_FOUND, e.getMessage(), e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.INPUT_CORRUPT, input + ": " + e.getMessage(), e);
        }
    }
}
