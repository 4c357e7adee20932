package org.vigil.ioc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.ioc.IndicatorType.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.testing.SharedData;

class IndicatorsLoadTest {

    @TempDir
    Path tmp;

    private static Indicators loadOk(Path... files) {
        Indicators.LoadResult r = Indicators.load(List.of(files));
        assertThat(r.errors()).isEmpty();
        return r.indicators();
    }

    @Test
    void generatedTestIocs() {
        Path file = SharedData.generatedIocs();
        Indicators ind = loadOk(file);
        assertThat(ind.collections()).hasSize(1);
        IndicatorCollection c = ind.collections().get(0);
        assertThat(c.name()).isEqualTo("TestMalware");
        assertThat(c.stixFileName()).isEqualTo("generated-test-iocs.stix2");
        assertThat(c.count()).isEqualTo(9);
        assertThat(ind.totalCount()).isEqualTo(9);
        assertThat(c.values(DOMAINS)).containsExactly("example.org", "198.51.100.1");
        assertThat(c.values(EMAILS)).containsExactly("foobar@example.org");
        assertThat(c.values(FILE_NAMES)).containsExactly("/var/foobar/txt");
        assertThat(c.values(PROCESSES)).containsExactly("Launch");
        assertThat(c.values(ANDROID_PROPERTY_NAMES)).containsExactly("sys.foobar");
        assertThat(c.values(FILES_SHA256)).containsExactly(
                "570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6");
        assertThat(c.values(FILES_SHA1)).containsExactly(
                "da0611a300a9ce9aa7a09d1212f203fca5856794");
        assertThat(c.values(URLS)).containsExactly("http://example.com/thisisbad");
        assertThat(ind.countsByType()).isEqualTo(Map.of(DOMAINS, 2, EMAILS, 1, FILE_NAMES, 1,
                PROCESSES, 1, ANDROID_PROPERTY_NAMES, 1, FILES_SHA256, 1, FILES_SHA1, 1, URLS, 1));

        IndicatorFileInfo info = ind.files().get(0);
        assertThat(info.path()).isEqualTo(file.toAbsolutePath().toString());
        assertThat(info.sha256()).hasSize(64).matches("[0-9a-f]+");
        assertThat(info.indicatorCount()).isEqualTo(9);
        assertThat(info.countsByType()).containsEntry("domains", 2).containsEntry("urls", 1)
                .hasSize(8);
        assertThat(info.collections()).containsExactly("TestMalware");
        assertThat(info.skipped()).isEmpty();
    }

    @Test
    void cytroxAmnestyFile() {
        Indicators ind = loadOk(SharedData.require("testdata/mvt-artifacts/stix2/cytrox.stix2"));
        assertThat(ind.collections()).hasSize(1);
        assertThat(ind.totalCount()).isEqualTo(343);
        assertThat(ind.countsByType()).isEqualTo(
                Map.of(DOMAINS, 336, FILE_PATHS, 6, IOS_PROFILE_IDS, 1));
    }

    @Test
    void otxFileWithSpacesAroundEquals() {
        Indicators ind = loadOk(SharedData.require(
                "testdata/mvt-artifacts/stix2/638cd3ee5e5f019f84f9e0ea.json"));
        assertThat(ind.collections()).hasSize(1);
        IndicatorCollection c = ind.collections().get(0);
        assertThat(c.id()).isEqualTo("report--eaad6132-6cae-4287-b414-a052969f312b");
        assertThat(c.name()).startsWith("Pegasus Forensic Traces per Target");
        assertThat(ind.totalCount()).isEqualTo(69);
        assertThat(ind.countsByType()).isEqualTo(Map.of(DOMAINS, 15, URLS, 54));
        assertThat(c.values(URLS)).contains("https://nnews.co/2661562s/");
    }

