/**
 * The modules of {@code vigil android check-androidqf}, one per androidqf artifact, in MVT's
 * ANDROIDQF_MODULES order ({@link org.vigil.modules.android.androidqf.AndroidQfModules#all()}).
 */
package org.vigil.modules.android.androidqf;
