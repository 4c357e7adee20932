/**
 * Bounded, evidence-safe reading of tar and zip archives, shared by the sources that read
 * acquisitions in place (iOS filesystem dumps, sysdiagnose archives): Apache Commons Compress
 * does the parsing; this package adds what hostile input needs around it: entry-name checks
 * ({@link org.vigil.io.archive.EntryNames}), header checksums and truncation detection
 * ({@link org.vigil.io.archive.TarScanner}), non-UTF-8 names kept recognisable
 * ({@link org.vigil.io.archive.RawUtf8Charset}), caps on what is inflated
 * ({@link org.vigil.io.archive.ArchiveLimits}) and a private, owner-only extraction folder deleted
 * on close and at JVM exit ({@link org.vigil.io.archive.Workspace}).
 */
package org.vigil.io.archive;
