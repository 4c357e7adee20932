/**
 * Synthetic evidence for {@code vigil demo}: a writer for unencrypted iTunes/Finder backup folders
 * in the real on-disk format ({@link org.vigil.demo.BackupWriter}), builders for the iOS SQLite
 * databases the iOS modules read ({@link org.vigil.demo.SmsDb}, {@link org.vigil.demo.DataUsageDb},
 * {@link org.vigil.demo.SafariHistoryDb}), and a ready-made scenario with benign data and a few
 * planted traces of a fictional campaign ({@link org.vigil.demo.DemoScenario}) plus its STIX2
 * indicators ({@link org.vigil.demo.DemoIndicators}).
 *
 * <p>Everything here is deterministic: all times come from constants or from the caller, never from
 * the clock, so two runs write byte-identical files. All names, domains and numbers are fictional
 * (domains under the RFC 2606 {@code example.*} names, phone numbers in the 555-01xx fiction range).
 * This package only writes into folders the caller names; it never reads evidence.
 */
package org.vigil.demo;
