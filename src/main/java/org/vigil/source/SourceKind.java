package org.vigil.source;

/** The kinds of acquisition Vigil reads. */
public enum SourceKind {
    /** An iTunes/Finder backup folder (Manifest.db + Info.plist), not encrypted. */
    IOS_BACKUP("iOS backup"),
    /** An iTunes/Finder backup folder whose Manifest.db and files are encrypted. */
    IOS_BACKUP_ENCRYPTED("encrypted iOS backup"),
    /** A full iOS filesystem dump (folder or archive). */
    IOS_FS("iOS filesystem dump"),
    /** An iOS sysdiagnose archive or folder. */
    IOS_SYSDIAGNOSE("iOS sysdiagnose"),
    /** An androidqf acquisition (folder or zip). */
    ANDROID_QF("androidqf acquisition"),
    /** An Android bug report (zip or folder). */
    ANDROID_BUGREPORT("Android bug report"),
    /** An Android adb backup (.ab or unpacked folder). */
    ANDROID_BACKUP("Android backup"),
    /** Android intrusion logs (folder or zip of JSON lines). */
    ANDROID_INTRUSION_LOGS("Android intrusion logs");

    private final String label;

    SourceKind(String label) {
        this.label = label;
    }

    /** A human-readable name. */
    public String label() {
        return label;
    }

    /** True for the iOS kinds. */
    public boolean isIos() {
        return name().startsWith("IOS");
    }
}
