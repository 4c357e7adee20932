package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.bugreport.Fixtures.androidData;
import static org.vigil.modules.android.bugreport.Fixtures.indicators;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.lines;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.modules.android.bugreport.DumpsysPackages.Package;
import org.vigil.source.android.BugreportSource;

class DumpsysPackagesTest {
    @TempDir
    Path tmp;

    @Test
    void parsesTheSingleSectionSample() throws Exception {
        List<Package> r = DumpsysPackages.parse(lines(androidData("dumpsys_packages.txt")));
        assertThat(r).extracting(Package::packageName)
                .containsExactly("com.samsung.android.provider.filterprovider", "com.sec.android.app.DataCreate");
        Package p = r.get(0);
        assertThat(p.versionName()).isEqualTo("5.0.07");
        assertThat(p.firstInstallTime()).isEqualTo("2008-12-31 16:00:00");
        assertThat(p.system()).isTrue();
        assertThat(p.uid()).isEqualTo("1000");
        assertThat(p.versionCode()).isEqualTo("500700000");
        assertThat(json(p).fieldNames()).toIterable().containsExactly("package_name", "uid", "version_name",
                "version_code", "timestamp", "first_install_time", "last_update_time", "installer", "system",
                "permissions", "requested_permissions");
    }

    @Test
    void bugreportSampleGivesMvtsPackages() throws Exception {
        try (BugreportSource s = Fixtures.sampleBugreport()) {
            ModuleResult res = run(new DumpsysPackages(), s);
            @SuppressWarnings("unchecked")
            List<Package> r = (List<Package>) res.results();
            assertThat(r).hasSize(2);
            assertThat(r.get(0).packageName()).isEqualTo("com.samsung.android.provider.filterprovider");
            assertThat(r.get(0).installer()).isEqualTo("");
            assertThat(r.get(0).permissions()).hasSize(4);
            assertThat(r.get(0).permissions().get(0)).isEqualTo(Map.of(
                    "name", "com.samsung.android.provider.filterprovider.permission.READ_FILTER", "type", "declared"));
            Package insta = r.get(1);
            assertThat(insta.packageName()).isEqualTo("com.instagram.android");
            assertThat(insta.installer()).isEqualTo("com.android.vending");
            assertThat(insta.permissions()).hasSize(32);
            assertThat(insta.system()).isFalse();
            assertThat(json(insta.permissions().get(3)).toString()).isEqualTo(
                    "{\"name\":\"com.google.android.finsky.permission.BIND_GET_INSTALL_REFERRER_SERVICE\","
                            + "\"granted\":true,\"type\":\"install\"}");
            assertThat(json(insta.permissions().get(31)).toString()).isEqualTo(
                    "{\"name\":\"android.permission.ACCESS_MEDIA_LOCATION\",\"granted\":false,\"type\":\"runtime\"}");
            assertThat(insta.timestamp()).isEqualTo("2022-06-29 23:28:46");
            assertThat(insta.lastUpdateTime()).isEqualTo("2022-06-29 23:28:51");
            assertThat(res.timeline()).hasSize(6);
            assertThat(res.timeline().get(3)).isEqualTo(new TimelineEvent("2022-06-29 23:28:46", "DumpsysPackages",
                    "package_install", "Install or update of package com.instagram.android"));
            assertThat(res.alerts()).isEmpty();
        }
    }

    @Test
    void systemFlagComesFromPkgFlags() {
        String head = "Packages:\n  Package [a] (1):\n    userId=1\n";
        assertThat(DumpsysPackages.parse(DumpsysSections.lines(head + "    pkgFlags=[ SYSTEM HAS_CODE ]\n")).get(0)
                .system()).isTrue();
        assertThat(DumpsysPackages.parse(DumpsysSections.lines(head + "    pkgFlags=[ HAS_CODE ALLOW_BACKUP ]\n"))
                .get(0).system()).isFalse();
        assertThat(DumpsysPackages.parse(DumpsysSections.lines(head)).get(0).system()).isFalse();
    }

    static final String MULTI_USER = """
            Packages:
              Package [com.example.app] (abc):
                userId=10123
                versionName=1.0
                install permissions:
                  android.permission.INTERNET: granted=true
                User 0: ceDataInode=1 installed=true hidden=false
                  firstInstallTime=2024-01-10 09:19:39
                  installerPackageName=com.android.vending
                  runtime permissions:
                    android.permission.CAMERA: granted=true, flags=[ USER_SET ]
                User 95: ceDataInode=2 installed=true hidden=false
                  firstInstallTime=2024-03-01 00:00:00
                  runtime permissions:
                    android.permission.RECORD_AUDIO: granted=true, flags=[ USER_SET ]
            """;

