/**
 * The indicator engine: STIX 2.1 loading, immutable indexed {@link org.vigil.ioc.Indicators},
 * matchers for domains/URLs (Public Suffix List), paths, processes, hashes and ids, and indicator
 * downloads.
 */
package org.vigil.ioc;
