/**
 * The indicator engine: STIX 2.1 loading ({@link org.vigil.ioc.Indicators#load}), immutable
 * hash-indexed {@link org.vigil.ioc.Indicators} with MVT's checks (bugs fixed, see
 * {@code docs/differences-from-mvt.md}), and the opt-in shortened-URL resolver
 * {@link org.vigil.ioc.UrlExpander}.
 */
package org.vigil.ioc;
