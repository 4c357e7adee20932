/**
 * Modules for iOS sysdiagnose archives ({@code vigil ios check-sysdiagnose}): MVT ships none; these
 * read the artifacts a sysdiagnose holds (see {@link org.vigil.modules.ios.sysdiagnose.ShutdownLog}).
 */
package org.vigil.modules.ios.sysdiagnose;
