package org.vigil.modules.android.intrusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.intrusion.IntrusionFixtures.iocs;
import static org.vigil.modules.android.intrusion.IntrusionFixtures.logs;
import static org.vigil.modules.android.intrusion.IntrusionFixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;

class IntrusionLogModulesTest {
    @TempDir
    Path tmp;

    private static final String DNS = "{\"dns_event\": {\"event_time\": 1735689600123, \"hostname\": \"evil.example.org\","
            + " \"ip_addresses\": [\"/203.0.113.5\", \"/0.0.0.0\"], \"package_name\": \"com.example.app\"}}";
    private static final String CONNECT = "{\"connect_event\": {\"event_time\": 1735689601000, \"ip_address\":"
            + " \"host.example/198.51.100.7\", \"port\": 443, \"package_name\": \"com.example.app\"}}";
    private static final String PROCESS = "{\"security_event\": {\"event_time\": 1735689602123456789,"
            + " \"app_process_start\": {\"process\": \"com.google.android.webview:sandboxed_process0:svc\","
            + " \"uid\": 10123, \"pid\": 4567}}}";
    private static final String FUTURE = "{\"security_event\": {\"event_time\": 1735689603000000000,"
            + " \"future_google_event\": {\"field\": \"value\"}}}";

    @SuppressWarnings("unchecked")
    private static List<JsonNode> records(ModuleResult r) {
        return (List<JsonNode>) r.results();
    }

