/**
 * The Android intrusion-log modules (MVT's {@code mvt.android.modules.intrusion_logs}): DNS
 * queries, network connections and security events, read from the buckets an
 * {@link org.vigil.source.android.IntrusionLogSource} parsed once.
 */
package org.vigil.modules.android.intrusion;
