package org.vigil.report.folder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.TimelineEvent;
import org.vigil.report.OutputWriter;
import org.vigil.report.html.HostileRun;

class FolderReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsBackAVigilFolder() throws Exception {
        new OutputWriter().write(HostileRun.run(), tmp);
        ResultFolder f = new FolderReader().read(tmp);
        assertThat(f.problems()).isEmpty();
        assertThat(f.run().tool()).isEqualTo("Vigil");
        assertThat(f.run().toolVersion()).isEqualTo("0.1.0-test");
        assertThat(f.run().date()).isEqualTo("2024-03-07 10:00:00.000000");
        assertThat(f.run().device()).containsEntry("Device Name", "Alice " + HostileRun.PAYLOADS.get(0));
        assertThat(f.run().indicatorFiles()).singleElement().satisfies(i -> {
            assertThat(i.indicatorCount()).isEqualTo(9);
            assertThat(i.updated()).isEqualTo("2024-01-02T00:00:00.000Z");
            assertThat(i.collections()).containsExactly("Evil" + HostileRun.PAYLOADS.get(1));
        });
        assertThat(f.run().hashes()).hasSize(1);
        assertThat(f.coverage()).extracting(ModuleCoverage::module, ModuleCoverage::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("sms", ModuleStatus.CHECKED),
                org.assertj.core.groups.Tuple.tuple("safari_history", ModuleStatus.CHECKED),
                org.assertj.core.groups.Tuple.tuple("tcc", ModuleStatus.UNREADABLE),
                org.assertj.core.groups.Tuple.tuple("whatsapp", ModuleStatus.NOT_PRESENT));
        assertThat(f.alerts().total()).isEqualTo(2);
        assertThat(f.alerts().strongMatches()).isEqualTo(1);
        assertThat(f.alerts().shown().get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(f.alerts().shown().get(0).matchedIndicator().name()).isEqualTo("Evil" + HostileRun.PAYLOADS.get(1));
        assertThat(f.timeline().present()).isTrue();
        assertThat(f.timeline().total()).isEqualTo(41);
        assertThat(f.timeline().rows()).extracting(TimelineEvent::data).contains(HostileRun.PAYLOADS.get(6));
        assertThat(f.timeline().days().total()).isEqualTo(41);
    }

