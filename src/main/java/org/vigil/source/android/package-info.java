/**
 * Android acquisitions: Android bug reports ({@link org.vigil.source.android.BugreportSource}),
 * read in place from their zip or folder.
 */
package org.vigil.source.android;
