/**
 * Android {@code adb backup} acquisitions: {@link org.vigil.source.android.AndroidBackup} reads
 * {@code .ab} files (versions 1 to 5, compressed or not, AES-256 encrypted) as a tar stream,
 * {@link org.vigil.source.android.AndroidBackupSource} exposes the telephony provider's SMS/MMS
 * backups of an {@code .ab} file or an unpacked folder, and
 * {@link org.vigil.source.android.AndroidBackupProbe} plugs them into
 * {@link org.vigil.source.SourceDetector}.
 */
package org.vigil.source.android;
