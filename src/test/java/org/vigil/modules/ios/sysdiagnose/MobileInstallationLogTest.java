package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
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
import org.vigil.report.MvtJson;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;
import org.vigil.source.sysdiagnose.TarFixture;

class MobileInstallationLogTest {
    static final String TOP = "sysdiagnose_2025.04.07_08-06-18-0700_iPhone-OS_iPhone_20A362";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    static final ObjectMapper JSON = MvtJson.mapper();
    static final String DIR = "logs/MobileInstallation/";
    static final String T = " [234] <notice> (0x16b48f000) ";

    /** The newest log: a placeholder then a Customer install, an uninstall (lines as installd writes them). */
    static final String LOG0 = String.join("\n",
            "Mon Apr  7 06:13:34 2025" + T + "-[MIClientConnection _doInstallationForURL:identity:domain:options:"
                    + "completion:]: Install of \"/private/var/containers/Shared/SystemGroup/systemgroup.com.apple."
                    + "installcoordinationd/Library/InstallCoordination/PromiseStaging/B6D2/Signal.app\" type"
                    + " Placeholder (LSInstallType = MIInstallationDomainDefault, Domain: 1) requested by"
                    + " installcoordinationd (pid 960 (501/501))",
            "Mon Apr  7 06:13:34 2025" + T + "-[MIInstaller _installInstallable:containingSymlink:error:]:"
                    + " Installing <MIInstallableBundle ID=org.whispersystems.signal; Version=(null),"
                    + " ShortVersion=(null)>",
            "Mon Apr  7 06:13:34 2025" + T + "-[MIContainer makeContainerLiveReplacingContainer:reason:"
                    + "waitForDeletion:withError:]: Made container live for org.whispersystems.signal at"
                    + " /private/var/mobile/Containers/Data/Application/7D8F45EA-CF9E-4074-910B-33CE7A8E196B",
            "Mon Apr  7 06:13:34 2025" + T + "-[MIInstaller performInstallationWithError:]: Install Successful for"
                    + " (Placeholder:org.whispersystems.signal); Staging: 0.01s; Waiting: 0.00s; Preflight/Patch:"
                    + " 0.00s, Verifying: 0.01s; Overall: 0.14s",
            "Mon Apr  7 06:13:50 2025" + T + "-[MIInstaller _installInstallable:containingSymlink:error:]:"
                    + " Installing <MIInstallableBundle ID=org.whispersystems.signal; Version=703, ShortVersion=7.53>",
            "Mon Apr  7 06:13:52 2025" + T + "-[MIInstallableBundle _refreshUUIDForContainer:withError:]: Data"
                    + " container for org.whispersystems.signal is now at"
                    + " /private/var/mobile/Containers/Data/Application/99FCC994-C7C1-4F60-A797-0BFFB204453A",
            "Mon Apr  7 06:13:52 2025" + T + "-[MIInstaller performInstallationWithError:]: Install Successful for"
                    + " (Customer:org.whispersystems.signal); Staging: 0.03s; Waiting: 0.00s; Preflight/Patch: 0.06s,"
                    + " Verifying: 1.03s; Overall: 1.27s",
            "Mon Apr  7 07:40:47 2025 [446] <notice> (0x16fd27000) -[MIClientConnection _uninstallIdentities:"
                    + "withOptions:completion:]: Uninstall requested by installcoordinationd (pid 123 (501/501)) for"
                    + " identity [org.whispersystems.signal/PersonalPersonaPlaceholderString] with options: {",
            "    WaitForStorageDeletion = 0;",
            "}",
            "Mon Apr  7 07:40:47 2025 [446] <notice> (0x16fc9b000) -[MIUninstaller _uninstallBundleWithIdentity:"
                    + "linkedToChildren:waitForDeletion:uninstallReason:temporaryReference:wasLastReference:error:]:"
                    + " Uninstalling identifier org.whispersystems.signal",
            "Mon Apr  7 07:40:47 2025 [446] <err> (0x16fc9b000) -[MIUninstaller _uninstallBundleWithIdentity:"
                    + "linkedToChildren:waitForDeletion:uninstallReason:temporaryReference:wasLastReference:error:]:"
                    + " Destroying container org.whispersystems.signal with persona (null) at"
                    + " /private/var/containers/Bundle/Application/1EC20F02-263B-4299-AE05-3F5D7A7744E9",
            "");