    @Test
    void allPublicIocFilesLoad() throws IOException {
        Path dir = SharedData.require("iocs");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".stix2")).sorted().forEach(files::add);
        }
        assertThat(files).hasSize(17);
        Indicators ind = loadOk(files.toArray(Path[]::new));
        assertThat(ind.files()).hasSize(17);
        // Counts per file = indicator objects, as analysed with an independent script.
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("amnesty-cytrox.stix2", 343),
                Map.entry("amnesty-malware.stix2", 2187),
                Map.entry("amnesty-novispy.stix2", 18),
                Map.entry("amnesty-wintego_helios.stix2", 175),
                Map.entry("mvt-indicators-candiru.stix2", 125),
                Map.entry("mvt-indicators-cellebrite.stix2", 1),
                Map.entry("mvt-indicators-darksword.stix2", 43),
                Map.entry("mvt-indicators-eaglemsgspy.stix2", 51),
                Map.entry("mvt-indicators-residentbat.stix2", 48),
                Map.entry("mvt-indicators-wyrmspy_dragonegg.stix2", 53));
        int sum = 0;
        for (IndicatorFileInfo f : ind.files()) {
            String name = Path.of(f.path()).getFileName().toString();
            assertThat(f.skipped()).as(name).isEmpty();
            assertThat(f.indicatorCount()).as(name).isPositive();
            if (expected.containsKey(name)) {
                assertThat(f.indicatorCount()).as(name).isEqualTo(expected.get(name));
            }
            sum += f.indicatorCount();
            System.out.println("IOC file " + name + ": " + f.indicatorCount() + " "
                    + f.countsByType() + " collections=" + f.collections().size());
        }
        assertThat(ind.totalCount()).isEqualTo(sum).isBetween(9_000, 11_000);
        System.out.println("IOC total " + ind.totalCount() + " " + ind.countsByType());
        // A directory stands for its *.stix2 files.
        assertThat(loadOk(dir).totalCount()).isEqualTo(ind.totalCount());
    }

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static String indicator(String id, String pattern) {
        return "{\"type\":\"indicator\",\"id\":\"" + id + "\",\"pattern_type\":\"stix\","
                + "\"pattern\":" + json(pattern) + "}";
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String bundle(String... objects) {
        return "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[" + String.join(",", objects)
                + "]}";
    }

    @Test
    void badFilesAreReportedByNameAndOthersStillLoad() throws IOException {
        Path notJson = write("broken.stix2", "this is not json {");
        Path notBundle = write("array.stix2", "[1,2,3]");
        Path noObjects = write("nobundle.stix2", "{\"type\":\"report\"}");
        Path missing = tmp.resolve("missing.stix2");
        Path good = write("good.stix2", bundle(indicator("indicator--a",
                "[domain-name:value = 'Evil.Example.COM']")));
        Indicators.LoadResult r = Indicators.load(List.of(notJson, notBundle, missing, good,
                noObjects));
        assertThat(r.errors()).hasSize(4);
        assertThat(r.errors().get(0)).contains(notJson.toString()).contains("not a JSON file");
        assertThat(r.errors().get(1)).contains(notBundle.toString()).contains("not a STIX 2 bundle");
        assertThat(r.errors().get(2)).isEqualTo("No indicators file exists at path " + missing);
        assertThat(r.errors().get(3)).contains(noObjects.toString()).contains("not a STIX 2 bundle");
        assertThat(r.indicators().totalCount()).isEqualTo(1);
        IndicatorCollection c = r.indicators().collections().get(0);
        assertThat(c.name()).isEqualTo("Default collection");
        assertThat(c.id()).isEqualTo("0");
        assertThat(c.description()).isEqualTo("Collection with IOCs unrelated to malware or reports");
        assertThat(c.values(DOMAINS)).containsExactly("evil.example.com");
    }

    @Test
    void assignmentReportsFirstThenIndicatesRelationshipThenDefault() throws IOException {
        Path f = write("assign.stix2", bundle(
                "{\"type\":\"malware\",\"id\":\"malware--m\",\"name\":\"Mal\"}",
                "{\"type\":\"malware\",\"id\":\"malware--empty\",\"name\":\"Empty\"}",
                "{\"type\":\"report\",\"id\":\"report--r\",\"name\":\"Rep\","
                        + "\"object_refs\":[\"indicator--1\"]}",
                indicator("indicator--1", "[domain-name:value = 'in-report.example']"),
                indicator("indicator--2", "[domain-name:value = 'in-malware.example']"),
                indicator("indicator--3", "[domain-name:value = 'orphan.example']"),
                indicator("indicator--4", "[domain-name:value = 'related.example']"),
                "{\"type\":\"relationship\",\"id\":\"relationship--a\","
                        + "\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--1\","
                        + "\"target_ref\":\"malware--m\"}",
                "{\"type\":\"relationship\",\"id\":\"relationship--b\","
                        + "\"relationship_type\":\"indicates\",\"source_ref\":\"indicator--2\","
                        + "\"target_ref\":\"malware--m\"}",
                "{\"type\":\"relationship\",\"id\":\"relationship--c\","
                        + "\"relationship_type\":\"related-to\",\"source_ref\":\"indicator--4\","
                        + "\"target_ref\":\"malware--m\"}"));
        Indicators ind = loadOk(f);
        assertThat(ind.collections()).extracting(IndicatorCollection::name)
                .containsExactly("Mal", "Empty", "Rep", "Default collection");
        assertThat(ind.collections().get(0).values(DOMAINS)).containsExactly("in-malware.example");
        assertThat(ind.collections().get(1).count()).isZero();
        assertThat(ind.collections().get(2).values(DOMAINS)).containsExactly("in-report.example");
        assertThat(ind.collections().get(3).values(DOMAINS))
                .containsExactly("orphan.example", "related.example");
        assertThat(ind.checkDomain("in-report.example").orElseThrow().indicator().collection())
                .isEqualTo("Rep");
    }

    @Test
    void compoundPatternsAndUnknownTypesAreCountedNotFatal() throws IOException {
        Path f = write("compound.stix2", bundle(
                indicator("indicator--1", "[domain-name:value = 'a.example' OR "
                        + "ipv4-addr:value = '192.0.2.7' OR x509-certificate:serial_number = '1']"),
                indicator("indicator--2", "[file:name = 'x' AND file:size = '3']"),
                indicator("indicator--3", "[mutex:name = 'm']"),
                indicator("indicator--4", "[ipv6-addr:value = '2001:DB8:0:0::1']"),
                indicator("indicator--5", "[ipv4-addr:value = '10.0.0.0/8']"),
                indicator("indicator--6", "[url:value = 'https://x.example/?q=a=b']"),
                indicator("indicator--7", "[file:hashes.'SHA-512' = 'ff']"),
                "{\"type\":\"indicator\",\"id\":\"indicator--8\",\"pattern_type\":\"yara\","
                        + "\"pattern\":\"rule x {}\"}",
                indicator("indicator--9", "[domain-name:value = 'a.example']")));
        Indicators ind = loadOk(f);
        assertThat(ind.countsByType()).isEqualTo(Map.of(DOMAINS, 3, URLS, 1));
        assertThat(ind.collections().get(0).values(DOMAINS))
                .containsExactly("a.example", "192.0.2.7", "2001:db8::1");
        assertThat(ind.skipped()).isEqualTo(Map.of(
                "unsupported object path x509-certificate:serial_number", 1,
                "compound pattern with AND", 1,
                "unsupported object path mutex:name", 1,
                "IPv4 CIDR range", 1,
                "unsupported object path file:hashes.'SHA-512'", 1,
                "pattern_type yara", 1));
        assertThat(ind.files().get(0).skipped()).isEqualTo(ind.skipped());
        assertThat(ind.checkUrl("https://x.example/?q=a=b")).isPresent();
    }

    @Test
    void dedupWithinOneListOfOneCollectionOnly() throws IOException {
        String body = bundle(
                indicator("indicator--1", "[domain-name:value = 'dup.example']"),
                indicator("indicator--2", "[domain-name:value = 'DUP.example']"),
                indicator("indicator--3", "[email-addr:value = 'dup.example']"));
        Path a = write("a.stix2", body);
        Path b = write("b.stix2", body);
        Indicators ind = loadOk(a, b);
        // MVT: dedup in one list of one collection; the same IOC in two files counts twice.
        assertThat(ind.totalCount()).isEqualTo(4);
        assertThat(ind.checkDomain("dup.example").orElseThrow().indicator().stixFile())
                .isEqualTo("a.stix2");
    }

    @Test
    void hashKeyVariants() throws IOException {
        String sha256 = "570cd76bf49cf52e0cb347a68bdcf0590b2eaece134e1b1eba7e8d66261bdbe6";
        String sha1 = "da0611a300a9ce9aa7a09d1212f203fca5856794";
        String md5 = "0123456789abcdef0123456789abcdef";
        String[][] variants = {
            {"'SHA-256'", sha256}, {"SHA-256", sha256}, {"SHA256", sha256}, {"sha256", sha256},
            {"'SHA-1'", sha1}, {"SHA-1", sha1}, {"SHA1", sha1}, {"sha1", sha1},
            {"MD5", md5}, {"'MD5'", md5}, {"md5", md5},
        };
        for (String[] v : variants) {
            Path f = write("hash.stix2", bundle(indicator("indicator--1",
                    "[file:hashes." + v[0] + " = '" + v[1] + "']")));
            Indicators ind = loadOk(f);
            IndicatorType expected = v[1].length() == 64 ? FILES_SHA256
                    : v[1].length() == 40 ? FILES_SHA1 : FILES_MD5;
            assertThat(ind.countsByType()).as(v[0]).isEqualTo(Map.of(expected, 1));
            assertThat(ind.checkFileHash(v[1].toUpperCase())).as(v[0]).isPresent();
        }
        Path cert = write("cert.stix2", bundle(
                indicator("indicator--1", "[app:cert.'SHA-1' = 'AB:CD:EF']"),
                indicator("indicator--2", "[app:cert.sha256 = '" + sha256 + "']")));
        Indicators ind = loadOk(cert);
        assertThat(ind.countsByType()).isEqualTo(Map.of(APP_CERT_HASHES, 2));
        assertThat(ind.checkAppCertHash("abcdef")).isPresent();
        assertThat(ind.checkAppCertHash(sha256.toUpperCase()).orElseThrow().message())
                .isEqualTo("Found a known suspicious app certificate with hash \""
                        + sha256.toUpperCase() + "\" matching indicators from \"Default collection\"");
    }
}
