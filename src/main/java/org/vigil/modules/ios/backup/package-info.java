/**
 * iOS modules that read files only an iTunes/Finder backup has (its Info.plist and Manifest.db)
 * or that MVT runs on backups only (configuration profiles and their events, found through
 * Manifest.db), one class per artifact, named and slugged as MVT's backup modules.
 */
package org.vigil.modules.ios.backup;
