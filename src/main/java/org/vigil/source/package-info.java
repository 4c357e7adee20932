/**
 * Acquisition sources: the {@link org.vigil.source.AcquisitionSource} contract, artifact
 * references and patterns, and kind detection. Concrete sources live in sub-packages.
 */
package org.vigil.source;
