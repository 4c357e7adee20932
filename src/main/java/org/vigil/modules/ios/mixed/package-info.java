/**
 * iOS modules that run on both backups and filesystem dumps (MVT's "mixed" modules): one class
 * per artifact, each reading a database or a plist through
 * {@link org.vigil.source.AcquisitionSource} and {@link org.vigil.io.SqliteReader} or
 * {@link org.vigil.io.PlistReader} (plist values made JSON-ready by
 * {@link org.vigil.modules.ios.mixed.PlistJson}), plus {@link org.vigil.modules.ios.mixed.BackupArtifacts},
 * which finds the database a module reads (known backup fileIDs first, then path patterns).
 */
package org.vigil.modules.ios.mixed;
