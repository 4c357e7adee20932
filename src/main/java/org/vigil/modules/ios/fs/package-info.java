/**
 * iOS modules that run on full filesystem dumps only (MVT's "fs" modules): HTTP caches
 * ({@code cache_files}), networkd usage ({@code netusage}, sharing
 * {@link org.vigil.modules.ios.mixed.NetBase} with {@code datausage}), security analytics
 * ({@code analytics}, {@code analytics_ios_versions}), Safari favicons, the iOS update history and
 * the WebKit website-data folders. {@link org.vigil.modules.ios.fs.FsModules#all()} lists them in
 * MVT's order. Paths are globs relative to the dump root where {@code *} stays inside one path
 * component, as Python's {@code glob} ({@code FsArtifacts}).
 */
package org.vigil.modules.ios.fs;