    /** An older rotation: a developer install (Xcode), an iOS 26-style success with a distributor, a reboot. */
    static final String LOG1 = String.join("\n",
            "Mon Aug 11 14:09:38 2025 [8567] <notice> (0x17025b000) -[MIClientConnection _doInstallationForURL:"
                    + "identity:domain:options:completion:]: Install of \"/private/var/containers/Shared/SystemGroup/"
                    + "systemgroup.com.apple.installcoordinationd/Library/InstallCoordination/PromiseStaging/D6D8/"
                    + "Runner.app\" type Developer (LSInstallType = (null), Domain: MIInstallationDomainDefault)"
                    + " requested by installcoordinationd (pid 117 (501/501))",
            "Mon Aug 11 14:09:38 2025 [8567] <notice> (0x17025b000) -[MIInstaller _installInstallable:"
                    + "containingSymlink:error:]: Installing <MIInstallableBundle ID=com.example.helloworld;"
                    + " Persona=24571DA7-E66C-4D48-AC31-32C3F9F38336, Version=1, ShortVersion=1.0.0>",
            "Mon Aug 11 14:09:39 2025 [8567] <notice> (0x17025b000) -[MIInstaller performInstallationWithError:]:"
                    + " Install Successful for (Developer:com.example.helloworld); Overall: 0.90s",
            "Tue Aug 12 09:00:00 2025 [90] <notice> (0x1702e7000) -[MIInstaller _logOperationCompletionWithStart"
                    + "Time:distributorID:]: Install successful for (Customer:com.example.market)"
                    + " [Distributor: eu.example.marketplace]",
            "Tue Aug 12 09:05:00 2025 [90] <notice> (0x1702e7000) -[MIInstaller _logOperationCompletionWithStart"
                    + "Time:distributorID:]: Install successful for (Customer:com.example.store)"
                    + " [Distributor: com.apple.AppStore]",
            "Tue Aug 12 09:10:00 2025 [90] <notice> (0x1702e7000) -[MIInstallableBundlePatch performPreflight"
                    + "WithError:]: Attempting Delta patch update of com.example.store from 10 (1.0) to 11 (1.1)",
            "Wed Aug 13 10:00:00 2025 [91] <notice> (0x16f0f3000) main: Reboot detected",
            "");

    @TempDir
    Path tmp;

    private final MobileInstallationLog module = new MobileInstallationLog();

