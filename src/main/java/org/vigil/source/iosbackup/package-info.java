/**
 * iTunes/Finder backups: {@link org.vigil.source.iosbackup.IosBackupSource} reads a backup folder
 * through its {@code Manifest.db} (read-only), {@link org.vigil.source.iosbackup.IosBackupFolder}
 * finds and classifies backup folders, {@link org.vigil.source.iosbackup.MbFile} decodes the
 * per-file metadata blobs. Encrypted backups open with
 * {@link org.vigil.source.iosbackup.IosBackupSource#openEncrypted} (files decrypted on demand) and
 * {@link org.vigil.source.iosbackup.BackupDecryptor} writes a full decrypted copy; the cryptography
 * is in {@code org.vigil.source.iosbackup.crypto}.
 */
package org.vigil.source.iosbackup;
