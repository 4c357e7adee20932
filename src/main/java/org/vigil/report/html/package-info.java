/**
 * The HTML report: one self-contained {@code report.html} (inline CSS, one small inline script
 * allowed by its hash, inline SVG, a strict Content-Security-Policy) built from a result folder
 * read by {@link org.vigil.report.folder.FolderReader}. All text comes from the resource bundle
 * {@code org/vigil/report/html/messages.properties}; all device-derived text is escaped by
 * {@link org.vigil.report.html.Html}.
 */
package org.vigil.report.html;
