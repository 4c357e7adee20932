package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class TccTest {
    private static final String NAME = "HomeDomain/Library/TCC/TCC.db";
    @TempDir
    Path tmp;

    private final Tcc module = new Tcc();

    @SuppressWarnings("unchecked")
    private static List<Tcc.Entry> records(ModuleResult r) {
        return (List<Tcc.Entry>) r.results();
    }

    private static Indicators generated() {
        return Indicators.builder()
                .add(IndicatorType.DOMAINS, "example.org", "TestMalware", "test.stix2")
                .add(IndicatorType.PROCESSES, "Launch", "TestMalware", "test.stix2")
                .add(IndicatorType.FILE_NAMES, "/var/foobar/txt", "TestMalware", "test.stix2")
                .add(IndicatorType.EMAILS, "foobar@example.org", "TestMalware", "test.stix2").build();
    }

    private FakeSource backup(Path file) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Tcc.TCC_BACKUP_ID, "HomeDomain", Tcc.RELATIVE_PATH,
                file);
    }

    /** iOS 12-13 access table (v2: allowed, prompt_count, last_modified). */
    private Path v2() throws Exception {
        return sqlite(tmp.resolve("TCC-v2.db"),
                "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL,"
                        + " allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB, policy_id INTEGER,"
                        + " indirect_object_identifier_type INTEGER, indirect_object_identifier TEXT,"
                        + " indirect_object_code_identity BLOB, flags INTEGER, last_modified INTEGER NOT NULL DEFAULT"
                        + " (CAST(strftime('%s','now') AS INTEGER)),"
                        + " PRIMARY KEY (service, client, client_type, indirect_object_identifier))",
                "INSERT INTO access (service, client, client_type, allowed, prompt_count, last_modified) VALUES"
                        + " ('kTCCServiceCamera', 'com.example.app', 0, 1, 1, 1600000000),"
                        + " ('kTCCServiceMicrophone', '/usr/libexec/Launch', 1, 0, 2, 1600000100)");
    }

    @Test
    void backupFileIdIsTheSha1OfDomainAndPath() {
        assertThat(FileIds.of("HomeDomain", "Library/TCC/TCC.db")).isEqualTo(Tcc.TCC_BACKUP_ID).startsWith("64d0019c");
    }

    // --- real sample (v3) ------------------------------------------------------------------------

    @Test
    void extractsTheSampleLikeMvt() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(records(r)).hasSize(11);
        assertThat(records(r).get(0)).isEqualTo(new Tcc.Access("kTCCServiceUbiquity", "com.apple.Preferences",
                "bundle_id", "allowed", "unknown", "2020-08-12 13:13:16.000000"));
        assertThat(records(r).get(2)).isEqualTo(new Tcc.Access("kTCCServiceWebKitIntelligentTrackingPrevention",
                "org.mozilla.ios.Firefox", "bundle_id", "allowed", "service_policy", "2021-03-30 14:41:27.000000"));
        assertThat(records(r).get(10)).isEqualTo(new Tcc.Access("kTCCServiceLiverpool", "Launch", "bundle_id",
                "allowed", "service_policy", "2021-12-03 19:32:03.000000"));
        Fixtures.assertKeys(json(records(r).get(0)), "service", "client", "client_type", "auth_value",
                "auth_reason_desc", "last_modified");
        assertThat(r.timeline()).hasSize(11);
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void sampleTimeline() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup());
        assertThat(r.timeline().get(0)).isEqualTo(new TimelineEvent("2020-08-12 13:13:16.000000", "TCC",
                "AccessRequest", "Access to kTCCServiceUbiquity by com.apple.Preferences allowed"));
        assertThat(r.timeline().get(10)).isEqualTo(new TimelineEvent("2021-12-03 19:32:03.000000", "TCC",
                "AccessRequest", "Access to kTCCServiceLiverpool by Launch allowed"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocSampleProcessLaunch() throws Exception {
        ModuleResult r = run(module, Fixtures.sampleBackup(), generated());
        assertThat(records(r)).hasSize(11);
        assertThat(r.timeline()).hasSize(11);
        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.CRITICAL);
        assertThat(a.module()).isEqualTo("tcc");
        assertThat(a.eventTime()).isEqualTo("2021-12-03 19:32:03.000000");
        assertThat(a.matchedIndicator().value()).isEqualTo("Launch");
        Tcc.Access event = (Tcc.Access) a.event();
        assertThat(event.service()).isEqualTo("kTCCServiceLiverpool");
        assertThat(event.client()).isEqualTo("Launch");
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocSampleWithMvtsGeneratedStixFile() throws Exception {
        Indicators iocs = Indicators.load(List.of(org.vigil.testing.SharedData.generatedIocs())).indicators();
        ModuleResult r = run(module, Fixtures.sampleBackup(), iocs);
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL);
        assertThat(((Tcc.Access) r.alerts().get(0).event()).service()).isEqualTo("kTCCServiceLiverpool");
        assertThat(r.alerts().get(0).matchedIndicator().name()).isEqualTo("TestMalware");
    }

    @Test
    void otherProcessesDoNotMatch() throws Exception {
        Indicators iocs = Indicators.builder().add(IndicatorType.PROCESSES, "Launcher", "TestMalware", "test.stix2")
                .build();
        assertThat(run(module, Fixtures.sampleBackup(), iocs).alerts()).isEmpty();
    }

    @Test
    @Tag("needs-ioc-engine")
    void iocRecheckOfMvtJson() throws Exception {
        JsonNode results = Fixtures.JSON.readTree("[{\"service\": \"kTCCServiceCamera\", \"client\": \"a.b\","
                + " \"allowed_value\": \"allowed\", \"prompt_count\": 1},"
                + " {\"service\": \"kTCCServiceLiverpool\", \"client\": \"Launch\", \"client_type\": \"bundle_id\","
                + " \"auth_value\": \"allowed\", \"auth_reason_desc\": \"service_policy\","
                + " \"last_modified\": \"2021-12-03 19:32:03.000000\"}]");
        List<Alert> alerts = module.recheck(results, generated());
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).event()).isSameAs(results.get(1));
        assertThat(alerts.get(0).eventTime()).isEqualTo("2021-12-03 19:32:03.000000");
        assertThat(module.recheck(results, Indicators.empty())).isEmpty();
    }

    // --- older schemas -----------------------------------------------------------------------------

    @Test
    void v2SchemaOfIos12() throws Exception {
        ModuleResult r = run(module, backup(v2()));
        assertThat(records(r)).containsExactly(
                new Tcc.LegacyAccess("kTCCServiceCamera", "com.example.app", "bundle_id", "allowed", 1,
                        "2020-09-13 12:26:40.000000"),
                new Tcc.LegacyAccess("kTCCServiceMicrophone", "/usr/libexec/Launch", "absolute_path", "denied", 2,
                        "2020-09-13 12:28:20.000000"));
        Fixtures.assertKeys(json(records(r).get(0)), "service", "client", "client_type", "allowed_value",
                "prompt_count", "last_modified");
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2020-09-13 12:26:40.000000", "TCC", "AccessRequest",
                        "Access to kTCCServiceCamera by com.example.app allowed"),
                new TimelineEvent("2020-09-13 12:28:20.000000", "TCC", "AccessRequest",
                        "Access to kTCCServiceMicrophone by /usr/libexec/Launch denied"));
    }

    @Test
    @Tag("needs-ioc-engine")
    void v2ClientPathMatchesProcessByBasename() throws Exception {
        ModuleResult r = run(module, backup(v2()), generated());
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).eventTime()).isEqualTo("2020-09-13 12:28:20.000000");
    }

    @Test
    void v1SchemaWithoutLastModified() throws Exception {
        Path db = sqlite(tmp.resolve("TCC-v1.db"),
                "CREATE TABLE access (service TEXT NOT NULL, client TEXT NOT NULL, client_type INTEGER NOT NULL,"
                        + " allowed INTEGER NOT NULL, prompt_count INTEGER NOT NULL, csreq BLOB,"
                        + " CONSTRAINT key PRIMARY KEY (service, client, client_type))",
                "INSERT INTO access VALUES ('kTCCServicePhotos', 'com.example.app', 0, 5, 0, NULL)");
        ModuleResult r = run(module, backup(db));
        assertThat(records(r)).containsExactly(
                new Tcc.OldAccess("kTCCServicePhotos", "com.example.app", "bundle_id", "", 0));
        Fixtures.assertKeys(json(records(r).get(0)), "service", "client", "client_type", "allowed_value",
                "prompt_count");
        assertThat(r.timeline()).isEmpty();
    }

    @Test
    void v3CodesOutsideTheTables() throws Exception {
        Path db = sqlite(tmp.resolve("TCC-v3.db"),
                "CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER, auth_value INTEGER,"
                        + " auth_reason INTEGER, auth_version INTEGER, last_modified INTEGER)",
                "INSERT INTO access VALUES ('kTCCServiceCamera', 'x', 1, 3, 12, 1, 0),"
                        + " ('kTCCServiceCamera', 'y', 0, 9, 99, 1, 1600000000)");
        assertThat(records(run(module, backup(db)))).containsExactly(
                new Tcc.Access("kTCCServiceCamera", "x", "absolute_path", "limited", "app_type_policy",
                        "1970-01-01 00:00:00.000000"),
                new Tcc.Access("kTCCServiceCamera", "y", "bundle_id", "", "unknown", "2020-09-13 12:26:40.000000"));
    }

    // --- absent and unreadable ----------------------------------------------------------------------

    @Test
    void missingDatabase() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("TCC.db not found");
    }

    @Test
    void foundInFilesystemDump() throws Exception {
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(Tcc.FS_PATH, "", Tcc.FS_PATH, v2());
        assertThat(records(run(module, fs))).hasSize(2);
    }

    @Test
    void emptyFile() throws Exception {
        Path f = Fixtures.emptyFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void randomBytes() throws Exception {
        Path f = Fixtures.randomFile(tmp, "x");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith(NAME + ": ");
    }

    @Test
    void foreignSchema() throws Exception {
        Path f = Fixtures.foreignDb(tmp, "x.db");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no table access");
    }

    @Test
    void accessTableWithoutPermissionColumn() throws Exception {
        Path f = sqlite(tmp.resolve("y.db"), "CREATE TABLE access (service TEXT, client TEXT, client_type INTEGER)");
        assertThatThrownBy(() -> run(module, backup(f))).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column auth_value in table access");
    }
}
