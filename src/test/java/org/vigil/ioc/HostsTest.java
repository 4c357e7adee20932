package org.vigil.ioc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HostsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "https://www.Example.ORG/foobar|example.org|false|/foobar",
        "http://example.org:8080/toto|example.org|false|/toto",
        "example.org/path?q=1|example.org|false|/path?q=1",
        "//example.org|example.org|false|''",
        "https://user:pw@evil.example:443/x|evil.example|false|/x",
        "https://web.example.org/|web.example.org|false|/",
        "https://wwwexample.org/|wwwexample.org|false|/",
        "https://198.51.100.1:8080/|198.51.100.1|true|/",
        "https://[2001:DB8:0::1]:8443/a|2001:db8::1|true|/a",
        "https://example.org.|example.org|false|''",
        "https://exa mple.org/|NULL|false|/",
        "https://example.org:80a/|NULL|false|/",
        "https://[::1/|NULL|false|/",
    })
    void parse(String url, String host, boolean ip, String path) {
        Hosts.UrlParts p = Hosts.parse(url);
        assertThat(p.host()).isEqualTo(host);
        assertThat(p.ip()).isEqualTo(ip);
        assertThat(p.path()).isEqualTo(path);
    }

    @Test
    void registeredDomain() {
        assertThat(Hosts.registeredDomain("a.b.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(Hosts.registeredDomain("x.attacker.github.io")).isEqualTo("attacker.github.io");
        assertThat(Hosts.registeredDomain("example.org")).isEqualTo("example.org");
        assertThat(Hosts.registeredDomain("co.uk")).isNull();
        assertThat(Hosts.registeredDomain("localhost")).isNull();
        assertThat(Hosts.registeredDomain("foo.invalidsuffixxyz")).isNull();
    }

    @Test
    void ipLiterals() {
        assertThat(Hosts.isIpv4("198.51.100.1")).isTrue();
        assertThat(Hosts.isIpv4("198.51.100.256")).isFalse();
        assertThat(Hosts.isIpv4("198.51.100")).isFalse();
        assertThat(Hosts.isIpv4("1.2.3.4.5")).isFalse();
        assertThat(Hosts.canonicalIp("2001:0DB8:0000::0001")).isEqualTo("2001:db8::1");
        assertThat(Hosts.canonicalIp("example.org")).isNull();
    }

    @Test
    void urlKeyLowersSchemeAndHostOnly() {
        assertThat(Hosts.urlKey("HTTPS://Example.COM/Path?Q=A")).isEqualTo("https://example.com/Path?Q=A");
        assertThat(Hosts.urlKey("Example.COM/Path")).isEqualTo("example.com/Path");
    }
}
