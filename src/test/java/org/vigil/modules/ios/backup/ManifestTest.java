package org.vigil.modules.ios.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.backup.BackupInfoTest.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.source.iosbackup.BackupFixture;
import org.vigil.source.iosbackup.IosBackupSource;
import org.vigil.testing.FakeSource;
import org.vigil.testing.SharedData;

class ManifestTest {
    private static final String SMS_ID = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";
    private static final String STORAGE = "Library/WebKit/WebsiteData/LocalStorage/https_www.example.org_0.localstorage";

    private static Indicators indicators(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "TestMalware", "test.stix2").build();
    }

    private static ModuleResult run(Path root, Indicators indicators) throws Exception {
        try (IosBackupSource src = IosBackupSource.open(root)) {
            return new Manifest().run(context(src, indicators));
        }
    }

    private static Path fixture(Path tmp) throws Exception {
        return BackupFixture.at(tmp.resolve("b"))
                .file("HomeDomain", "Library/SMS/sms.db", "sms")
                .dir("CameraRollDomain", "Media/DCIM")
                .row("0000000000000000000000000000000000000001", "HomeDomain", "no-metadata", 1, null)
                .row("0000000000000000000000000000000000000002", "HomeDomain", "bad-metadata", 1,
                        new byte[] {'b', 'p', 'l', 'i', 's', 't', '0', '0', 1, 2, 3})
                .file("AppDomain-com.apple.mobilesafari", STORAGE, "ls")
                .write();
    }

    @Test
    void extractsEveryRowWithDecodedMetadata(@TempDir Path tmp) throws Exception {
        ModuleResult r = run(fixture(tmp), Indicators.empty());

        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> rows = (List<java.util.Map<String, Object>>) r.results();
        List<Manifest.Entry> entries = rows.stream().map(Manifest.Entry::of).toList();
        assertThat(entries).hasSize(5);
        assertThat(rows.get(2)).containsOnlyKeys("file_id", "domain", "relative_path", "flags", "created");
        assertThat(entries.get(0)).isEqualTo(new Manifest.Entry(SMS_ID, "HomeDomain", "Library/SMS/sms.db", 1L,
                "2021-01-15 01:26:40.000000", "2021-01-15 01:37:49.000000", "2021-01-15 01:38:20.000000",
                "0o100644", 501L, 3L));
        assertThat(entries.get(1).mode()).isEqualTo("0o40755");
        assertThat(entries.get(1).flags()).isEqualTo(2L);
        assertThat(entries.get(2)).isEqualTo(new Manifest.Entry("0000000000000000000000000000000000000001",
                "HomeDomain", "no-metadata", 1L, "", null, null, null, null, null));
        assertThat(entries.get(3).created()).isEmpty();
        assertThat(entries.get(3).modified()).isNull();
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void jsonHasMvtKeysAndOmitsMissingMetadata(@TempDir Path tmp) throws Exception {
        ModuleResult r = run(fixture(tmp), Indicators.empty());
        List<?> entries = (List<?>) r.results();
        ObjectMapper json = new ObjectMapper();

        assertThat(json.writeValueAsString(entries.get(0))).isEqualTo("{\"file_id\":\"" + SMS_ID + "\","
                + "\"domain\":\"HomeDomain\",\"relative_path\":\"Library/SMS/sms.db\",\"flags\":1,"
                + "\"created\":\"2021-01-15 01:26:40.000000\",\"modified\":\"2021-01-15 01:37:49.000000\","
                + "\"status_changed\":\"2021-01-15 01:38:20.000000\",\"mode\":\"0o100644\",\"owner\":501,\"size\":3}");
        assertThat(json.writeValueAsString(entries.get(2))).isEqualTo(
                "{\"file_id\":\"0000000000000000000000000000000000000001\",\"domain\":\"HomeDomain\","
                        + "\"relative_path\":\"no-metadata\",\"flags\":1,\"created\":\"\"}");
    }

    @Test
    void timelineHasOneEventPerDistinctTime(@TempDir Path tmp) throws Exception {
        ModuleResult r = run(fixture(tmp), Indicators.empty());

        assertThat(r.timeline()).filteredOn(e -> e.data().equals("Library/SMS/sms.db - HomeDomain")).containsExactly(
                new TimelineEvent("2021-01-15 01:26:40.000000", "Manifest", "---B", "Library/SMS/sms.db - HomeDomain"),
                new TimelineEvent("2021-01-15 01:37:49.000000", "Manifest", "M---", "Library/SMS/sms.db - HomeDomain"),
                new TimelineEvent("2021-01-15 01:38:20.000000", "Manifest", "--C-", "Library/SMS/sms.db - HomeDomain"));
        assertThat(r.timeline()).filteredOn(e -> e.data().equals("Media/DCIM - CameraRollDomain")).containsExactly(
                new TimelineEvent("2021-01-15 01:37:49.000000", "Manifest", "M-CB", "Media/DCIM - CameraRollDomain"));
        assertThat(r.timeline()).noneMatch(e -> e.data().contains("metadata"));
        assertThat(r.timeline()).hasSize(7);
    }

    @Test
    void hostsWithAPublicSuffixAreRecognised() {
        assertThat(Manifest.hasPublicSuffixHost("www.example.org")).isTrue();
        assertThat(Manifest.hasPublicSuffixHost("https://www.example.org/path")).isTrue();
        assertThat(Manifest.hasPublicSuffixHost("example.co.uk")).isTrue();
        assertThat(Manifest.hasPublicSuffixHost("co.uk")).isFalse();
        assertThat(Manifest.hasPublicSuffixHost("library/preferences/com.apple.corebrightness.plist")).isFalse();
        assertThat(Manifest.hasPublicSuffixHost("com.apple.corebrightness.plist")).isFalse();
        assertThat(Manifest.hasPublicSuffixHost("0.localstorage")).isFalse();
        assertThat(Manifest.hasPublicSuffixHost("")).isFalse();
    }

    @Test
    void probedAndFullChecksAgree() {
        // the last-label shortcut must agree with Guava's full parse, including on rules whose
        // top label is not a rule itself (web.za), wildcard and exception rules, and names Guava
        // normalises (trailing dot, ideographic dots)
        List<String> hosts = new java.util.ArrayList<>(List.of("www.example.org", "a.b.example.ck", "www.ck",
                "123.dat", "file_1.plist", "x.blogspot.com", "example.com.", "bücher.de", "a.b.kawasaki.jp",
                "city.kawasaki.jp", "-bad.com", "a..com", "1.2.3.4", "foo.123", "x.web.za", "web.za", "za",
                "example\u3002com", "example\uff0ecom", "example.com\uff61", "x.xn--p1ai", "x.рф", "."));
        for (java.util.Map<String, ?> rules : List.of(com.google.thirdparty.publicsuffix.PublicSuffixPatterns.EXACT,
                com.google.thirdparty.publicsuffix.PublicSuffixPatterns.UNDER,
                com.google.thirdparty.publicsuffix.PublicSuffixPatterns.EXCLUDED)) {
            for (String rule : rules.keySet()) {
                hosts.add("x." + rule);
                hosts.add("x.y." + rule);
            }
        }
        for (String host : hosts) {
            boolean full = host.indexOf('.') >= 0 && com.google.common.net.InternetDomainName.isValid(host)
                    && com.google.common.net.InternetDomainName.from(host).isUnderPublicSuffix();
            assertThat(Manifest.hasPublicSuffixHost(host)).as(host).isEqualTo(full);
        }
    }

    @Test
    void fileNameIndicatorRaisesHigh(@TempDir Path tmp) throws Exception {
        Path root = BackupFixture.at(tmp.resolve("b"))
                .file("HomeDomain", "Library/Preferences/com.apple.CoreBrightness.plist", "x")
                .file("HomeDomain", "Library/Preferences/com.apple.Other.plist", "y").write();

        ModuleResult r = run(root, indicators(IndicatorType.FILE_NAMES, "com.apple.CoreBrightness.plist"));

        assertThat(r.alerts()).hasSize(1);
        Alert a = r.alerts().get(0);
        assertThat(a.level()).isEqualTo(Level.HIGH);
        assertThat(a.module()).isEqualTo("manifest");
        assertThat(a.eventTime()).isEmpty();
        assertThat(a.matchedIndicator().value()).isEqualTo("com.apple.CoreBrightness.plist");
        assertThat(((java.util.Map<?, ?>) a.event()).get("relative_path"))
                .isEqualTo("Library/Preferences/com.apple.CoreBrightness.plist");
    }

    @Test
    void domainInFileNameRaisesHighOncePerIndicator(@TempDir Path tmp) throws Exception {
        Path root = BackupFixture.at(tmp.resolve("b"))
                .file("AppDomain-com.apple.mobilesafari", STORAGE, "a")
                .file("HomeDomain", "Library/Cookies/https_www.example.org_http_example.org_x", "b")
                .file("HomeDomain", "Library/Preferences/example.org.plist", "c")
                .file("HomeDomain", "Library/Cookies/https_www.example.net_0.localstorage", "d").write();

        ModuleResult r = run(root, indicators(IndicatorType.DOMAINS, "example.org"));

        assertThat(r.alerts()).extracting(Alert::message).containsExactly(
                "Found mention of domain \"example.org\" in a backup file with path: "
                        + STORAGE.toLowerCase(java.util.Locale.ROOT),
                "Found mention of domain \"example.org\" in a backup file with path: "
                        + "library/cookies/https_www.example.org_http_example.org_x");
        assertThat(r.alerts()).allMatch(a -> a.level() == Level.HIGH && a.matchedIndicator() != null);
    }

    @Test
    void recheckReadsMvtJson() throws Exception {
        JsonNode json = new ObjectMapper().readTree("[{\"file_id\":\"x\",\"domain\":\"HomeDomain\","
                + "\"relative_path\":\"" + STORAGE + "\",\"flags\":1,\"created\":\"\"},"
                + "{\"file_id\":\"y\",\"domain\":\"HomeDomain\",\"relative_path\":null}, {\"no\":\"path\"}]");
        Manifest m = new Manifest();

        assertThat(m.recheck(json, Indicators.empty())).isEmpty();
        List<Alert> alerts = m.recheck(json, indicators(IndicatorType.DOMAINS, "example.org"));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).event()).isEqualTo(json.get(0));
    }

    @Test
    void missingManifestIsNotPresent(@TempDir Path tmp) {
        FakeSource src = new FakeSource(SourceKind.IOS_BACKUP, tmp);
        assertThatThrownBy(() -> new Manifest().run(context(src, Indicators.empty())))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage("unable to find backup's Manifest.db in " + tmp);
    }

    @Test
    void corruptManifestIsUnreadable(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("Manifest.db"), "encrypted-looking bytes");
        FakeSource src = new FakeSource(SourceKind.IOS_BACKUP, tmp);
        assertThatThrownBy(() -> new Manifest().run(context(src, Indicators.empty())))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage(tmp.resolve("Manifest.db") + ": not an SQLite database");
    }

    @Test
    void realSample() throws Exception {
        ModuleResult r = run(SharedData.iosBackup(), Indicators.empty());

        assertThat((List<?>) r.results()).hasSize(3721);
        assertThat(r.timeline()).hasSize(5881);
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void realSampleDetection() throws Exception {
        ModuleResult r = run(SharedData.iosBackup(),
                indicators(IndicatorType.FILE_NAMES, "com.apple.CoreBrightness.plist"));

        assertThat((List<?>) r.results()).hasSize(3721);
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.HIGH);
    }
}
