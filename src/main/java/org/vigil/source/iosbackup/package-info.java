/**
 * iTunes/Finder backups: {@link org.vigil.source.iosbackup.IosBackupSource} reads a backup folder
 * through its {@code Manifest.db} (read-only), {@link org.vigil.source.iosbackup.IosBackupFolder}
 * finds and classifies backup folders, {@link org.vigil.source.iosbackup.MbFile} decodes the
 * per-file metadata blobs.
 */
package org.vigil.source.iosbackup;
