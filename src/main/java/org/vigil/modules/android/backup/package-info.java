/** Modules of Android adb backups ({@code vigil android check-backup}): {@link org.vigil.modules.android.backup.Sms}. */
package org.vigil.modules.android.backup;
