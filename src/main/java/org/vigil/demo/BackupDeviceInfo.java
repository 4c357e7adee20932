package org.vigil.demo;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a backup's {@code Info.plist} and {@code Manifest.plist} say about the device.
 *
 * @param deviceName "Device Name" and "Display Name"
 * @param productName "Product Name", e.g. {@code iPhone 13 Pro}
 * @param productType "Product Type", e.g. {@code iPhone14,2}
 * @param productVersion "Product Version" (iOS version), e.g. {@code 16.6}
 * @param buildVersion "Build Version", e.g. {@code 20G75}
 * @param serialNumber "Serial Number"
 * @param udid device id ("Target Identifier", Lockdown {@code UniqueDeviceID}; upper-cased as
 *     "Unique Identifier")
 * @param guid "GUID" (32 upper-case hex)
 * @param imei "IMEI"
 * @param meid "MEID"
 * @param iccid "ICCID"
 * @param phoneNumber "Phone Number"
 * @param iTunesVersion "iTunes Version"
 * @param lastBackupDate "Last Backup Date" (also Manifest.plist and Status.plist {@code Date})
 * @param snapshotUuid Status.plist {@code UUID}
 * @param apps installed third-party apps: bundle id to its {@code iTunesMetadata} binary plist
 *     (may be empty bytes); listed in "Installed Applications", the "Applications" dict of
 *     Info.plist and Manifest.plist's {@code Applications}
 */
public record BackupDeviceInfo(
        String deviceName,
        String productName,
        String productType,
        String productVersion,
        String buildVersion,
        String serialNumber,
        String udid,
        String guid,
        String imei,
        String meid,
        String iccid,
        String phoneNumber,
        String iTunesVersion,
        Instant lastBackupDate,
        String snapshotUuid,
        Map<String, byte[]> apps) {
    public BackupDeviceInfo {
        Objects.requireNonNull(deviceName, "deviceName");
        Objects.requireNonNull(productType, "productType");
        Objects.requireNonNull(productVersion, "productVersion");
        Objects.requireNonNull(buildVersion, "buildVersion");
        Objects.requireNonNull(udid, "udid");
        Objects.requireNonNull(lastBackupDate, "lastBackupDate");
        apps = Map.copyOf(new TreeMap<>(apps));
    }

    /** Bundle ids of the installed apps, sorted. */
    public List<String> bundleIds() {
        return List.copyOf(new TreeMap<>(apps).keySet());
    }
}
