package org.vigil.cli;

import org.vigil.core.VigilVersion;
import picocli.CommandLine;

/** Supplies {@code --version}. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"Vigil " + VigilVersion.get()};
    }
}
