/**
 * Where a run's indicator files come from and how the public indicator collections are kept up to
 * date: {@link org.vigil.ioc.update.IndicatorSources} (files given on the command line, the
 * downloaded set, {@code VIGIL_IOCS}), {@link org.vigil.ioc.update.IndicatorIndex} (the
 * mvt-indicators {@code indicators.yaml} format), {@link org.vigil.ioc.update.IndicatorUpdater}
 * (atomic downloads into the user's data directory) and
 * {@link org.vigil.ioc.update.IndicatorCatalog} (what {@code vigil iocs list} shows). The only network access of this package is
 * {@link org.vigil.ioc.update.IndicatorUpdater#update(String)}, run by an explicit command. Nothing
 * here prints: results are returned and details logged.
 */
package org.vigil.ioc.update;
