/** Immutable values a run produces: alerts, levels, timeline rows, module outcomes, run info. */
package org.vigil.core.model;
