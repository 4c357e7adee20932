/** Built-in modules (one class per device artifact) and their registry. */
package org.vigil.modules;
