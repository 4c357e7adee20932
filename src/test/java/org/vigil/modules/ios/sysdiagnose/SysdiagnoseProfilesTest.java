package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.vigil.modules.ios.mixed.PlistFixtures.date;
import static org.vigil.modules.ios.mixed.PlistFixtures.dict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.mixed.PlistFixtures;
import org.vigil.report.MvtJson;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;

class SysdiagnoseProfilesTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21A329";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();
    static final String SHARED = "logs/MCState/Shared/";
    static final String PREDATOR = "76DAB334-0000-4D2B-AC8C-2F2D5D5B7F00";

    @TempDir
    Path tmp;

    private final SysdiagnoseProfiles module = new SysdiagnoseProfiles();

    static Map<String, Object> stub(String id, String uuid, String name, String installed, String... payloadTypes) {
        List<Object> payloads = new java.util.ArrayList<>();
        for (String t : payloadTypes) {
            payloads.add(dict("PayloadType", t, "PayloadIdentifier", id + "." + t, "PayloadUUID", uuid + "-P"));
        }
        return dict("PayloadIdentifier", id, "PayloadUUID", uuid, "PayloadDisplayName", name, "PayloadType",
                "Configuration", "PayloadDescription", "desc", "InstallDate", date(installed), "PayloadContent",
                payloads, "SignerCerts", List.of(new byte[] {1, 2, 3}));
    }

    private Path top() throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top.resolve(SHARED));
        Files.writeString(top.resolve("sysdiagnose.log"), "x\n");
        return top;
    }

    private Path fixture() throws IOException {
        Path top = top();
        PlistFixtures.xml(top.resolve(SHARED + "profile-aa.stub"), stub("com.apple.basebandlogging",
                "11111111-2222-3333-4444-555555555555", "Baseband Logging", "2024-01-01T10:00:00Z",
                "com.apple.basebandlogging"));
        PlistFixtures.binary(top.resolve(SHARED + "profile-bb.stub"), stub("com.example.notify", PREDATOR,
                "Notifications", "2023-12-30T08:00:00Z", "com.apple.notificationsettings"));
        PlistFixtures.binary(top.resolve(SHARED + "profile-cc.stub"), stub("com.corp.vpn",
                "AAAAAAAA-2222-3333-4444-555555555555", "Corp VPN", "2023-12-31T09:00:00Z",
                "com.apple.security.root", "com.apple.vpn.managed", "com.apple.security.root"));
        Files.write(top.resolve(SHARED + "profile-empty.stub"), new byte[0]);
        Files.writeString(top.resolve(SHARED + "MDM.plist"), "not a stub");
        return top;
    }

    private ModuleResult run(Path path, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return module.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<SysdiagnoseProfiles.Profile> records(ModuleResult r) {
        return (List<SysdiagnoseProfiles.Profile>) r.results();
    }

    @Test
    void readsStubsAsMvtWritesProfiles() throws Exception {
        ModuleResult r = run(fixture(), Indicators.empty());
        assertThat(records(r)).extracting(SysdiagnoseProfiles.Profile::file,
                SysdiagnoseProfiles.Profile::install_date).containsExactly(
                        tuple(SHARED + "profile-aa.stub", "2024-01-01 10:00:00.000000"),
                        tuple(SHARED + "profile-bb.stub", "2023-12-30 08:00:00.000000"),
                        tuple(SHARED + "profile-cc.stub", "2023-12-31 09:00:00.000000"));
        JsonNode json = JSON.valueToTree(records(r).get(0));
        assertThat(json.get("plist").get("PayloadIdentifier").asText()).isEqualTo("com.apple.basebandlogging");
        assertThat(json.get("plist").get("SignerCerts").get(0).asText()).isEqualTo("AQID");
        assertThat(r.timeline()).extracting(TimelineEvent::timestamp, TimelineEvent::event, TimelineEvent::data)
                .contains(tuple("2023-12-31 09:00:00.000000", "configuration_profile_install",
                        "Configuration installed: AAAAAAAA-2222-3333-4444-555555555555 - Corp VPN: desc"));
        assertThat(r.timeline()).hasSize(3);
    }

    @Test
    void heuristicsWithoutIndicators() throws Exception {
        ModuleResult r = run(fixture(), Indicators.empty());
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                tuple(Level.MEDIUM, "Found a potentially suspicious configuration profile \"Notifications\" with"
                        + " payload type com.apple.notificationsettings"),
                tuple(Level.MEDIUM, "Configuration profile \"Corp VPN\" (com.corp.vpn, UUID"
                        + " AAAAAAAA-2222-3333-4444-555555555555) installs a root certificate (can intercept"
                        + " encrypted traffic), a VPN (routes traffic through its server): check that the person"
                        + " knows and trusts who installed it"));
    }

    @Test
    void profileIndicatorIsCritical() throws Exception {
        ModuleResult r = run(fixture(), Indicators.builder().add(IndicatorType.IOS_PROFILE_IDS, PREDATOR, "Predator",
                "predator.stix2").build());
        assertThat(r.alerts()).filteredOn(a -> a.level() == Level.CRITICAL).extracting(Alert::message)
                .containsExactly("Found a known malicious configuration profile \"Notifications\" with UUID \""
                        + PREDATOR + "\"");
        // the notification heuristic is not repeated for a profile that matched
        assertThat(r.alerts()).extracting(Alert::level).containsExactly(Level.CRITICAL, Level.MEDIUM);
    }

    @Test
    void corruptStubIsReportedWhenAloneAndSkippedOtherwise() throws Exception {
        Path top = top();
        Files.writeString(top.resolve(SHARED + "profile-bad.stub"), "<?xml version=\"1.0\"?><plist><dict><key>");
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("profile-bad.stub");
        }
        PlistFixtures.binary(top.resolve(SHARED + "profile-ok.stub"), stub("com.x", "U", "X",
                "2024-01-01T00:00:00Z"));
        assertThat(records(run(top, Indicators.empty()))).extracting(SysdiagnoseProfiles.Profile::file)
                .containsExactly(SHARED + "profile-ok.stub");
    }

    @Test
    void missingStubsAreNotPresent() throws Exception {
        Path top = top();
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessage("configuration profile stubs not found (" + SysdiagnoseProfiles.PATTERN + ")");
        }
    }

    @Test
    void recheckOfSavedResults() throws Exception {
        JsonNode saved = JSON.readTree("[{\"file\": \"x\", \"plist\": {\"PayloadUUID\": \"" + PREDATOR + "\","
                + " \"PayloadDisplayName\": \"N\"}}, {\"plist\": 3}]");
        assertThat(module.recheck(saved, Indicators.builder().add(IndicatorType.IOS_PROFILE_IDS, PREDATOR, "P",
                "p.stix2").build())).extracting(Alert::level).containsExactly(Level.CRITICAL);
        assertThat(module.recheck(saved, Indicators.empty())).isEmpty();
    }
}
