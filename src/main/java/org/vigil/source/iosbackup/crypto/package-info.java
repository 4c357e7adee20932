/**
 * Encrypted iTunes/Finder backups: {@link org.vigil.source.iosbackup.crypto.Keybag} parses the
 * {@code BackupKeyBag} and derives the passcode key (PBKDF2, JDK HMAC),
 * {@link org.vigil.source.iosbackup.crypto.EncryptedBackup} unwraps the class keys (RFC 3394, JDK
 * {@code AESWrap}) and decrypts Manifest.db and files (JDK AES/CBC). Only JDK cryptography.
 */
package org.vigil.source.iosbackup.crypto;
