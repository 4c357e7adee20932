/**
 * Android acquisitions: {@link org.vigil.source.android.AndroidQfSource} reads an androidqf
 * acquisition folder or zip in place; {@link org.vigil.source.android.AndroidQfProbe} recognises
 * one for {@link org.vigil.source.SourceDetector}.
 */
package org.vigil.source.android;
