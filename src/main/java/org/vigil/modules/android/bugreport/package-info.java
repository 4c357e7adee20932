/**
 * Android bug report modules (MVT's {@code check-bugreport} set): one class per {@code dumpsys}
 * section or file of the bug report, reading the dumpstate text through
 * {@link org.vigil.modules.android.bugreport.DumpsysSections}.
 */
package org.vigil.modules.android.bugreport;
