package org.vigil.modules.ios.sysdiagnose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.vigil.ioc.Indicators;
import org.vigil.ios.IosReleases;
import org.vigil.modules.ios.mixed.PlistFixtures;
import org.vigil.source.sysdiagnose.SysdiagnoseDeviceInfo;
import org.vigil.source.sysdiagnose.SysdiagnoseSource;

class SysdiagnoseInfoTest {
    static final String TOP = "sysdiagnose_2024.01.02_03-04-05+0200_iPhone-OS_iPhone_21C62";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    /** remotectl's output: the local device's properties, then its services (not read). */
    static final String DUMPSTATE = "Found device: local\n\tProperties: {\n\t\tProductType => iPhone12,1\n"
            + "\t\tOSVersion => 17.2\n\t\tBuildVersion => 21C62\n\t\tSerialNumber => C0FFEE000000\n"
            + "\t\tRegionCode => LL\n\t}\n\tServices: {\n\t\tcom.apple.example => ignored\n\t}\n"
            + "Found device: other\n\tProperties: {\n\t\tProductType => Watch6,1\n\t}\n";

    @TempDir
    Path tmp;

    private final SysdiagnoseInfo module = new SysdiagnoseInfo(IosReleases.of(
            List.of(new IosReleases.Release("21C62", "17.2"), new IosReleases.Release("22A3354", "18.0")),
            List.of(new IosReleases.Model("iPhone12,1", "iPhone 11"))));

    private Path top() throws IOException {
        Path top = tmp.resolve(TOP);
        Files.createDirectories(top.resolve("logs/SystemVersion"));
        Files.writeString(top.resolve("sysdiagnose.log"), "x\n");
        return top;
    }

    private ModuleResult run(Path path) throws Exception {
        try (SysdiagnoseSource s = SysdiagnoseSource.open(path)) {
            return module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK));
        }
    }

    @Test
    void readsSystemVersionAndTheFirstPropertiesBlock() throws Exception {
        Path top = top();
        Files.writeString(top.resolve("remotectl_dumpstate.txt"), DUMPSTATE);
        PlistFixtures.xml(top.resolve(SysdiagnoseDeviceInfo.SYSTEM_VERSION), PlistFixtures.dict("ProductName",
                "iPhone OS", "ProductVersion", "17.2", "ProductBuildVersion", "21C62", "Number", 3));
        ModuleResult r = run(top);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) r.results();
        assertThat(info).containsExactly(Map.entry("SystemVersion.ProductName", "iPhone OS"),
                Map.entry("SystemVersion.ProductVersion", "17.2"),
                Map.entry("SystemVersion.ProductBuildVersion", "21C62"),
                Map.entry("ProductType", "iPhone12,1"), Map.entry("OSVersion", "17.2"),
                Map.entry("BuildVersion", "21C62"), Map.entry("SerialNumber", "C0FFEE000000"),
                Map.entry("RegionCode", "LL"), Map.entry("Model", "iPhone 11"));
        assertThat(r.alerts()).isEmpty();
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThat(SysdiagnoseDeviceInfo.read(s).deviceProperties()).containsExactly(
                    Map.entry("Product Type", "iPhone12,1"), Map.entry("Product Version", "17.2"),
                    Map.entry("Build Version", "21C62"), Map.entry("Product Name", "iPhone OS"));
        }
    }

    @Test
    void dumpstateAloneIsEnough() throws Exception {
        Path top = top();
        Files.writeString(top.resolve("remotectl_dumpstate.txt"), DUMPSTATE);
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThat(SysdiagnoseDeviceInfo.read(s).deviceProperties()).containsExactly(
                    Map.entry("Product Type", "iPhone12,1"), Map.entry("Product Version", "17.2"),
                    Map.entry("Build Version", "21C62"));
        }
    }

    @Test
    void unreadableFilesAreUnreadableAndMissingOnesNotPresent() throws Exception {
        Path top = top();
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(ArtifactNotFoundException.class);
        }
        Files.writeString(top.resolve(SysdiagnoseDeviceInfo.SYSTEM_VERSION), "<plist><dict><key>");
        Files.writeString(top.resolve("remotectl_dumpstate.txt"), "no properties here\n\u0000\u0001");
        try (SysdiagnoseSource s = SysdiagnoseSource.open(top)) {
            assertThatThrownBy(() -> module.run(new ModuleContext(s, Indicators.empty(), null, Map.of(), CLOCK)))
                    .isInstanceOf(CorruptArtifactException.class)
                    .hasMessageContaining("no device property could be read");
            assertThat(SysdiagnoseDeviceInfo.read(s).deviceProperties()).isEmpty();
        }
    }
}
