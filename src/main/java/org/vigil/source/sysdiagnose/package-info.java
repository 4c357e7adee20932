/**
 * iOS sysdiagnose archives and folders: {@link org.vigil.source.sysdiagnose.SysdiagnoseSource}
 * reads a {@code sysdiagnose_*.tar.gz} in place (indexed once by the shared
 * {@link org.vigil.io.archive.TarScanner}; files extracted on demand into a private temporary folder) or its unpacked
 * folder; {@link org.vigil.source.sysdiagnose.SysdiagnoseProbe} recognises them for
 * {@link org.vigil.source.SourceDetector}.
 */
package org.vigil.source.sysdiagnose;
