package org.vigil.ioc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostSuffixesTest {
    private static final List<String> HOSTS = List.of(
            "example.com", "a.b.example.com", "example.co.uk", "co.uk", "com", "foo.blogspot.com",
            "blogspot.com", "x.y.ck", "www.ck", "localhost", "host.invalidtld", "123.dat", "file.plist",
            "bücher.de", "xn--bcher-kva.de", "a..b", "-bad-.com", "s3.amazonaws.com");

    @Test
    void givesWhatThePublicSuffixListSaysWhetherRememberedOrNot() {
        HostSuffixes memo = new HostSuffixes(HostSuffixes.MAX_ENTRIES);
        HostSuffixes none = new HostSuffixes(0);
        for (int round = 0; round < 2; round++) {
            for (String host : HOSTS) {
                String registered = Hosts.registeredDomain(host);
                boolean suffix = registered != null || Hosts.hasPublicSuffix(host);
                HostSuffixes.Info expected = new HostSuffixes.Info(registered, suffix);
                assertThat(memo.of(host)).as(host).isEqualTo(expected);
                assertThat(none.of(host)).as(host).isEqualTo(expected);
            }
        }
        assertThat(memo.size()).isEqualTo(HOSTS.size());
        assertThat(none.size()).isZero();
        assertThat(memo.of("a.b.example.com").registered()).isEqualTo("example.com");
        assertThat(memo.of("co.uk")).isEqualTo(new HostSuffixes.Info(null, true));
        assertThat(memo.of("localhost")).isEqualTo(new HostSuffixes.Info(null, false));
    }

    @Test
    void keepsAtMostItsBound() {
        HostSuffixes memo = new HostSuffixes(3);
        for (int i = 0; i < 10; i++) {
            assertThat(memo.of("h" + i + ".example.org").registered()).isEqualTo("example.org");
        }
        assertThat(memo.size()).isEqualTo(3);
        HostSuffixes fresh = new HostSuffixes(HostSuffixes.MAX_ENTRIES);
        String longHost = "a".repeat(300) + ".example.org";
        assertThat(fresh.of(longHost)).isEqualTo(new HostSuffixes.Info(Hosts.registeredDomain(longHost),
                Hosts.registeredDomain(longHost) != null || Hosts.hasPublicSuffix(longHost)));
        assertThat(fresh.size()).as("hosts longer than any domain name are not kept").isZero();
    }
}
