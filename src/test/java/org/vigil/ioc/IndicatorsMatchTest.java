package org.vigil.ioc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vigil.testing.SharedData;

/** MVT's check tests (mvt-behaviour.md 7.3) and the fixed MVT bugs (12.6, 12.7). */
class IndicatorsMatchTest {

    private static final String COLL = "TestMalware";
    private static final String FILE = "test.stix2";

    /** The 9 indicators of MVT's generated test file, built in code. */
    private static Indicators.Builder generated() {
        return Indicators.builder()
                .add(IndicatorType.DOMAINS, "example.org", COLL, FILE)
                .add(IndicatorType.DOMAINS, "198.51.100.1", COLL, FILE)
                .add(IndicatorType.PROCESSES, "Launch", COLL, FILE)
                .add(IndicatorType.FILE_NAMES, "/var/foobar/txt", COLL, FILE)
                .add(IndicatorType.EMAILS, "foobar@example.org", COLL, FILE)
                .add(IndicatorType.ANDROID_PROPERTY_NAMES, "sys.foobar", COLL, FILE)
                .add(IndicatorType.FILES_SHA256,
                        "570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6", COLL, FILE)
                .add(IndicatorType.FILES_SHA1, "da0611a300a9ce9aa7a09d1212f203fca5856794", COLL, FILE)
                .add(IndicatorType.URLS, "http://example.com/thisisbad", COLL, FILE);
    }

    private static final Indicators IND = generated().build();

    private static String value(Optional<IndicatorMatch> m) {
        return m.map(x -> x.indicator().value()).orElse(null);
    }

    @Test
    void mvtCheckUrlExpectations() {
        assertThat(IND.totalCount()).isEqualTo(9);
        assertThat(IND.checkUrl("42")).isEmpty();
        assertThat(IND.checkUrl(null)).isEmpty();
        assertThat(value(IND.checkUrl("http://example.com/thisisbad")))
                .isEqualTo("http://example.com/thisisbad");
        assertThat(IND.checkUrl("http://example.com/thisisgood")).isEmpty();
        assertThat(value(IND.checkUrl("https://www.example.org/foobar"))).isEqualTo("example.org");
        assertThat(value(IND.checkUrl("http://example.org:8080/toto"))).isEqualTo("example.org");
        assertThat(IND.checkUrl("https://github.com")).isEmpty();
        assertThat(IND.checkUrl("https://example.com/")).isEmpty();
        assertThat(value(IND.checkUrl("https://198.51.100.1:8080/"))).isEqualTo("198.51.100.1");
        assertThat(IND.checkUrl("https://1.1.1.1/")).isEmpty();
    }

    @Test
    void generatedFileLoadedFromDiskMatchesToo() {
        Indicators ind = Indicators.load(List.of(SharedData.generatedIocs())).indicators();
        IndicatorMatch m = ind.checkUrl("https://www.example.org/foobar").orElseThrow();
        assertThat(m.indicator().toRef().name()).isEqualTo("TestMalware");
        assertThat(m.indicator().toRef().stix2FileName()).isEqualTo("generated-test-iocs.stix2");
        assertThat(m.indicator().toRef().type()).isEqualTo("domains");
        assertThat(ind.checkProcess("Launch")).isPresent();
        assertThat(ind.checkAndroidProperty("sys.foobar")).isPresent();
    }

    @Test
    void messagesUseMvtWording() {
        assertThat(IND.checkUrl("http://example.com/thisisbad").orElseThrow().message())
                .isEqualTo("Found a known suspicious URL http://example.com/thisisbad matching "
                        + "indicator \"http://example.com/thisisbad\" from \"TestMalware\"");
        assertThat(IND.checkUrl("https://example.org/x").orElseThrow().message())
                .isEqualTo("Found a known suspicious domain https://example.org/x matching "
                        + "indicator \"example.org\" from \"TestMalware\"");
        assertThat(IND.checkUrl("https://badbadbad.example.org/").orElseThrow().message())
                .isEqualTo("Found a sub-domain with a suspicious top level "
                        + "https://badbadbad.example.org/ matching indicator \"example.org\" "
                        + "from \"TestMalware\"");
        assertThat(IND.checkUrl("https://bit.ly/example.org").orElseThrow().message())
                .isEqualTo("Maybe found a known suspicious domain https://bit.ly/example.org "
                        + "matching indicator \"example.org\" from \"TestMalware\"");
        assertThat(IND.checkProcess("/usr/bin/Launch").orElseThrow().message())
                .isEqualTo("Found a known suspicious process name \"/usr/bin/Launch\" matching "
                        + "indicators from \"TestMalware\"");
        assertThat(IND.checkEmail("FooBar@Example.org").orElseThrow().message())
                .isEqualTo("Found a known suspicious email address \"FooBar@Example.org\" "
                        + "matching indicators from \"TestMalware\"");
        assertThat(IND.checkFileName("/var/foobar/txt").orElseThrow().message())
                .isEqualTo("Found a known suspicious file name \"/var/foobar/txt\" matching "
                        + "indicators from \"TestMalware\"");
        assertThat(IND.checkAndroidProperty("SYS.FOOBAR").orElseThrow().message())
                .isEqualTo("Found a known suspicious Android property \"SYS.FOOBAR\" matching "
                        + "indicators from \"TestMalware\"");
    }

