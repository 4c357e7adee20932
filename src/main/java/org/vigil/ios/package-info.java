/**
 * Facts about Apple's iOS releases and iPhone models (build to version, latest known version,
 * model identifier to name), bundled as resources and shared by sources and modules.
 */
package org.vigil.ios;