    @Test
    void dnsConnectAndSecurityEventsAreBucketedAndCounted() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(DNS, CONNECT, PROCESS, FUTURE));
        ModuleResult dns = run(new DnsEvent(), p);
        ModuleResult con = run(new ConnectEvent(), p);
        ModuleResult sec;
        try (var l = new IntrusionFixtures.Logs(SecurityEvent.class)) {
            sec = run(new SecurityEvent(), p);
            assertThat(l.warnings()).containsExactly("Found unknown intrusion logging security event type(s): "
                    + "future_google_event. Please open an issue on GitHub so support can be added for them.");
        }
        assertThat(List.of(dns.recordCount(), con.recordCount(), sec.recordCount())).containsExactly(1L, 1L, 2L);
        assertThat(records(sec)).extracting(SecurityEvent::tagOf).containsExactly("app_process_start",
                "future_google_event");
        assertThat(new ObjectMapper().writeValueAsString(records(dns).get(0))).isEqualTo("{\"event_time\":"
                + "1735689600123,\"hostname\":\"evil.example.org\",\"ip_addresses\":[\"/203.0.113.5\",\"/0.0.0.0\"],"
                + "\"package_name\":\"com.example.app\",\"timestamp\":\"2025-01-01 00:00:00.123000\"}");
        assertThat(dns.timeline()).containsExactly(new TimelineEvent("2025-01-01 00:00:00.123000", "DnsEvent",
                "dns_query", "DNS query for evil.example.org by com.example.app [IPs: 203.0.113.5]"));
        assertThat(con.timeline()).containsExactly(new TimelineEvent("2025-01-01 00:00:01.000000", "ConnectEvent",
                "network_connection", "Connection to 198.51.100.7:443 by com.example.app"));
        assertThat(sec.timeline()).containsExactly(
                new TimelineEvent("2025-01-01 00:00:02.123456", "SecurityEvent", "app_process_start",
                        "Process started: com.google.android.webview:sandboxed_process0:svc (UID: 10123, PID: 4567)"),
                new TimelineEvent("2025-01-01 00:00:03.000000", "SecurityEvent", "future_google_event",
                        "future_google_event: {'field': 'value'}"));
        assertThat(dns.alerts()).isEmpty();
        assertThat(con.alerts()).isEmpty();
        assertThat(sec.alerts()).isEmpty();
    }

    @Test
    void eventIdIsMetadata() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(
                "{\"security_event\": {\"event_id\": 191, \"event_time\": 1735689600000000000,"
                        + " \"keyguard_dismiss_auth_attempt\": {\"success\": true, \"method_strength\": 0}}}",
                "{\"security_event\": {\"event_id\": 192, \"event_time\": 1735689601000000000,"
                        + " \"keyguard_dismissed\": {}}}"));
        ModuleResult sec = run(new SecurityEvent(), p);
        assertThat(records(sec)).extracting(SecurityEvent::tagOf).containsExactly("keyguard_dismiss_auth_attempt",
                "keyguard_dismissed");
        assertThat(records(sec)).extracting(n -> n.get("event_id").asInt()).containsExactly(191, 192);
        assertThat(sec.timeline()).extracting(TimelineEvent::event, TimelineEvent::data).containsExactly(
                org.assertj.core.groups.Tuple.tuple("keyguard_dismiss_auth_attempt",
                        "Auth attempt: Success (method strength: 0)"),
                org.assertj.core.groups.Tuple.tuple("keyguard_dismissed", "Keyguard dismissed"));
    }

    @Test
    void pinStorageKeyFailureIsNotWarnedOtherKeyFailuresAre() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(
                "{\"security_event\": {\"event_time\": 1735689600000000000, \"key_generated\":"
                        + " {\"success\": false, \"key_id\": \"PinStorage_crossReboot_key\", \"uid\": 1001}}}",
                "{\"security_event\": {\"event_time\": 1735689601000000000, \"key_generated\":"
                        + " {\"success\": false, \"key_id\": \"other_key\", \"uid\": 10050}}}"));
        ModuleResult sec;
        try (var l = new IntrusionFixtures.Logs(SecurityEvent.class)) {
            sec = run(new SecurityEvent(), p);
            assertThat(l.warnings()).containsExactly("Failed key generation detected for key_id: other_key");
        }
        assertThat(sec.timeline()).extracting(TimelineEvent::data).containsExactly(
                "Key generation failed: PinStorage_crossReboot_key (UID: 1001)",
                "Key generation failed: other_key (UID: 10050)");
        assertThat(sec.alerts()).isEmpty();
    }

    @Test
    void certificateAuthorityInstalledIsMediumFailedInstallOnlyWarned() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(
                "{\"security_event\": {\"event_time\": 1735689600000000000, \"cert_authority_installed\":"
                        + " {\"success\": true, \"subject\": \"CN=Evil Proxy CA\"}}}",
                "{\"security_event\": {\"event_time\": 1735689601000000000, \"cert_authority_installed\":"
                        + " {\"success\": false, \"subject\": \"CN=Failed CA\"}}}",
                "{\"security_event\": {\"event_time\": 1735689602000000000, \"cert_authority_installed\":"
                        + " {\"success\": 0, \"subject\": \"CN=Zero CA\"}}}"));
        ModuleResult sec;
        try (var l = new IntrusionFixtures.Logs(SecurityEvent.class)) {
            sec = run(new SecurityEvent(), p);
            assertThat(l.warnings()).containsExactly("Failed certificate authority installation: CN=Failed CA",
                    "Failed certificate authority installation: CN=Zero CA");
        }
        assertThat(sec.alerts()).extracting(Alert::level, Alert::message, Alert::eventTime).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.MEDIUM, "Certificate authority installed: CN=Evil Proxy CA",
                        "2025-01-01 00:00:00.000000"));
        assertThat(sec.timeline()).extracting(TimelineEvent::data).containsExactly("Cert installed: CN=Evil Proxy CA",
                "Cert install failed: CN=Failed CA", "Cert install failed: CN=Zero CA");
    }

    @Test
    void validationWipeIntegrityAndSelfTestAreMediumWithoutIndicators() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(
                "{\"security_event\": {\"event_time\": 1, \"cert_validation_failure\": {\"reason\": \"expired\"}}}",
                "{\"security_event\": {\"event_time\": 2, \"wipe_failure\": {}}}",
                "{\"security_event\": {\"event_time\": 3, \"key_integrity_violation\": {\"key_id\": \"k1\","
                        + " \"uid\": 1000}}}",
                "{\"security_event\": {\"event_time\": 4, \"crypto_self_test_completed\": {\"success\": false}}}",
                "{\"security_event\": {\"event_time\": 5, \"crypto_self_test_completed\": 1}}"));
        ModuleResult sec = run(new SecurityEvent(), p);
        assertThat(sec.alerts()).extracting(Alert::level).containsOnly(Level.MEDIUM);
        assertThat(sec.alerts()).extracting(Alert::message).containsExactly(
                "Certificate validation failure detected: {'reason': 'expired'}",
                "Device wipe failure detected",
                "Key integrity violation detected: {'key_id': 'k1', 'uid': 1000}",
                "Cryptographic self test failed");
        assertThat(sec.timeline()).extracting(TimelineEvent::data).containsExactly(
                "Certificate validation failure: {'reason': 'expired'}", "Device wipe failed",
                "Key integrity violation: k1", "Crypto self test: FAILED", "Crypto self test: passed");
        assertThat(sec.timeline()).extracting(TimelineEvent::timestamp).containsExactly(
                "1970-01-01 00:00:00.000000", "1970-01-01 00:00:00.000000", "1970-01-01 00:00:00.000000",
                "1970-01-01 00:00:00.000000", "1970-01-01 00:00:00.000000");
    }

    @Test
    void dnsIndicatorsHostnameIpsAndPackage() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(DNS));
        ModuleResult dns = run(new DnsEvent(), p, iocs(IndicatorType.DOMAINS, "evil.example.org",
                IndicatorType.DOMAINS, "203.0.113.5", IndicatorType.DOMAINS, "0.0.0.0",
                IndicatorType.APP_IDS, "com.example.app"));
        assertThat(dns.alerts()).extracting(a -> a.matchedIndicator().value()).containsExactly("evil.example.org",
                "203.0.113.5", "com.example.app");
        assertThat(dns.alerts()).extracting(Alert::level).containsOnly(Level.CRITICAL);
        assertThat(dns.alerts()).extracting(Alert::eventTime).containsOnly("2025-01-01 00:00:00.123000");
        assertThat(records(dns).get(0).get("matched_ips").toString()).isEqualTo("[\"203.0.113.5\"]");
        assertThat(dns.timeline()).extracting(TimelineEvent::data).containsExactly(
                "DNS query for evil.example.org by com.example.app [Matched IPs: 203.0.113.5]");
        assertThat(new DnsEvent().recheck(new ObjectMapper().valueToTree(records(dns)),
                iocs(IndicatorType.DOMAINS, "evil.example.org"))).hasSize(1);
    }

    @Test
    void connectIndicatorsIpSkipsLocalhost() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(CONNECT,
                "{\"connect_event\": {\"event_time\": 1735689602000, \"ip_address\": \"ip6-localhost/::1\","
                        + " \"port\": 80, \"package_name\": \"com.other\"}}"));
        ModuleResult con = run(new ConnectEvent(), p, iocs(IndicatorType.DOMAINS, "198.51.100.7",
                IndicatorType.DOMAINS, "::1"));
        assertThat(con.alerts()).extracting(a -> a.matchedIndicator().value()).containsExactly("198.51.100.7");
        assertThat(records(con).get(0).get("matched_ip").asText()).isEqualTo("198.51.100.7");
        assertThat(con.timeline()).extracting(TimelineEvent::data).containsExactly(
                "Connection to 198.51.100.7:443 by com.example.app [Matched IP: 198.51.100.7]",
                "Connection to ::1:80 by com.other");
    }

    @Test
    void securityIndicatorsProcessComponentsPackagesCommandsAndPaths() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(PROCESS,
                "{\"security_event\": {\"event_time\": 10, \"package_installed\": {\"package_name\": \"com.bad\","
                        + " \"version_code\": 3, \"user_id\": 0}}}",
                "{\"security_event\": {\"event_time\": 11, \"adb_shell_cmd\": {\"command\": \"com.bad\"}}}",
                "{\"security_event\": {\"event_time\": 12, \"adb_sync_send_file\": {\"path\":"
                        + " \"/data/local/tmp/implant\"}}}"));
        ModuleResult sec = run(new SecurityEvent(), p, iocs(IndicatorType.APP_IDS, "sandboxed_process0",
                IndicatorType.APP_IDS, "com.bad", IndicatorType.FILE_PATHS, "/data/local/tmp/"));
        assertThat(sec.alerts()).extracting(a -> a.matchedIndicator().value()).containsExactly("sandboxed_process0",
                "com.bad", "com.bad", "/data/local/tmp/");
        assertThat(sec.alerts()).extracting(Alert::level).containsOnly(Level.CRITICAL);
        assertThat(sec.timeline()).extracting(TimelineEvent::data).containsExactly(
                "Process started: com.google.android.webview:sandboxed_process0:svc (UID: 10123, PID: 4567)",
                "Package Installed: com.bad (v3, user: 0)", "ADB shell command: com.bad",
                "File pushed via ADB: /data/local/tmp/implant");
        assertThat(new SecurityEvent().recheck(new ObjectMapper().valueToTree(records(sec)),
                iocs(IndicatorType.APP_IDS, "com.bad"))).hasSize(2);
    }

    @Test
    void missingEventTimeGivesNullTimestamp() throws Exception {
        Path p = logs(tmp, "a.txt", List.of("{\"dns_event\": {\"hostname\": \"a.example\", \"package_name\": \"p\"}}"));
        ModuleResult dns = run(new DnsEvent(), p);
        assertThat(records(dns).get(0).get("timestamp").isNull()).isTrue();
        assertThat(dns.timeline()).containsExactly(new TimelineEvent("", "DnsEvent", "dns_query",
                "DNS query for a.example by p"));
    }

    @Test
    void securityTagsAreTheFortySixOfSecurityLog() {
        assertThat(SecurityEvent.TAGS).hasSize(46);
        assertThat(SecurityEvent.TAGS.get("adb_shell_interactive")).isEqualTo(210001);
        assertThat(SecurityEvent.TAGS.get("cert_validation_failure")).isEqualTo(210033);
        assertThat(SecurityEvent.TAGS.get("nfc_disabled")).isEqualTo(210046);
    }

    @Test
    void deviceZoneGivesLocalTimestamps() throws Exception {
        Path p = logs(tmp, "a.txt", List.of(CONNECT, PROCESS));
        try (org.vigil.source.android.IntrusionLogSource s = org.vigil.source.android.IntrusionLogSource.open(p)
                .withDeviceZone(java.time.ZoneId.of("Europe/Rome"))) {
            var ctx = new org.vigil.core.ModuleContext(s, org.vigil.ioc.Indicators.empty(), null, java.util.Map.of(),
                    IntrusionFixtures.CLOCK);
            assertThat(new ConnectEvent().run(ctx).timeline()).extracting(TimelineEvent::timestamp)
                    .containsExactly("2025-01-01 01:00:01.000000");
            assertThat(new SecurityEvent().run(ctx).timeline()).extracting(TimelineEvent::timestamp)
                    .containsExactly("2025-01-01 01:00:02.123456");
            assertThat(s.deviceInfo().get(org.vigil.source.android.IntrusionLogSource.DEVICE_TIMEZONE))
                    .isEqualTo("Europe/Rome");
        }
    }
}