    @Test
    void checkFileHash() {
        assertThat(IND.checkFileHash(
                "003764fd74bf13cff9bf1ddd870cbf593b23e2b584ba4465114023870ea6fbef")).isEmpty();
        assertThat(value(IND.checkFileHash(
                "570CD76BF49CF52E0CB347A68BDCF0590B2EAECE134E1B1EBA7E8D66261BDBE6")))
                .isEqualTo("570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6");
        IndicatorMatch sha1 = IND.checkFileHash("da0611a300a9ce9aa7a09d1212f203fca5856794")
                .orElseThrow();
        assertThat(sha1.indicator().type()).isEqualTo(IndicatorType.FILES_SHA1);
        assertThat(sha1.message()).isEqualTo("Found a known suspicious file with hash "
                + "\"da0611a300a9ce9aa7a09d1212f203fca5856794\" matching indicators from "
                + "\"TestMalware\"");
        assertThat(IND.checkFileHash("")).isEmpty();
    }

    @Test
    void checkAndroidProperty() {
        assertThat(IND.checkAndroidProperty("sys.foobar")).isPresent();
        assertThat(IND.checkAndroidProperty("sys.soundsokay")).isEmpty();
        assertThat(IND.checkAndroidProperty(null)).isEmpty();
    }

    @Test
    void batchesPreserveOrder() {
        List<Optional<IndicatorMatch>> r = IND.checkUrlBatches(Arrays.asList(
                List.of("https://github.com", "http://example.com/thisisbad",
                        "https://www.example.org/foobar"),
                List.of("https://github.com", "https://www.example.org/foobar"),
                List.of(),
                null));
        assertThat(r).hasSize(4);
        assertThat(value(r.get(0))).isEqualTo("http://example.com/thisisbad");
        assertThat(value(r.get(1))).isEqualTo("example.org");
        assertThat(r.get(2)).isEmpty();
        assertThat(r.get(3)).isEmpty();
        assertThat(value(IND.checkUrls(List.of("https://github.com", "https://example.org"))))
                .isEqualTo("example.org");
    }

    @Test
    void googleMapsShortLinkIsNotAShortener() {
        assertThat(UrlExpander.isShortened("https://goo.gl/maps/example")).isFalse();
        assertThat(UrlExpander.isShortened("goo.gl/maps/example?x=1")).isFalse();
        assertThat(UrlExpander.isShortened("https://goo.gl/example")).isTrue();
        assertThat(UrlExpander.isShortened("https://www.bit.ly/x")).isTrue();
        assertThat(UrlExpander.isShortened("https://example.org/x")).isFalse();
        assertThat(UrlShorteners.domains()).hasSize(309).contains("bit.ly", "t.co", "zz.gd");
        assertThat(IND.checkUrl("https://goo.gl/maps/example")).isEmpty();
    }

    // ------------------------------------------------------------ MVT bugs fixed

