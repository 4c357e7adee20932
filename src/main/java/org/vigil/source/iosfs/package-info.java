/**
 * Full iOS filesystem dumps (folder, tar, tar.gz, zip; rooted at {@code /} or under one leading
 * folder): {@link org.vigil.source.iosfs.IosFsSource} indexes the entries once and extracts only
 * what modules read; {@link org.vigil.source.iosfs.IosFsProbe} recognises dumps for
 * {@link org.vigil.source.SourceDetector}.
 */
package org.vigil.source.iosfs;
