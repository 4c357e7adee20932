package org.vigil.modules.android.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.UrlRecord;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.AcquisitionSource;
import org.vigil.source.BackupCredentials;
import org.vigil.source.SourceKind;
import org.vigil.source.android.AbFixtures;
import org.vigil.source.android.AndroidBackupSource;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

class SmsTest {
    private static final String DIR = "testdata/mvt-artifacts/android_backup";
    private static final String SMS_FILE = Sms.DF + "000000_sms_backup";
    private static final String MMS_FILE = Sms.DF + "000001_mms_backup";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private final Sms module = new Sms();

    private ModuleResult run(AcquisitionSource source, Indicators iocs) throws Exception {
        return module.run(new ModuleContext(source, iocs, ModuleOptions.defaults(), Map.of(), CLOCK));
    }

    private ModuleResult run(AcquisitionSource source) throws Exception {
        return run(source, Indicators.empty());
    }

    private ModuleResult runFile(Path path, String password) throws Exception {
        try (AndroidBackupSource s = AndroidBackupSource.open(path,
                password == null ? null : BackupCredentials.password(password))) {
            return run(s);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(ModuleResult r) {
        return (List<Map<String, Object>>) r.results();
    }

    @SuppressWarnings("unchecked")
    private static List<String> links(Map<String, Object> m) {
        return (List<String>) m.get("links");
    }

    private FakeSource fake(String sms, String mms) throws Exception {
        FakeSource s = new FakeSource(SourceKind.ANDROID_BACKUP, tmp);
        if (sms != null) {
            s.add(SMS_FILE, "", SMS_FILE, Files.write(tmp.resolve("sms"), AbFixtures.zjson(sms)));
        }
        if (mms != null) {
            s.add(MMS_FILE, "", MMS_FILE, Files.write(tmp.resolve("mms"), AbFixtures.zjson(mms)));
        }
        return s;
    }

    @Test
    void descriptor() {
        assertThat(module.descriptor().slug()).isEqualTo("sms");
        assertThat(module.descriptor().pluginName()).isEqualTo("SMS");
        assertThat(module.descriptor().platform()).isEqualTo(Platform.ANDROID);
        assertThat(module.descriptor().sourceKinds()).containsExactly(SourceKind.ANDROID_BACKUP);
    }

    // --- real samples (MVT backup_module tests, section 8) ------------------------------------------

    @Test
    void folderSampleLikeMvtWithMmsDateFixed() throws Exception {
        Path dir = SharedData.require(DIR);
        ModuleResult r;
        try (AndroidBackupSource s = AndroidBackupSource.open(dir, null)) {
            r = run(s);
        }
        assertThat(records(r)).hasSize(2);
        Map<String, Object> sms = records(r).get(0);
        assertThat(sms.keySet()).containsExactly("address", "body", "date", "date_sent", "status", "type",
                "recipients", "read", "isodate", "direction", "links");
        assertThat(sms).containsEntry("address", "06543219")
                .containsEntry("body", "Hi this is a test message to https://google.com/")
                .containsEntry("date", "1645543781956").containsEntry("date_sent", "0")
                .containsEntry("recipients", List.of("06543219"))
                .containsEntry("isodate", "2022-02-22 15:29:41.956000")
                .containsEntry("direction", "received")
                .containsEntry("links", List.of("https://google.com/"));
        Map<String, Object> mms = records(r).get(1);
        assertThat(mms.keySet()).containsExactly("date", "date_sent", "m_type", "v", "msg_box", "recipients", "tr_id",
                "read", "mms_addresses", "mms_charset", "body", "isodate", "direction", "links");
        assertThat(mms).containsEntry("body", "Very suspicious MMS, click on this link http://google.com")
                .containsEntry("date", "1579531789")
                .containsEntry("isodate", "2020-01-20 14:49:49.000000") // MVT: 1970-01-19 06:45:31.789000
                .containsEntry("direction", "sent")
                .containsEntry("mms_charset", 106)
                .containsEntry("links", List.of("http://google.com"));
        assertThat(mms.get("mms_addresses")).isEqualTo(List.of(
                Map.of("type", 137, "address", "+12345678", "charset", 106),
                Map.of("type", 151, "address", "+23456789", "charset", 106)));
        assertThat(r.urls()).containsExactly(
                new UrlRecord("https://google.com/", null, "2022-02-22 15:29:41.956000", "sms"),
                new UrlRecord("http://google.com", null, "2020-01-20 14:49:49.000000", "sms"));
        assertThat(r.alerts()).isEmpty();
        assertThat(r.timeline()).isEmpty();
    }

    @Test
    void abSamplesLikeMvt() throws Exception {
        Path dir = SharedData.require(DIR);
        ModuleResult r1 = runFile(dir.resolve("backup.ab"), null);
        assertThat(records(r1)).hasSize(2);
        assertThat(links(records(r1).get(0))).containsExactly("https://google.com/");
        assertThat(links(records(r1).get(1))).containsExactly("http://google.com");
        assertThat(r1.urls()).hasSize(2);

        ModuleResult r2 = runFile(dir.resolve("backup2.ab"), "123456");
        assertThat(records(r2)).hasSize(1);
        assertThat(links(records(r2).get(0))).containsExactly("https://google.com/");
        assertThat(r2.urls()).hasSize(1);

        ModuleResult r3 = runFile(dir.resolve("backup3.ab"), null);
        assertThat(records(r3)).hasSize(1);
        assertThat(links(records(r3).get(0))).containsExactly("https://google.com/");
    }

    @Test
    void androidqfEncryptedBackup() throws Exception {
        Path ab = SharedData.require("testdata/mvt-artifacts/androidqf_encrypted/backup.ab");
        ModuleResult r = runFile(ab, "123456");
        assertThat(records(r)).hasSize(1);
        assertThat(records(r).get(0)).containsEntry("isodate", "2022-02-22 15:29:41.956000");
    }

    @Test
    void generatedIndicatorsGiveNoAlertLikeMvt() throws Exception {
        Path iocs = SharedData.generatedIocs();
        Path ab = SharedData.require(DIR + "/backup.ab");
        Indicators ind = Indicators.load(List.of(iocs)).indicators();
        try (AndroidBackupSource s = AndroidBackupSource.open(ab, null)) {
            assertThat(run(s, ind).alerts()).isEmpty();
        }
    }

    @Test
    void domainIndicatorIsCritical() throws Exception {
        Path dir = SharedData.require(DIR);
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "google.com", "Test", "t.stix2").build();
        ModuleResult r;
        try (AndroidBackupSource s = AndroidBackupSource.open(dir, null)) {
            r = run(s, iocs);
        }
        assertThat(r.alerts()).extracting(Alert::level, Alert::eventTime).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.CRITICAL, "2022-02-22 15:29:41.956000"),
                org.assertj.core.groups.Tuple.tuple(Level.CRITICAL, "2020-01-20 14:49:49.000000"));
        assertThat(r.alerts().get(0).event()).isSameAs(records(r).get(0));
        assertThat(r.alerts().get(0).matchedIndicator().value()).isEqualTo("google.com");
        assertThat(r.alerts().get(0).module()).isEqualTo("sms");
    }

    // --- fixtures --------------------------------------------------------------------------------------

    @Test
    void keepsOnlyMessagesWithLinksOrBlankBodies() throws Exception {
        String sms = "[{\"body\":\"no link here\",\"date\":\"1000\",\"date_sent\":\"0\"},"
                + "{\"body\":\"  \",\"date\":\"2000\",\"date_sent\":\"5\"},"
                + "{\"body\":\"see HTTPS://Evil.example/x?a=1 and http://b.example\",\"date\":3000,\"date_sent\":0},"
                + "{\"address\":\"x\",\"date\":\"abc\"},"
                + "7]";
        String mms = "[{\"date\":\"60\",\"date_sent\":\"0\",\"mms_body\":\"\"},"
                + "{\"body\":\"old\",\"mms_body\":\"http://m.example/\",\"date\":\"1\",\"date_sent\":\"0\"}]";
        ModuleResult r = run(fake(sms, mms));
        List<Map<String, Object>> rec = records(r);
        assertThat(rec).hasSize(5);
        assertThat(rec.get(0)).containsEntry("body", "  ").containsEntry("links", List.of())
                .containsEntry("isodate", "1970-01-01 00:00:02.000000").containsEntry("direction", "sent");
        assertThat(rec.get(1)).containsEntry("links", List.of("HTTPS://Evil.example/x?a=1", "http://b.example"))
                .containsEntry("isodate", "1970-01-01 00:00:03.000000").containsEntry("direction", "received");
        assertThat(rec.get(2).keySet()).containsExactly("address", "date", "isodate", "direction", "links");
        assertThat(rec.get(2)).containsEntry("isodate", "").containsEntry("links", null)
                .containsEntry("direction", "received");
        assertThat(rec.get(3).keySet()).containsExactly("date", "date_sent", "body", "isodate", "direction", "links");
        assertThat(rec.get(3)).containsEntry("isodate", "1970-01-01 00:01:00.000000").containsEntry("links", List.of());
        // an existing "body" keeps its place and takes the MMS body, as Python's dict assignment
        assertThat(rec.get(4).keySet()).containsExactly("body", "date", "date_sent", "isodate", "direction", "links");
        assertThat(rec.get(4)).containsEntry("body", "http://m.example/");
        assertThat(r.urls()).extracting(UrlRecord::url)
                .containsExactly("HTTPS://Evil.example/x?a=1", "http://b.example", "http://m.example/");
    }

    @Test
    void firstMatchingLinkPerMessage() throws Exception {
        String sms = "[{\"body\":\"a http://ok.example/ b https://bad.example/1 https://bad.example/2\","
                + "\"date\":\"1000\",\"date_sent\":\"0\"}]";
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example", "Evil", "e.stix2").build();
        ModuleResult r = run(fake(sms, null), iocs);
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(r.alerts().get(0).matchedIndicator().value()).isEqualTo("bad.example");
        assertThat(run(fake(sms, null), Indicators.builder()
                .add(IndicatorType.DOMAINS, "other.example", "Evil", "e.stix2").build()).alerts()).isEmpty();
    }

    @Test
    void recheckUsesTheStoredLinks() throws Exception {
        JsonNode json = new ObjectMapper().readTree("[{\"body\":\"x\",\"isodate\":\"2022-02-22 15:29:41.956000\","
                + "\"links\":[\"https://bad.example/\"]},{\"links\":[\"https://bad.example/\"]},"
                + "{\"body\":\"y\",\"links\":[\"https://good.example/\"]}]");
        Indicators iocs = Indicators.builder().add(IndicatorType.DOMAINS, "bad.example", "Evil", "e.stix2").build();
        List<Alert> alerts = module.recheck(json, iocs);
        assertThat(alerts).extracting(Alert::level, Alert::eventTime)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Level.CRITICAL, "2022-02-22 15:29:41.956000"));
    }

    @Test
    void missingFilesAreNotPresent() {
        FakeSource empty = new FakeSource(SourceKind.ANDROID_BACKUP, tmp);
        assertThatThrownBy(() -> run(empty)).isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(tmp + ": no SMS or MMS backup (" + Sms.SMS_FILES + ", " + Sms.MMS_FILES + ")");
    }

    @Test
    void notZlibIsCorrupt() throws Exception {
        Path f = Files.writeString(tmp.resolve("sms"), "[{\"body\":\"x\"}]");
        FakeSource s = new FakeSource(SourceKind.ANDROID_BACKUP, tmp).add(SMS_FILE, "", SMS_FILE, f);
        assertThatThrownBy(() -> run(s)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(SMS_FILE + ": not a complete zlib stream (");
    }

    @Test
    void truncatedZlibIsCorrupt() throws Exception {
        byte[] z = AbFixtures.zjson("[{\"body\":\"http://a.example\",\"date\":\"1\",\"date_sent\":\"0\"}]");
        Path f = Files.write(tmp.resolve("sms"), Arrays.copyOf(z, z.length - 6));
        FakeSource s = new FakeSource(SourceKind.ANDROID_BACKUP, tmp).add(SMS_FILE, "", SMS_FILE, f);
        assertThatThrownBy(() -> run(s)).isInstanceOf(CorruptArtifactException.class)
                .hasMessage(SMS_FILE + ": not a complete zlib stream (Unexpected end of ZLIB input stream)");
    }

    @Test
    void badJsonIsCorrupt() throws Exception {
        assertThatThrownBy(() -> run(fake("{\"body\":\"x\"}", null))).isInstanceOf(CorruptArtifactException.class)
                .hasMessage(SMS_FILE + ": not a JSON array of messages");
        assertThatThrownBy(() -> run(fake("[{\"body\":", null))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(SMS_FILE + ": invalid JSON (");
        assertThatThrownBy(() -> run(fake("[{\"body\":\"x\"}", null))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(SMS_FILE + ": invalid JSON (Unexpected end-of-input");
    }

    @Test
    void integerParsing() {
        assertThat(Sms.integer("1645543781956")).isEqualTo(1645543781956L);
        assertThat(Sms.integer(" 12 ")).isEqualTo(12L);
        assertThat(Sms.integer(7)).isEqualTo(7L);
        assertThat(Sms.integer("1.5")).isNull();
        assertThat(Sms.integer(null)).isNull();
    }

    @Test
    void manyMessagesThroughAnAbFile() throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 20_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"address\":\"+1555\",\"body\":\"msg ").append(i)
                    .append(i % 2 == 0 ? " https://example.net/" + i : "").append("\",\"date\":\"")
                    .append(1_700_000_000_000L + i).append("\",\"date_sent\":\"0\"}");
        }
        json.append("]");
        byte[] tar = new AbFixtures.Tar().file(SMS_FILE, AbFixtures.zjson(json.toString())).bytes();
        Path ab = Files.write(tmp.resolve("many.ab"), AbFixtures.abEncrypted(5, true, tar, "pw", 100));
        ModuleResult r;
        try (AndroidBackupSource s = AndroidBackupSource.open(ab, BackupCredentials.password("pw"))) {
            r = run(s);
        }
        assertThat(records(r)).hasSize(10_000);
        assertThat(records(r).get(9_999)).containsEntry("body", "msg 19998 https://example.net/19998")
                .containsEntry("isodate", "2023-11-14 22:13:39.998000");
        assertThat(r.urls()).hasSize(10_000);
    }
}
