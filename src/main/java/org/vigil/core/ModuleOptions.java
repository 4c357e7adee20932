package org.vigil.core;

/**
 * Run options a module may read.
 *
 * @param fast skip slow whole-acquisition searches (MVT's {@code --fast})
 * @param allowNetwork network lookups (URL-shortener expansion) are allowed
 * @param acquisition the acquisition context of an androidqf check (MVT's
 *     {@code androidqf_acquisition} module option), or null outside one
 */
public record ModuleOptions(boolean fast, boolean allowNetwork, Acquisition acquisition) {
    /**
     * What androidqf recorded about its own acquisition, as MVT passes it to the modules nested in
     * check-androidqf (the bug report's ADB state check compares the phone's trusted ADB keys with
     * the acquisition host's key).
     *
     * @param started {@code started} of acquisition.json (ISO 8601), or null
     * @param adbHostPublicKey the acquisition host's ADB public key ({@code adb_host_public_key} of
     *     acquisition.json, else adb_host_key.pub as it is), or null
     */
    public record Acquisition(String started, String adbHostPublicKey) {}

    /** Options outside an androidqf check. */
    public ModuleOptions(boolean fast, boolean allowNetwork) {
        this(fast, allowNetwork, null);
    }

    /** Defaults: thorough and offline. */
    public static ModuleOptions defaults() {
        return new ModuleOptions(false, false);
    }

    /** These options with an androidqf acquisition context (null: none). */
    public ModuleOptions withAcquisition(Acquisition context) {
        return new ModuleOptions(fast, allowNetwork, context);
    }
}
