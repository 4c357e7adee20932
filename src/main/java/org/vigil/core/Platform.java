package org.vigil.core;

/** The phone platform a module belongs to. */
public enum Platform {
    IOS,
    ANDROID
}
