package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.fs.FsFixtures.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.TimelineEvent;

class IOSVersionHistoryTest {
    static final String DIR = "private/var/db/analyticsd/";

    @TempDir
    Path tmp;

    private final IOSVersionHistory module = new IOSVersionHistory();

    private static byte[] journal(String firstLine) {
        return (firstLine + "\n{\"name\":\"second line, never read\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static List<IOSVersionHistory.Version> records(ModuleResult r) {
        return (List<IOSVersionHistory.Version>) r.results();
    }

    @Test
    void firstLineOfEveryJournalInUtcSorted() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp)
                .file(DIR + "Analytics-Journal-2021-06-14-115147.ips", journal("{\"timestamp\":\"2021-06-14 11:51:47.00"
                        + " +0200\",\"os_version\":\"iPhone OS 14.6 (18F72)\",\"incident_id\":\"X\"}"))
                .file(DIR + "Analytics-Journal-2021-03-01-000000.ips", journal("{\"timestamp\":\"2021-03-01 08:00:00.123456"
                        + " -0500\",\"os_version\":\"iPhone OS 14.4 (18D52)\"}"))
                .file(DIR + "Analytics-2021-03-01.core_analytics", journal("{\"os_version\":\"not a journal\"}"));
        ModuleResult r = run(module, dump.source);
        assertThat(records(r)).containsExactly(
                new IOSVersionHistory.Version("2021-03-01 13:00:00.123456", "iPhone OS 14.4 (18D52)"),
                new IOSVersionHistory.Version("2021-06-14 09:51:47.000000", "iPhone OS 14.6 (18F72)"));
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2021-03-01 13:00:00.123456", "IOSVersionHistory", "ios_version",
                        "Recorded iOS version iPhone OS 14.4 (18D52)"),
                new TimelineEvent("2021-06-14 09:51:47.000000", "IOSVersionHistory", "ios_version",
                        "Recorded iOS version iPhone OS 14.6 (18F72)"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void timestampFormats() {
        assertThat(IOSVersionHistory.utc("2021-06-14 11:51:47.00 +0200")).isEqualTo("2021-06-14 09:51:47.000000");
        assertThat(IOSVersionHistory.utc("2021-06-14 11:51:47.5 +02:00")).isEqualTo("2021-06-14 09:51:47.500000");
        assertThat(IOSVersionHistory.utc("2021-06-14 11:51:47 Z")).isEqualTo("2021-06-14 11:51:47.000000");
        assertThat(IOSVersionHistory.utc("14/06/2021")).isEmpty();
    }

    @Test
    void unparsableTimeKeepsTheVersion() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp).file(DIR + "Analytics-Journal-1.ips",
                journal("{\"timestamp\":\"yesterday\",\"os_version\":\"iPhone OS 17.0 (21A329)\"}"));
        assertThat(records(run(module, dump.source))).containsExactly(
                new IOSVersionHistory.Version("", "iPhone OS 17.0 (21A329)"));
    }

    @Test
    void badJournals() throws Exception {
        assertThatThrownBy(() -> run(module, new FsFixtures.Dump(tmp.resolve("none")).source))
                .isInstanceOf(ArtifactNotFoundException.class);
        FsFixtures.Dump empty = new FsFixtures.Dump(tmp.resolve("e")).file(DIR + "Analytics-Journal-1.ips", new byte[0]);
        assertThatThrownBy(() -> run(module, empty.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessage(DIR + "Analytics-Journal-1.ips: empty first line");
        FsFixtures.Dump random = new FsFixtures.Dump(tmp.resolve("r")).file(DIR + "Analytics-Journal-1.ips",
                FsFixtures.randomBytes());
        assertThatThrownBy(() -> run(module, random.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining(DIR + "Analytics-Journal-1.ips: first line is not");
        FsFixtures.Dump foreign = new FsFixtures.Dump(tmp.resolve("f")).file(DIR + "Analytics-Journal-1.ips",
                journal("{\"bug_type\":\"211\"}"));
        assertThatThrownBy(() -> run(module, foreign.source)).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(DIR + "Analytics-Journal-1.ips: no os_version in the first line");
    }

    @Test
    void oneBadJournalDoesNotHideTheOthers() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp)
                .file(DIR + "Analytics-Journal-1.ips", new byte[0])
                .file(DIR + "Analytics-Journal-2.ips", journal("{\"timestamp\":\"2021-06-14 11:51:47.00 +0000\","
                        + "\"os_version\":\"iPhone OS 14.6 (18F72)\"}"));
        assertThat(records(run(module, dump.source))).hasSize(1);
    }
}