    @Test
    void keepsTheMostRecentRowsAndCountsTheRest() throws Exception {
        new OutputWriter().write(HostileRun.run(), tmp);
        ResultFolder f = new FolderReader(1, 3).read(tmp);
        assertThat(f.timeline().rows()).hasSize(3);
        assertThat(f.timeline().omitted()).isEqualTo(38);
        assertThat(f.timeline().rows().get(2).timestamp()).isEqualTo("2024-03-27 08:00:00.000000");
        assertThat(f.alerts().shown()).hasSize(1);
        assertThat(f.alerts().shown().get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(f.alerts().notShown()).isEqualTo(1);
        assertThat(f.alerts().total()).isEqualTo(2);
    }

    /** An MVT results folder: mvt_version, no coverage.json, backup_info.json for the device. */
    static Path mvtFolder(Path dir) throws Exception {
        Files.writeString(dir.resolve("info.json"), """
                {"target_path": "/cases/backup", "mvt_version": "2.6.1", "date": "2025-05-06 07:08:09.123456",
                 "ioc_files": ["/home/u/.local/share/mvt/indicators/pegasus.stix2"], "hashes": []}""");
        Files.writeString(dir.resolve("backup_info.json"), """
                {"Product Type": "iPhone9,3", "Product Version": "14.3", "Build Version": "18C66",
                 "Device Name": "<b>Bob</b>", "Last Backup Date": "2025-05-05 10:00:00"}""");
        Files.writeString(dir.resolve("alerts.json"), """
                [{"level": "CRITICAL", "module": "safari_history", "message": "Found a known suspicious domain",
                  "event_time": "2021-07-01 10:00:00.000000", "event": {"url": "https://x.example.org/<script>"},
                  "matched_indicator": {"value": "x.example.org", "type": "domains", "name": "NSO Group Pegasus Indicators of Compromise",
                                        "stix2_file_name": "pegasus.stix2"}},
                 {"level": "MEDIUM", "module": "sms", "message": "odd", "event_time": "", "event": "plain text", "matched_indicator": null},
                 {"level": "SEVERE", "module": "sms", "message": "unknown level", "event_time": "", "event": {}, "matched_indicator": null}]""");
        Files.writeString(dir.resolve("timeline.csv"), "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n"
                + "\"\",\"Manifest\",\"file_modified\",\"no time\"\r\n"
                + "\"2021-06-30 09:00:00.000000\",\"SMS\",\"sms_received\",\"say \"\"hi\"\" with \\\\ and\nnewline\"\r\n"
                + "\"2021-07-01 10:00:00.000000\",\"SafariHistory\",\"visit\",\"https://x.example.org/\"\r\n",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("sms.json"), "[{\"text\": \"a\"}, {\"text\": \"b\"}]");
        Files.writeString(dir.resolve("safari_history.json"), "[{\"url\": \"u\"}]");
        Files.writeString(dir.resolve("broken.json"), "[{\"url\": ");
        return dir;
    }

    @Test
    void readsAnMvtFolder() throws Exception {
        ResultFolder f = new FolderReader().read(mvtFolder(tmp));
        assertThat(f.run().isMvt()).isTrue();
        assertThat(f.run().toolVersion()).isEqualTo("2.6.1");
        assertThat(f.coverageKnown()).isFalse();
        assertThat(f.run().device()).containsEntry("Product Version", "14.3").containsEntry("Device Name", "<b>Bob</b>");
        assertThat(f.run().indicatorFiles()).singleElement().satisfies(i -> assertThat(i.indicatorCount()).isEqualTo(-1));
        assertThat(f.alerts().total()).isEqualTo(3);
        assertThat(f.alerts().counts()).containsEntry(Level.CRITICAL, 1L).containsEntry(Level.MEDIUM, 1L)
                .containsEntry(Level.HIGH, 1L);
        assertThat(f.alerts().spywareCollections()).containsOnlyKeys("NSO Group Pegasus Indicators of Compromise");
        assertThat(f.problems()).anySatisfy(p -> assertThat(p).startsWith("alerts.json: 1 alert(s) with an unknown level"))
                .anySatisfy(p -> assertThat(p).startsWith("broken.json: "));
        assertThat(f.resultFiles()).containsEntry("sms", 2L).containsEntry("safari_history", 1L)
                .containsEntry("broken", -1L).containsEntry("backup_info", 5L);
        assertThat(f.timeline().total()).isEqualTo(3);
        assertThat(f.timeline().untimed()).isEqualTo(1);
        assertThat(f.timeline().rows().get(1).data()).isEqualTo("say \"hi\" with \\ and\nnewline");
    }

    @Test
    void oldStyleDetectedFilesAreAlertsToo() throws Exception {
        Files.writeString(tmp.resolve("info.json"), "{\"mvt_version\": \"1.5\", \"ioc_files\": []}");
        Files.writeString(tmp.resolve("sms_detected.json"), """
                [{"text": "x", "isodate": "2021-01-01 00:00:00.000000",
                  "matched_indicator": {"value": "e.example", "type": "domains", "name": "Pegasus", "stix2_file_name": "p.stix2"}},
                 {"text": "y"}]""");
        ResultFolder f = new FolderReader().read(tmp);
        assertThat(f.alerts().total()).isEqualTo(2);
        assertThat(f.alerts().shown()).extracting(a -> a.level(), a -> a.module())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Level.CRITICAL, "sms"),
                        org.assertj.core.groups.Tuple.tuple(Level.HIGH, "sms"));
        assertThat(f.alerts().shown().get(0).eventTime()).isEqualTo("2021-01-01 00:00:00.000000");
    }

    @Test
    void unreadableFilesAreProblemsNamingTheFile() throws Exception {
        Files.writeString(tmp.resolve("info.json"), "not json");
        Files.writeString(tmp.resolve("coverage.json"), "{\"summary\": {}}");
        Files.writeString(tmp.resolve("alerts.json"), "[{\"level\": \"HIGH\"");
        Files.writeString(tmp.resolve("timeline.csv"), "\"Time\",\"x\"\r\n");
        ResultFolder f = new FolderReader().read(tmp);
        assertThat(f.problems()).hasSize(4);
        assertThat(f.problems().get(0)).startsWith("coverage.json: no \"modules\" list");
        assertThat(f.problems().get(1)).startsWith("info.json: ");
        assertThat(f.problems().get(2)).startsWith("alerts.json: ");
        assertThat(f.problems().get(3)).startsWith("timeline.csv: no timeline header");
        assertThat(f.coverageKnown()).isTrue();
        assertThat(f.coverage()).isEmpty();
        assertThat(f.run().tool()).isEqualTo("Vigil");
    }

    @Test
    void csvRowsFollowPythonsDialectAndBoundFields() throws Exception {
        CsvRows csv = new CsvRows(new StringReader("\"a\",\"b \"\"q\"\" \\\\ \\\" x\",plain\r\n\"multi\nline\",\"\"\n\"long\",\"0123456789\""), 5);
        List<List<String>> rows = new ArrayList<>();
        for (List<String> r = csv.next(); r != null; r = csv.next()) {
            rows.add(r);
        }
        assertThat(rows).containsExactly(List.of("a", "b \"q\"", "plain"), List.of("multi", ""), List.of("long", "01234"));
    }
}