    @Test
    void onlyALiteralWwwPrefixIsStripped() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.DOMAINS, "eb.example.org", "c", "f")
                .add(IndicatorType.DOMAINS, "example.net", "c", "f")
                .build();
        // MVT's lstrip("www.") turned web.example.org into eb.example.org.
        assertThat(ind.checkUrl("https://web.example.org/")).isEmpty();
        // ... and wwwexample.net into example.net.
        assertThat(ind.checkUrl("https://wwwexample.net/")).isEmpty();
        assertThat(ind.checkUrl("https://www.eb.example.org/").orElseThrow().message())
                .startsWith("Found a known suspicious domain");
        assertThat(ind.checkUrl("https://www.example.net/")).isPresent();
    }

    @Test
    void ipIndicatorsMatchExactlyNotAsSubstrings() {
        assertThat(IND.checkUrl("https://198.51.100.10/")).isEmpty();
        assertThat(IND.checkUrl("https://198.51.100.1/x")).isPresent();
        assertThat(IND.checkUrl("http://198.51.100.1:443/x").orElseThrow().message())
                .startsWith("Found a known suspicious domain");
        assertThat(IND.checkUrl("https://2198.51.100.1/")).isEmpty();
        assertThat(IND.checkDomain("198.51.100.1")).isPresent();
    }

    @Test
    void ipv6Indicators() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.DOMAINS, "2001:DB8::0:1", "c", "f").build();
        assertThat(value(ind.checkUrl("https://[2001:db8:0:0::1]:8443/a")))
                .isEqualTo("2001:db8::1");
        assertThat(ind.checkUrl("https://[2001:db8::10]/")).isEmpty();
        assertThat(ind.checkDomain("2001:db8::1")).isPresent();
    }

    @Test
    void hostIsCaseInsensitiveAndSchemeOptional() {
        assertThat(IND.checkUrl("HTTPS://EXAMPLE.ORG/Path")).isPresent();
        assertThat(IND.checkUrl("example.org/path")).isPresent();
        assertThat(IND.checkDomain("Example.Org")).isPresent();
        assertThat(IND.checkUrl("https://user:pw@example.org/")).isPresent();
        assertThat(IND.checkUrl("https://example.org./")).isPresent();
    }

    @Test
    void urlIndicatorsIgnoreSchemeAndHostCaseButKeepPathCase() {
        assertThat(IND.checkUrl("HTTP://Example.COM/thisisbad")).isPresent();
        assertThat(IND.checkUrl("http://example.com/THISISBAD")).isEmpty();
        assertThat(IND.checkUrl("http://example.com/thisisbad/")).isEmpty();
    }

    @Test
    void registeredDomainUsesPublicSuffixListIncludingPrivateSuffixes() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.DOMAINS, "evil.co.uk", "c", "f")
                .add(IndicatorType.DOMAINS, "attacker.github.io", "c", "f")
                .add(IndicatorType.DOMAINS, "co.uk", "c", "f")
                .build();
        assertThat(value(ind.checkUrl("https://a.b.evil.co.uk/"))).isEqualTo("evil.co.uk");
        assertThat(value(ind.checkUrl("https://x.attacker.github.io/")))
                .isEqualTo("attacker.github.io");
        // A public suffix indicator does not flag every domain under it.
        assertThat(ind.checkUrl("https://good.co.uk/")).isEmpty();
        assertThat(ind.checkUrl("https://other.github.io/")).isEmpty();
    }

    @Test
    void subDomainIndicatorMatchesItsOwnSubDomains() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.DOMAINS, "cdn.example.com", "c", "f").build();
        assertThat(value(ind.checkUrl("https://x.cdn.example.com/"))).isEqualTo("cdn.example.com");
        assertThat(ind.checkUrl("https://example.com/")).isEmpty();
        assertThat(ind.checkUrl("https://xcdn.example.com/")).isEmpty();
    }

    @Test
    void fallbackOnlyMatchesWholeTokens() {
        // Unresolved shortener (offline): the short URL text is searched for whole tokens.
        assertThat(value(IND.checkUrl("https://bit.ly/example.org"))).isEqualTo("example.org");
        assertThat(value(IND.checkUrl("https://bit.ly/sub.example.org"))).isEqualTo("example.org");
        assertThat(IND.checkUrl("https://bit.ly/notexample.org")).isEmpty();
        assertThat(IND.checkUrl("https://bit.ly/example.organic")).isEmpty();
        assertThat(IND.checkUrl("https://bit.ly/198.51.100.10")).isEmpty();
        assertThat(value(IND.checkUrl("https://t.co/x?u=198.51.100.1"))).isEqualTo("198.51.100.1");
        // Hosts MVT cannot parse (no public suffix) also use the fallback.
        assertThat(value(IND.checkUrl("http://localhost/redirect?to=example.org")))
                .isEqualTo("example.org");
        assertThat(IND.checkUrl("http://localhost/redirect?to=myexample.org")).isEmpty();
        // Text that is not a URL at all.
        assertThat(value(IND.checkUrl("see <example.org> now"))).isEqualTo("example.org");
    }

    @Test
    void filePathPrefixStopsAtSeparator() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.FILE_PATHS, "/private/var/tmp/", "c", "f")
                .add(IndicatorType.FILE_PATHS, "/data/local/tmp/evil", "c", "f")
                .build();
        assertThat(ind.checkFilePath("/private/var/tmpfoo")).isEmpty();
        assertThat(ind.checkFilePath("/private/var/tmp")).isPresent();
        assertThat(ind.checkFilePath("/private/var/tmp/x/y").orElseThrow().message())
                .isEqualTo("Found a known suspicious file path \"/private/var/tmp/x/y\" matching "
                        + "indicators form \"c\"");
        assertThat(ind.checkFilePath("/data/local/tmp/evil")).isPresent();
        assertThat(ind.checkFilePath("/data/local/tmp/evil2")).isEmpty();
        assertThat(ind.checkFilePath("/data/local/tmp/evil/lib.so")).isPresent();
    }

    @Test
    void filePathChecksFileNamesOnTheBasenameFirst() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.FILE_NAMES, "payload.dylib", "names", "f")
                .add(IndicatorType.FILE_PATHS, "/tmp", "paths", "f")
                .build();
        assertThat(ind.checkFilePath("/tmp/payload.dylib").orElseThrow().indicator().collection())
                .isEqualTo("names");
        assertThat(ind.checkFilePath("/tmp/other").orElseThrow().indicator().collection())
                .isEqualTo("paths");
        assertThat(ind.checkFileName("Payload.dylib")).isEmpty();
    }

    @Test
    void profileIdIsExactAndCaseInsensitive() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.IOS_PROFILE_IDS, "5A3B1C2D-0000-4000-8000-00000000ABCD", "c", "f")
                .build();
        assertThat(ind.checkProfileId("5a3b1c2d-0000-4000-8000-00000000abcd")).isPresent();
        // MVT: uuid in ioc (substring), so any fragment matched.
        assertThat(ind.checkProfileId("5A3B1C2D")).isEmpty();
        assertThat(ind.checkProfileId("0")).isEmpty();
    }

    @Test
    void processNamesAreCaseSensitiveWithTruncatedPrefixRule() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.PROCESSES, "Launch", "c", "f")
                .add(IndicatorType.PROCESSES, "com.apple.averylongdaemonname", "c", "f")
                .build();
        assertThat(ind.checkProcess("launch")).isEmpty();
        assertThat(ind.checkProcess("/sbin/Launch")).isPresent();
        String truncated = "com.apple.averylongdaemonname".substring(0, 16);
        IndicatorMatch m = ind.checkProcess(truncated).orElseThrow();
        assertThat(m.indicator().value()).isEqualTo("com.apple.averylongdaemonname");
        assertThat(m.message()).isEqualTo("Found a truncated known suspicious process name \""
                + truncated + "\" matching indicators from \"c\"");
        // Only exactly-16-character names are treated as truncated.
        assertThat(ind.checkProcess(truncated.substring(0, 15))).isEmpty();
        assertThat(ind.checkProcess("com.apple.averylongdaemonnameX")).isEmpty();
    }

    @Test
    void filePathProcessComponents() {
        assertThat(IND.checkFilePathProcess("/private/var/db/Launch/data").orElseThrow().message())
                .isEqualTo("Found known suspicious process name mentioned in file at path "
                        + "\"/private/var/db/Launch/data\" matching indicators from \"TestMalware\"");
        assertThat(IND.checkFilePathProcess("/private/var/db/Launcher/data")).isEmpty();
    }

    @Test
    void appIdsEmailsAndCertsAreCaseInsensitive() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.APP_IDS, "com.Malware.Blah", "c", "f").build();
        assertThat(ind.checkAppId("com.malware.blah").orElseThrow().message())
                .isEqualTo("Found a known suspicious app with ID \"com.malware.blah\" matching "
                        + "indicators from \"c\"");
        assertThat(ind.checkAppId("com.malware")).isEmpty();
        assertThat(IND.checkEmail("foobar@example.org")).isPresent();
        assertThat(IND.checkEmail("foobar@example.org.evil")).isEmpty();
    }

    @Test
    void firstHitInLoadOrderWins() {
        Indicators ind = Indicators.builder()
                .add(IndicatorType.DOMAINS, "example.org", "first", "a.stix2")
                .add(IndicatorType.DOMAINS, "example.org", "second", "b.stix2")
                .build();
        assertThat(ind.totalCount()).isEqualTo(2);
        assertThat(ind.checkDomain("example.org").orElseThrow().indicator().collection())
                .isEqualTo("first");
    }

    @Test
    void emptyIndicatorsNeverMatch() {
        Indicators e = Indicators.empty();
        assertThat(e.isEmpty()).isTrue();
        assertThat(e.checkUrl("https://example.org")).isEmpty();
        assertThat(e.checkProcess("Launch")).isEmpty();
        assertThat(e.checkFilePath("/tmp/x")).isEmpty();
    }
}
