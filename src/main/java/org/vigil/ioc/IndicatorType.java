package org.vigil.ioc;

/**
 * Indicator types, named by MVT's list names (the {@code type} of {@code matched_indicator}).
 */
public enum IndicatorType {
    DOMAINS("domains"),
    URLS("urls"),
    PROCESSES("processes"),
    EMAILS("emails"),
    FILE_NAMES("file_names"),
    FILE_PATHS("file_paths"),
    FILES_MD5("files_md5"),
    FILES_SHA1("files_sha1"),
    FILES_SHA256("files_sha256"),
    APP_CERT_HASHES("app_cert_hashes"),
    APP_IDS("app_ids"),
    IOS_PROFILE_IDS("ios_profile_ids"),
    ANDROID_PROPERTY_NAMES("android_property_names");

    private final String listName;

    IndicatorType(String listName) {
        this.listName = listName;
    }

    /** MVT's list name, as written in matched_indicator.type. */
    public String listName() {
        return listName;
    }
}
