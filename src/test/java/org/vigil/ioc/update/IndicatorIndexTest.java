package org.vigil.ioc.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vigil.ioc.update.IndicatorIndex.Entry;
import org.vigil.ioc.update.IndicatorIndex.Rejected;
import org.vigil.testing.SharedData;

class IndicatorIndexTest {

    private static IndicatorIndex parse(String yaml) throws IndicatorUpdateException {
        return IndicatorIndex.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml");
    }

    @Test
    void parsesTheRealMvtIndicatorsIndex() throws Exception {
        Path yaml = SharedData.require("iocs/mvt-indicators-indicators.yaml");
        IndicatorIndex index = IndicatorIndex.parse(Files.readAllBytes(yaml), yaml.toString());

        assertThat(index.rejected()).isEmpty();
        assertThat(index.entries()).hasSize(15);
        assertThat(index.entries()).allMatch(e -> e.type().equals("github"));
        assertThat(index.entries()).extracting(e -> e.url().toString()).containsExactly(
                "https://raw.githubusercontent.com/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/intellexa_predator/predator.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/2022-06-23_rcs_lab/rcs.stix2",
                "https://raw.githubusercontent.com/AssoEchap/stalkerware-indicators/master/generated/stalkerware.stix2",
                "https://raw.githubusercontent.com/AmnestyTech/investigations/master/2023-03-29_android_campaign/malware.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/2023-04-11_quadream/kingspawn.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/2023-06_01_operation_triangulation/operation_triangulation.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/2023-07-25_wyrmspy_dragonegg/wyrmspy_dragonegg.stix2",
                "https://raw.githubusercontent.com/AmnestyTech/investigations/master/2024-05-02_wintego_helios/wintego_helios.stix2",
                "https://raw.githubusercontent.com/AmnestyTech/investigations/master/2024-12-16_serbia_novispy/novispy.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/candiru/candiru.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/ResidentBat/residentbat.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/cellebrite/cellebrite.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/2026-03-30_darksword/darksword.stix2",
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/2026-03-03_coruna_cryptowaters/coruna.stix2");
        Entry pegasus = index.entries().get(0);
        assertThat(pegasus.name()).isEqualTo("NSO Group Pegasus Indicators of Compromise");
        assertThat(pegasus.sources()).containsExactly("Amnesty International");
        assertThat(pegasus.references()).containsExactly("https://www.amnesty.org/en/latest/research/"
                + "2021/07/forensic-methodology-report-how-to-catch-nso-groups-pegasus/");
        assertThat(pegasus.fileName()).isEqualTo(
                "raw.githubusercontent.com_AmnestyTech_investigations_master_2021-07-18_nso_pegasus.stix2");
        assertThat(index.entries().get(1).sources()).hasSize(6);
        assertThat(index.entries()).extracting(Entry::fileName).doesNotHaveDuplicates();
    }

    @Test
    void githubBranchDefaultsToMainAndOtherTypesUseDownloadUrl() throws Exception {
        IndicatorIndex index = parse("""
                indicators:
                  - type: github
                    name: One
                    github: {owner: o, repo: r, path: /dir/one.stix2}
                  - type: url
                    name: Two
                    download_url: http://127.0.0.1:8080/two.json
                """);
        assertThat(index.entries()).extracting(e -> e.url().toString()).containsExactly(
                "https://raw.githubusercontent.com/o/r/main/dir/one.stix2",
                "http://127.0.0.1:8080/two.json");
        assertThat(index.entries()).extracting(Entry::type).containsExactly("github", "url");
        assertThat(index.entries().get(1).fileName()).isEqualTo("127.0.0.1_8080_two.json.stix2");
        assertThat(index.entries().get(1).sources()).isEmpty();
    }

    @Test
    void unusableEntriesAreRejectedWithTheirReason() throws Exception {
        IndicatorIndex index = parse("""
                indicators:
                  - type: github
                    name: No path
                    github: {owner: o, repo: r}
                  - type: url
                    name: File scheme
                    download_url: file:///etc/passwd
                  - type: url
                    download_url: ""
                  - type: github
                    name: Slash owner
                    github: {owner: a/b, repo: r, path: x.stix2}
                  - just a string
                  - type: github
                    name: Good
                    github: {owner: o, repo: r, branch: dev, path: g.stix2}
                """);
        assertThat(index.entries()).extracting(Entry::name).containsExactly("Good");
        assertThat(index.entries().get(0).url())
                .isEqualTo(URI.create("https://raw.githubusercontent.com/o/r/dev/g.stix2"));
        assertThat(index.rejected()).containsExactly(
                new Rejected(1, "No path", "github.path is missing"),
                new Rejected(2, "File scheme",
                        "only http and https URLs are downloaded: file:///etc/passwd"),
                new Rejected(3, "entry #3", "no download_url (type url)"),
                new Rejected(4, "Slash owner", "invalid github owner or repo: a/b"),
                new Rejected(5, "entry #5", "not a mapping"));
    }

    @Test
    void notAnIndexIsAnError() {
        assertThatThrownBy(() -> parse("foo: bar\n"))
                .isInstanceOf(IndicatorUpdateException.class)
                .hasMessage("Invalid indicator index test.yaml: no 'indicators' list");
        assertThatThrownBy(() -> parse("indicators: [unclosed\n"))
                .isInstanceOf(IndicatorUpdateException.class)
                .hasMessageStartingWith("Invalid indicator index test.yaml: ");
        assertThatThrownBy(() -> parse(""))
                .isInstanceOf(IndicatorUpdateException.class)
                .hasMessage("Invalid indicator index test.yaml: no 'indicators' list");
    }

    @Test
    void entriesPastTheCapAreRejected() throws Exception {
        StringBuilder y = new StringBuilder("indicators:\n");
        for (int i = 1; i <= IndicatorIndex.MAX_ENTRIES + 2; i++) {
            y.append("  - {type: url, name: e").append(i)
                    .append(", download_url: 'https://h.example/").append(i).append("'}\n");
        }
        IndicatorIndex index = parse(y.toString());
        assertThat(index.entries()).hasSize(IndicatorIndex.MAX_ENTRIES);
        assertThat(index.rejected()).containsExactly(
                new Rejected(1001, "e1001", "more than 1000 entries in the index"),
                new Rejected(1002, "e1002", "more than 1000 entries in the index"));
    }

    @Test
    void aliasBombIsNotExpanded() throws Exception {
        // Jackson's YAML parser does not expand aliases into copies, so 10^12 nodes never exist
        StringBuilder y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            y.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                y.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            y.append("]\n");
        }
        y.append("indicators: [*a11]\n");
        IndicatorIndex index = parse(y.toString());
        assertThat(index.entries()).isEmpty();
        assertThat(index.rejected()).containsExactly(new Rejected(1, "entry #1", "not a mapping"));
    }

    @Test
    void fileNamesFollowMvtAndAreSafe() {
        assertThat(IndicatorIndex.fileNameFor(URI.create(
                "https://raw.githubusercontent.com/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2")))
                .isEqualTo("raw.githubusercontent.com_AmnestyTech_investigations_master_2021-07-18_nso_pegasus.stix2");
        assertThat(IndicatorIndex.fileNameFor(URI.create("http://h.example/a%20b/x?y=1&z=..#f")))
                .isEqualTo("h.example_a_20b_x_y_1_z_.._f.stix2");
        assertThat(IndicatorIndex.fileNameFor(URI.create("http://h.example/UP.STIX2")))
                .isEqualTo("h.example_UP.STIX2.stix2");
        String longName = IndicatorIndex.fileNameFor(URI.create("https://h.example/"
                + "a".repeat(300) + ".stix2"));
        assertThat(longName).hasSize(IndicatorIndex.MAX_FILE_NAME).endsWith(".stix2")
                .startsWith("h.example_aaaa").matches("[A-Za-z0-9._-]+");
        String otherLong = IndicatorIndex.fileNameFor(URI.create("https://h.example/"
                + "a".repeat(300) + "b.stix2"));
        assertThat(otherLong).isNotEqualTo(longName);
    }
}