    private Path folder(Map<String, String> files) throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top.resolve(DIR));
        Files.writeString(top.resolve("sysdiagnose.log"), "sysdiagnose_2025.04.07_08-06-18-0700.tar.gz\n");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(top.resolve(f.getKey()), f.getValue());
        }
        return top;
    }

    private Path both() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(DIR + "mobile_installation.log.0", LOG0);
        files.put(DIR + "mobile_installation.log.1", LOG1);
        return folder(files);
    }

    private ModuleResult run(Path path, Indicators iocs) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return module.run(new ModuleContext(s, iocs, null, Map.of(), CLOCK));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<MobileInstallationLog.Event> records(ModuleResult r) {
        return (List<MobileInstallationLog.Event>) r.results();
    }

    private static Indicators iocs(IndicatorType type, String value) {
        return Indicators.builder().add(type, value, "Test", "test.stix2").build();
    }

    @Test
    void extractsEventsInUtcWithRequestDetailsCarriedOver() throws Exception {
        ModuleResult r = run(both(), Indicators.empty());
        List<MobileInstallationLog.Event> ev = records(r);
        assertThat(ev).extracting(MobileInstallationLog.Event::action).containsExactly(
                "install_request", "installing", "container_live", "install", "installing", "data_container",
                "install", "uninstall_request", "uninstall", "destroy_container",
                "install_request", "installing", "install", "install", "install", "patch_update", "reboot");
        // local time 06:13:52 at -07:00
        MobileInstallationLog.Event customer = ev.get(6);
        assertThat(customer).isEqualTo(new MobileInstallationLog.Event("2025-04-07 13:13:52.000000",
                "2025-04-07 06:13:52", DIR + "mobile_installation.log.0", "install", "org.whispersystems.signal",
                "703", "7.53", "Customer", "", "", "", ""));
        MobileInstallationLog.Event request = ev.get(0);
        assertThat(request.install_type()).isEqualTo("Placeholder");
        assertThat(request.requested_by()).isEqualTo("installcoordinationd");
        assertThat(request.path()).endsWith("/PromiseStaging/B6D2/Signal.app");
        assertThat(ev.get(3).requested_by()).isEqualTo("installcoordinationd");
        assertThat(ev.get(6).requested_by()).isEmpty(); // no request line on that thread since the last install
        assertThat(ev.get(7)).extracting(MobileInstallationLog.Event::bundle_id,
                MobileInstallationLog.Event::requested_by, MobileInstallationLog.Event::persona)
                .containsExactly("org.whispersystems.signal", "installcoordinationd",
                        "PersonalPersonaPlaceholderString");
        assertThat(ev.get(9).path()).isEqualTo(
                "/private/var/containers/Bundle/Application/1EC20F02-263B-4299-AE05-3F5D7A7744E9");
        MobileInstallationLog.Event dev = ev.get(12);
        assertThat(dev).isEqualTo(new MobileInstallationLog.Event("2025-08-11 21:09:39.000000",
                "2025-08-11 14:09:39", DIR + "mobile_installation.log.1", "install", "com.example.helloworld", "1",
                "1.0.0", "Developer", "installcoordinationd", "", "", dev.path()));
        assertThat(dev.path()).endsWith("/Runner.app");
        assertThat(ev.get(13).distributor()).isEqualTo("eu.example.marketplace");
        assertThat(ev.get(15)).extracting(MobileInstallationLog.Event::bundle_id,
                MobileInstallationLog.Event::version, MobileInstallationLog.Event::short_version,
                MobileInstallationLog.Event::install_type).containsExactly("com.example.store", "11", "1.1", "Delta");
        assertThat(JSON.valueToTree(ev.get(17 - 1)).toString()).isEqualTo("{\"timestamp\":"
                + "\"2025-08-13 17:00:00.000000\",\"local_time\":\"2025-08-13 10:00:00\",\"file\":"
                + "\"logs/MobileInstallation/mobile_installation.log.1\",\"action\":\"reboot\",\"bundle_id\":\"\","
                + "\"version\":\"\",\"short_version\":\"\",\"install_type\":\"\",\"requested_by\":\"\","
                + "\"distributor\":\"\",\"persona\":\"\",\"path\":\"\"}");
    }

    @Test
    void timelineHasInstallsUninstallsUpdatesAndReboots() throws Exception {
        ModuleResult r = run(both(), Indicators.empty());
        assertThat(r.timeline()).extracting(TimelineEvent::timestamp, TimelineEvent::event, TimelineEvent::data)
                .contains(
                        tuple("2025-04-07 13:13:52.000000", "app_install", "Installed org.whispersystems.signal 7.53"
                                + " (703) (type Customer)"),
                        tuple("2025-04-07 14:40:47.000000", "app_uninstall", "Uninstalled org.whispersystems.signal"),
                        tuple("2025-04-07 14:40:47.000000", "app_uninstall_request", "Uninstall of"
                                + " org.whispersystems.signal requested by installcoordinationd"),
                        tuple("2025-08-12 16:00:00.000000", "app_install", "Installed com.example.market (type"
                                + " Customer), distributor eu.example.marketplace"),
                        tuple("2025-08-12 16:10:00.000000", "app_update", "Update of com.example.store to 1.1 (11)"),
                        tuple("2025-08-13 17:00:00.000000", "installd_reboot", "installd detected a reboot"));
        assertThat(r.timeline()).extracting(TimelineEvent::event).doesNotContain("container_live");
        assertThat(r.timeline()).hasSize(9);
    }

    @Test
    void developerInstallIsMediumAndForeignDistributorLow() throws Exception {
        ModuleResult r = run(both(), Indicators.empty());
        assertThat(r.alerts()).extracting(Alert::level, Alert::message).containsExactly(
                tuple(Level.MEDIUM, "App com.example.helloworld was installed on 2025-08-11 21:09:38.000000 as a"
                        + " developer app (install type Developer, requested by installcoordinationd): signed with a"
                        + " development certificate and installed from a computer or a sideloading tool, not from"
                        + " the App Store"),
                tuple(Level.LOW, "App com.example.market was installed on 2025-08-12 16:00:00.000000 from"
                        + " distributor eu.example.marketplace, not from Apple's App Store (an alternative"
                        + " marketplace or web distribution)"));
    }

    @Test
    void appStoreOnlyLogRaisesNothing() throws Exception {
        ModuleResult r = run(folder(Map.of(DIR + "mobile_installation.log.0", LOG0)), Indicators.empty());
        assertThat(records(r)).hasSize(10);
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void bundleClientAndPathIndicatorsAreCriticalOnce() throws Exception {
        Path top = both();
        ModuleResult byApp = run(top, iocs(IndicatorType.APP_IDS, "org.whispersystems.signal"));
        List<Alert> critical = byApp.alerts().stream().filter(a -> a.level() == Level.CRITICAL).toList();
        assertThat(critical).hasSize(1);
        assertThat(critical.get(0).message()).isEqualTo("Found a known malicious app org.whispersystems.signal in"
                + " the MobileInstallation log (app_ids indicator)");
        assertThat(critical.get(0).eventTime()).isEqualTo("2025-04-07 13:13:34.000000");
        ModuleResult byProcess = run(top, iocs(IndicatorType.PROCESSES, "installcoordinationd"));
        assertThat(byProcess.alerts()).filteredOn(a -> a.level() == Level.CRITICAL).extracting(Alert::message)
                .containsExactly("Found a known malicious process \"installcoordinationd\" requesting an app"
                        + " installation or removal");
        ModuleResult byPath = run(top, iocs(IndicatorType.FILE_PATHS,
                "/private/var/containers/Bundle/Application/1EC20F02-263B-4299-AE05-3F5D7A7744E9"));
        assertThat(byPath.alerts()).filteredOn(a -> a.level() == Level.CRITICAL).hasSize(1);
        assertThat(run(top, iocs(IndicatorType.APP_IDS, "com.example.absent")).alerts())
                .noneMatch(a -> a.level() == Level.CRITICAL);
    }

    @Test
    void readsATarGzInPlaceWithoutTimezoneHint() throws Exception {
        String top = "sysdiagnose_2025.04.07_08-06-18+0000_iPhone-OS_iPhone_20A362";
        Path tgz = new TarFixture().dir(top + "/")
                .file(top + "/sysdiagnose.log", "x\n")
                .file(top + "/" + DIR + "mobile_installation.log.0", LOG0)
                .writeTarGz(tmp.resolve(top + ".tar.gz"));
        ModuleResult r = run(tgz, Indicators.empty());
        assertThat(records(r)).hasSize(10);
        assertThat(records(r).get(0).timestamp()).isEqualTo("2025-04-07 06:13:34.000000");
    }

    @Test
    void garbageLogIsUnreadableButOneGoodLogIsEnough() throws Exception {
        Path bad = folder(Map.of(DIR + "mobile_installation.log.0", "\u0000\u0001binary junk\nmore junk\n"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(bad)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(CorruptArtifactException.class)
                    .hasMessageStartingWith(DIR + "mobile_installation.log.0: no MobileInstallation log line found");
        }
        Files.writeString(bad.resolve(DIR + "mobile_installation.log.1"), LOG1);
        assertThat(records(run(bad, Indicators.empty()))).hasSize(7);
    }

    @Test
    void invalidBytesDatesAndLongLinesDoNotFail() throws Exception {
        byte[] latin = ("Mon Apr  7 06:13:34 2025" + T + "-[MIUninstaller x:]: Uninstalling identifier com.\u00e9vil\n"
                + "Mon Feb 30 06:13:34 2025" + T + "-[MIUninstaller x:]: Uninstalling identifier com.baddate\n"
                + "Mon Apr  7 06:13:35 2025" + T + "-[MIUninstaller x:]: Uninstalling identifier com.long"
                + "x".repeat(70_000) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        Path top = folder(Map.of());
        Files.write(top.resolve(DIR + "mobile_installation.log.0"), latin);
        List<MobileInstallationLog.Event> ev = records(run(top, Indicators.empty()));
        assertThat(ev).extracting(MobileInstallationLog.Event::timestamp, MobileInstallationLog.Event::bundle_id)
                .containsExactly(tuple("", "com.baddate"), tuple("2025-04-07 13:13:34.000000", "com.\ufffdvil"),
                        tuple("2025-04-07 13:13:35.000000", "com.long" + "x".repeat(
                                MobileInstallationLog.MAX_LINE - ("Mon Apr  7 06:13:35 2025" + T
                                        + "-[MIUninstaller x:]: Uninstalling identifier com.long").length())));
    }

    @Test
    void olderAndNewerMessageSpellings() throws Exception {
        String log = String.join("\n",
                "Fri Jun 14 10:00:00 2019 [77] <notice> (0x1) -[MIUninstaller _uninstallBundleWithIdentity:error:]:"
                        + " Destroying container with identifier com.old.app at /private/var/containers/Bundle/"
                        + "Application/ABC",
                "Fri Jun 14 10:00:01 2019 [77] <notice> (0x2) -[MIInstaller _installInstallable:containingSymlink:"
                        + "error:]: Staging <MIInstallableParallelPlaceholder ID=com.new.app; Version=5,"
                        + " ShortVersion=2.0>",
                "Fri Jun 14 10:00:02 2019 [77] <notice> (0x2) -[MIInstaller _logOperationCompletionWithStartTime:"
                        + "distributorID:]: Staging update successful for (Customer:com.new.app) [Distributor: (null)]",
                "Fri Jun 14 10:00:03 2019 [77] <err> (0x3) MIValidateSignature: Failed to verify code signature of"
                        + " /private/var/installd/Library/Caches/com.apple.mobile.installd.staging/temp.x/X.app :"
                        + " 0xe8008015 (A valid provisioning profile for this executable was not found.)",
                "");
        List<MobileInstallationLog.Event> ev = MobileInstallationLog.parse(
                new java.io.ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)), "f", ZoneOffset.UTC);
        assertThat(ev).extracting(MobileInstallationLog.Event::action, MobileInstallationLog.Event::bundle_id,
                MobileInstallationLog.Event::version, MobileInstallationLog.Event::distributor,
                MobileInstallationLog.Event::path).containsExactly(
                        tuple("destroy_container", "com.old.app", "", "",
                                "/private/var/containers/Bundle/Application/ABC"),
                        tuple("installing", "com.new.app", "5", "", ""),
                        tuple("install", "com.new.app", "5", "", ""),
                        tuple("signature_failure", "", "", "", "/private/var/installd/Library/Caches/"
                                + "com.apple.mobile.installd.staging/temp.x/X.app"));
    }

    @Test
    void requestLinesAreParsedWithoutBacktracking() {
        assertThat(MobileInstallationLog.installRequest("Install of \"/a b/\"X.app\" type Developer (LSInstallType ="
                + " (null)) requested by streaming_zip_conduit (pid 80 (501/501))"))
                .containsExactly("/a b/\"X.app", "Developer", "streaming_zip_conduit");
        String hostile = "Install of \"" + "\" type A".repeat(8_000);
        assertThat(MobileInstallationLog.installRequest(hostile)).isNull();
        assertThat(MobileInstallationLog.uninstallRequest("Uninstall requested by x" + " (pid".repeat(10_000)))
                .isNull();
        assertThat(MobileInstallationLog.uninstallRequest("Uninstall requested by app (pid 188) for identity"
                + " [com.example.social/PERSONA-1] with options: {")).containsExactly("app", "com.example.social",
                        "PERSONA-1");
    }

    @Test
    void missingLogIsNotPresent() throws Exception {
        Path top = folder(Map.of("logs/other.txt", "x"));
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class)
                    .hasMessage("MobileInstallation log not found (" + MobileInstallationLog.PATTERN + ")");
        }
    }

    @Test
    void recheckOfSavedResults() throws Exception {
        JsonNode saved = JSON.readTree("[{\"timestamp\": \"2025-04-07 13:13:52.000000\", \"bundle_id\":"
                + " \"org.whispersystems.signal\", \"requested_by\": \"\", \"path\": \"\"},"
                + " {\"bundle_id\": \"org.whispersystems.signal\"}, {\"requested_by\": \"evild\"}]");
        assertThat(module.recheck(saved, iocs(IndicatorType.APP_IDS, "org.whispersystems.signal")))
                .extracting(Alert::level, Alert::eventTime).containsExactly(tuple(Level.CRITICAL,
                        "2025-04-07 13:13:52.000000"));
        assertThat(module.recheck(saved, iocs(IndicatorType.PROCESSES, "evild"))).hasSize(1);
        assertThat(module.recheck(saved, Indicators.empty())).isEmpty();
    }
}
