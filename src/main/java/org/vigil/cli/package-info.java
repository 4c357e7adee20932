/**
 * The {@code vigil} command line (picocli): one class per command, shared option mixins, exit
 * codes, console output and per-run logging. The only package that talks to the user.
 */
package org.vigil.cli;
