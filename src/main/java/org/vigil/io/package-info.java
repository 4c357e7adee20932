/**
 * Evidence-safe readers and shared conversions: SQLite (read-only, immutable), plists (binary,
 * XML without external entities, NSKeyedArchiver), epoch conversions, hashing, JSON helpers.
 */
package org.vigil.io;
