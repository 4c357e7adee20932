package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ModuleResult;
import org.vigil.modules.android.bugreport.DumpsysAccessibility.Service;
import org.vigil.modules.android.bugreport.DumpsysPackages.Package;
import org.vigil.source.android.BugreportSource;

/**
 * Vendor and version variants of dumpsys output (field-notes need 10: parse by structure), built
 * here rather than copied from devices.
 */
class VendorVariantsTest {
    static final String END = "-".repeat(78);

    @TempDir
    Path tmp;

    /** Samsung-style package entries: extra fields, Secure Folder (150) and Dual Messenger (95) users. */
    static final String SAMSUNG = """
            DUMP OF SERVICE package:
            Packages:
              Package [com.samsung.android.messaging] (a1b2c3):
                userId=10101
                sharedUser=null
                pkg=Package{a1b2c3 com.samsung.android.messaging}
                versionCode=1500000 minSdk=30 targetSdk=34
                semPkgFlags=[ SEM_SYSTEM_APP ]
                mSemTargetSdk=34 semCategory=0
                versionName=15.0.00.1
                splits=[base]
                apkSigningVersion=3
                pkgFlags=[ SYSTEM HAS_CODE ALLOW_CLEAR_USER_DATA ]
                privatePkgFlags=[ PRIVILEGED ]
                timeStamp=2024-01-05 10:00:00
                lastUpdateTime=2024-04-01 10:00:00
                installerPackageName=com.sec.android.app.samsungapps
                signatures=PackageSignatures{x version:3, signatures:[y], past signatures:[]}
                requested permissions:
                  android.permission.READ_SMS
                install permissions:
                  android.permission.INTERNET: granted=true
                User 150: ceDataInode=9 installed=true hidden=false suspended=false stopped=false enabled=0
                  firstInstallTime=2024-03-03 03:03:03
                  runtime permissions:
                    android.permission.CAMERA: granted=false, flags=[ USER_SET ]
                User 0: ceDataInode=1 installed=true hidden=false suspended=false stopped=false enabled=0
                  installReason=0
                  semDataFlags=0x0
                  firstInstallTime=2024-01-05 10:00:00
                  runtime permissions:
                    android.permission.READ_SMS: granted=true, flags=[ USER_SENSITIVE_WHEN_GRANTED ]

                User 95: ceDataInode=2 installed=true hidden=false suspended=false stopped=false enabled=0
                  firstInstallTime=2024-02-02 02:02:02
              Package [com.example.dual] (d4e5f6):
                userId=10202
                versionName=2.0
                pkgFlags=[ HAS_CODE ALLOW_BACKUP ]
                timeStamp=2024-02-01 09:00:00
                installerPackageName=null
                User 95: ceDataInode=3 installed=true hidden=false
                  firstInstallTime=2024-02-01 09:00:00

            Hidden system packages:
              Package [com.samsung.android.messaging] (zzz):
                userId=10101
            """ + END + "\n";

    @Test
    void samsungExtraFieldsAndMultiUserPackages() throws Exception {
        ModuleResult res = run(new DumpsysPackages(), Fixtures.dumpstate(tmp, SAMSUNG));
        @SuppressWarnings("unchecked")
        List<Package> r = (List<Package>) res.results();
        assertThat(r).extracting(Package::packageName).containsExactly("com.samsung.android.messaging",
                "com.example.dual");
        Package msg = r.get(0);
        assertThat(msg.system()).isTrue();
        assertThat(msg.versionName()).isEqualTo("15.0.00.1");
        assertThat(msg.uid()).isEqualTo("10101");
        assertThat(msg.installer()).isEqualTo("com.sec.android.app.samsungapps");
        // per-user fields from user 0, wherever it stands among Samsung's users
        assertThat(msg.firstInstallTime()).isEqualTo("2024-01-05 10:00:00");
        assertThat(msg.permissions()).extracting(m -> m.get("name") + " " + m.get("granted") + " " + m.get("type"))
                .containsExactly("android.permission.INTERNET true install",
                        "android.permission.READ_SMS true runtime");
        // an app installed only in the Dual Messenger user: its fields come from that user
        Package dual = r.get(1);
        assertThat(dual.firstInstallTime()).isEqualTo("2024-02-01 09:00:00");
        assertThat(dual.system()).isFalse();
        assertThat(dual.installer()).isEqualTo("null");
        assertThat(res.timeline()).isNotEmpty();
    }

    @Test
    void android14AccessibilitySyntaxBuiltInline() throws Exception {
        String text = "DUMP OF SERVICE accessibility:\nACCESSIBILITY MANAGER (dumpsys accessibility)\n\n"
                + "User state[\n     attributes:{id=0, touchExplorationEnabled=false}\n"
                + "     Bound services:{Service[label=Spy, feedbackType[FEEDBACK_GENERIC]]}\n"
                + "     Enabled services:{{com.spy.app/com.spy.app.A11yService}, {com.google.android.marvin.talkback/"
                + "com.google.android.marvin.talkback.TalkBackService}}\n"
                + "     Binding services:{}\n     Crashed services:{}\n]\n" + END + "\n";
        ModuleResult res = run(new DumpsysAccessibility(), Fixtures.dumpstate(tmp, text));
        // MVT's shape for the new syntax: the service is the part after the slash
        assertThat(res.results()).isEqualTo(List.of(new Service("com.spy.app", "com.spy.app.A11yService"),
                new Service("com.google.android.marvin.talkback",
                        "com.google.android.marvin.talkback.TalkBackService")));
        assertThat(res.alerts()).hasSize(2);
        assertThat(res.alerts().get(0).message()).isEqualTo("Found accessibility service: \"com.spy.app.A11yService\"");
    }

    /**
     * A 100 MB dumpstate, zipped as adb writes it, whose appops section never ends: read through
     * the real bug report source as a stream; the section stops at the next header, and the
     * sections after it are still found.
     */
    @Test
    void hundredMegabyteDumpstateWithAnUnterminatedSection() throws Exception {
        Path zip = tmp.resolve("bugreport.zip");
        long written = 0;
        try (OutputStream fo = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(fo)) {
            z.putNextEntry(new ZipEntry("main_entry.txt"));
            z.write("dumpstate.txt".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("dumpstate.txt"));
            Writer w = new java.io.OutputStreamWriter(z, StandardCharsets.UTF_8);
            w.write("DUMP OF SERVICE appops:\nCurrent AppOps Service state:\n  Uid 0:\n    Package a.b:\n"
                    + "      REQUEST_INSTALL_PACKAGES (allow):\n");
            String line = "        vendor_extra_state=cch padding padding padding padding padding padding padding\n";
            while (written < 100L * 1024 * 1024) {
                w.write(line);
                written += line.length();
            }
            w.write("DUMP OF SERVICE platform_compat:\nChangeId(168419799; name=DOWNSCALED; disabled; "
                    + "rawOverrides={x.y=false}; overridable)\n" + END + "\n");
            w.flush();
            z.closeEntry();
        }
        try (BugreportSource s = BugreportSource.open(zip)) {
            ModuleResult compat = run(new DumpsysPlatformCompat(), s);
            assertThat(compat.results()).isEqualTo(List.of(new DumpsysPlatformCompat.Entry("x.y")));
            ModuleResult appops = run(new DumpsysAppops(), s);
            assertThat(appops.recordCount()).isEqualTo(1);
            assertThat(appops.alerts()).hasSize(1);
            assertThat(s.deviceInfo().properties()).isEmpty();
        }
        assertThat(written).isGreaterThanOrEqualTo(100L * 1024 * 1024);
    }

}
