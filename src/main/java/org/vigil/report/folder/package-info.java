/**
 * Reads a result folder back (Vigil's or MVT's: info.json, coverage.json, alerts.json or
 * {@code *_detected.json}, timeline.csv, {@code <slug>.json}) into a bounded summary for the HTML
 * report: every count is exact, but only a bounded number of alerts and timeline rows is kept.
 * Reads only files and the core model.
 */
package org.vigil.report.folder;
