package org.vigil.ioc;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded memo of the Public Suffix List facts domain matching needs per host: its registered
 * domain and, when it has none, whether it ends in a public suffix. Both are pure functions of the
 * host ({@link Hosts#registeredDomain}, {@link Hosts#hasPublicSuffix}); parsing a name through
 * Guava's {@code InternetDomainName} costs microseconds and a visit history or a message
 * database names the same few thousand hosts again and again. Thread-safe; at most
 * a fixed number of hosts are kept (later hosts are computed every time), so memory stays
 * bounded whatever the input.
 */
final class HostSuffixes {
    /** Upper bound on remembered hosts (with {@link #MAX_HOST_LENGTH}: about 15 MB at worst). */
    static final int MAX_ENTRIES = 1 << 15;
    /** Longer hosts (no valid domain name is) are computed every time, never kept. */
    static final int MAX_HOST_LENGTH = 253;

    /**
     * What the Public Suffix List says about one host.
     *
     * @param registered the registered domain (eTLD+1), or null
     * @param publicSuffix true when the host ends in a public suffix (only computed, and only
     *     meaningful, when {@code registered} is null; true otherwise)
     */
    record Info(String registered, boolean publicSuffix) {}

    private final ConcurrentHashMap<String, Info> memo = new ConcurrentHashMap<>();
    private final int maxEntries;

    /** A memo keeping at most {@code maxEntries} hosts (0: a pass-through, nothing kept). */
    HostSuffixes(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The facts for {@code host} (a normalised, non-IP host name). */
    Info of(String host) {
        Info info = memo.get(host);
        if (info == null) {
            String registered = Hosts.registeredDomain(host);
            info = new Info(registered, registered != null || Hosts.hasPublicSuffix(host));
            if (memo.size() < maxEntries && host.length() <= MAX_HOST_LENGTH) {
                memo.putIfAbsent(host, info);
            }
        }
        return info;
    }

    /** How many hosts are remembered. */
    int size() {
        return memo.size();
    }
}