    @Test
    void perUserFieldsComeFromUserZero() {
        Package p = DumpsysPackages.parse(DumpsysSections.lines(MULTI_USER)).get(0);
        assertThat(p.firstInstallTime()).isEqualTo("2024-01-10 09:19:39");
        assertThat(p.installer()).isEqualTo("com.android.vending");
        assertThat(p.permissions()).extracting(m -> m.get("name") + " " + m.get("granted") + " " + m.get("type"))
                .containsExactly("android.permission.INTERNET true install", "android.permission.CAMERA true runtime");
    }

    @Test
    void perUserFieldsFallBackToTheFirstUser() {
        String text = MULTI_USER.replace("User 0:", "User 10:").replace("User 95:", "User 11:")
                .replace("2024-01-10", "2024-02-10");
        Package p = DumpsysPackages.parse(DumpsysSections.lines(text)).get(0);
        assertThat(p.firstInstallTime()).isEqualTo("2024-02-10 09:19:39");
        assertThat(p.permissions().get(p.permissions().size() - 1).get("name")).isEqualTo("android.permission.CAMERA");
    }

    @Test
    void xiaomiStyleBlankLinesInsideThePackageListKeepEveryPackage() throws Exception {
        StringBuilder sb = new StringBuilder("DUMP OF SERVICE package:\nPackages:\n");
        for (int i = 0; i < 12; i++) {
            sb.append("  Package [com.vendor.app").append(i).append("] (f").append(i).append("):\n")
                    .append("    userId=").append(10000 + i).append('\n')
                    .append("    miuiExtraField=something\n")
                    .append("\n")
                    .append("    versionName=").append(i).append(".0\n")
                    .append("    timeStamp=2024-01-0").append(1 + i % 9).append(" 10:00:00\n")
                    .append("    User 0: ceDataInode=1 installed=true\n")
                    .append("\n\n");
        }
        sb.append("Hidden system packages:\n  Package [com.hidden] (1):\n    userId=1\n")
                .append("-".repeat(78)).append('\n');
        ModuleResult res = run(new DumpsysPackages(), Fixtures.dumpstate(tmp, sb.toString()));
        @SuppressWarnings("unchecked")
        List<Package> r = (List<Package>) res.results();
        assertThat(r).hasSize(12);
        assertThat(r.get(11).packageName()).isEqualTo("com.vendor.app11");
        assertThat(r.get(11).versionName()).isEqualTo("11.0");
        assertThat(r.get(11).uid()).isEqualTo("10011");
    }

    @Test
    void rootPackagesAlertOnceAndIndicatorsAlert() throws Exception {
        String text = "DUMP OF SERVICE package:\nPackages:\n"
                + "  Package [com.topjohnwu.magisk] (1):\n    timeStamp=2024-01-01 10:00:00\n"
                + "  Package [com.topjohnwu.magisk] (2):\n    timeStamp=2024-01-02 10:00:00\n"
                + "  Package [com.sec.android.app.DataCreate] (3):\n    timeStamp=2024-01-03 10:00:00\n";
        ModuleResult res = run(new DumpsysPackages(), Fixtures.dumpstate(tmp, text),
                indicators(IndicatorType.APP_IDS, "com.sec.android.app.DataCreate", "com.topjohnwu.magisk"));
        assertThat(res.alerts()).extracting(Alert::level).containsExactly(Level.MEDIUM, Level.CRITICAL);
        assertThat(res.alerts().get(0).message())
                .isEqualTo("Found an installed package related to rooting/jailbreaking: \"com.topjohnwu.magisk\"");
        assertThat(res.alerts().get(0).eventTime()).isEqualTo("2024-01-01 10:00:00");
        assertThat(res.alerts().get(1).eventTime()).isEqualTo("2024-01-03 10:00:00");
    }

    @Test
    void singleSampleIndicatorCheck() throws Exception {
        List<Package> r = DumpsysPackages.parse(lines(androidData("dumpsys_packages.txt")));
        List<Alert> alerts = new DumpsysPackages().recheck(json(r),
                indicators(IndicatorType.APP_IDS, "com.sec.android.app.DataCreate"));
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).level()).isEqualTo(Level.CRITICAL);
    }
}
