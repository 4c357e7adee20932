/**
 * Android acquisition sources: adb backups ({@code .ab}, plain, compressed or AES-256 encrypted,
 * or unpacked), read as a stream with their tar members extracted only when a module needs them;
 * androidqf acquisitions and bug reports (folder or zip, read in place, only the needed entries
 * extracted). Hostile input: no zip/tar slip, bounded sizes, symlinks not followed.
 */
package org.vigil.source.android;
