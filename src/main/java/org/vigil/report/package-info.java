/**
 * Output writers: MVT-compatible JSON and CSV files and Vigil's coverage.json, from a
 * {@link org.vigil.core.model.RunResult}. Reads only the core model.
 */
package org.vigil.report;
