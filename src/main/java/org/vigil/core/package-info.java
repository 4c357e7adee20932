/**
 * The module contract and the runner: {@link org.vigil.core.Module}, its descriptor and context,
 * typed failures, and {@link org.vigil.core.ModuleRunner}, which orders modules by dependency and
 * isolates each module's failure as a status. Knows no concrete module, source or output format.
 */
package org.vigil.core;
