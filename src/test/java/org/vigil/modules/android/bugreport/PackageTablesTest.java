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
import org.vigil.ioc.IndicatorType;
import org.vigil.modules.android.bugreport.DumpsysAccessibility.Service;
import org.vigil.modules.android.bugreport.DumpsysActivities.Activity;
import org.vigil.modules.android.bugreport.DumpsysReceivers.Receiver;

/** DumpsysAccessibility, DumpsysActivities, DumpsysReceivers. */
class PackageTablesTest {
    @TempDir
    Path tmp;

    @Test
    void accessibilityOldSyntax() throws Exception {
        List<Service> r = DumpsysAccessibility.parse(lines(androidData("dumpsys_accessibility.txt")));
        assertThat(r).hasSize(4);
        assertThat(r.get(0)).isEqualTo(new Service("com.android.settings",
                "com.android.settings/com.samsung.android.settings.development.gpuwatch.GPUWatchInterceptor"));
        ModuleResult.Builder out = ModuleResult.builder(new DumpsysAccessibility().descriptor());
        var iocs = indicators(IndicatorType.APP_IDS, "com.sec.android.app.camera");
        r.forEach(s -> DumpsysAccessibility.check(out, s, iocs));
        List<Alert> alerts = out.build().alerts();
        assertThat(alerts).extracting(Alert::level)
                .containsExactly(Level.MEDIUM, Level.MEDIUM, Level.MEDIUM, Level.CRITICAL);
        assertThat(alerts).extracting(Alert::event).containsExactlyElementsOf(r);
        assertThat(alerts.get(3).event()).isEqualTo(new Service("com.sec.android.app.camera",
                "com.sec.android.app.camera/com.samsung.android.glview.AccessibilityGestureHandler"));
    }

    @Test
    void accessibilityAndroid14Syntax() throws Exception {
        String text = "DUMP OF SERVICE accessibility:\n" + String.join("\n",
                lines(androidData("dumpsys_accessibility_v14_or_later.txt")).subList(1, 45)) + "\n";
        ModuleResult res = run(new DumpsysAccessibility(), Fixtures.dumpstate(tmp, text));
        assertThat(res.results()).isEqualTo(List.of(
                new Service("com.malware.accessibility", "com.malware.service.malwareservice")));
        assertThat(res.alerts()).hasSize(1);
        assertThat(res.alerts().get(0).level()).isEqualTo(Level.MEDIUM);
        assertThat(res.alerts().get(0).message())
                .isEqualTo("Found accessibility service: \"com.malware.service.malwareservice\"");
        assertThat(res.alerts().get(0).event()).isEqualTo(((List<?>) res.results()).get(0));
    }

    @Test
    void accessibilityBlankLinesInTheOldListAreSkipped() {
        List<Service> r = DumpsysAccessibility.parse(DumpsysSections.lines(
                "  installed services: {\n    0 : a.b/.S\n\n    1 : c.d/c.d.T\n  }\n    2 : after/.X\n"));
        assertThat(r).containsExactly(new Service("a.b", "a.b/.S"), new Service("c.d", "c.d/c.d.T"));
    }

    @Test
    void activitiesFromThePackagesSample() throws Exception {
        List<Activity> r = DumpsysActivities.parse(lines(androidData("dumpsys_packages.txt")));
        assertThat(r).hasSize(4);
        assertThat(r.get(0)).isEqualTo(new Activity("com.samsung.android.intent.SOCIAL_UPDATES_FEED_VIEW",
                "com.samsung.android.app.social", "com.samsung.android.app.social/.feed.FeedsActivity"));
        assertThat(new DumpsysActivities().recheck(json(r), indicators(IndicatorType.APP_IDS, "com.google.android.gms")))
                .hasSize(1);
    }

    @Test
    void receiversFromThePackagesSample() throws Exception {
        Map<String, List<Receiver>> r = DumpsysReceivers.parse(lines(androidData("dumpsys_packages.txt")));
        assertThat(r).hasSize(4);
        assertThat(r.keySet().iterator().next()).isEqualTo("com.android.storagemanager.automatic.SHOW_NOTIFICATION");
        assertThat(r.get("com.android.storagemanager.automatic.SHOW_NOTIFICATION").get(0).packageName())
                .isEqualTo("com.android.storagemanager");
        List<Alert> alerts = new DumpsysReceivers().recheck(json(r),
                indicators(IndicatorType.APP_IDS, "com.android.storagemanager"));
        assertThat(alerts).hasSize(1);
    }

    @Test
    void receiversMisindentedHeadingAndBlankLines() throws Exception {
        String text = "DUMP OF SERVICE package:\nReceiver Resolver Table:\n  Non-Data Actions:\n"
                + "      android.intent.action.PHONE_STATE:\n        1 com.android.phone/.R\n\n"
                + "        2 com.android.services/.Evil\n"
                + "               android.intent.action.MY_PACKAGE_REPLACED:\n"
                + "        3 com.psycatgames.nhiegame/.Upd\n\n  MIME Typed Actions:\n      x:\n        4 a.b/.C\n";
        ModuleResult res = run(new DumpsysReceivers(), Fixtures.dumpstate(tmp, text),
                indicators(IndicatorType.APP_IDS, "com.android.services"));
        @SuppressWarnings("unchecked")
        Map<String, List<Receiver>> r = (Map<String, List<Receiver>>) res.results();
        assertThat(r.keySet()).containsExactly("android.intent.action.PHONE_STATE",
                "android.intent.action.MY_PACKAGE_REPLACED");
        assertThat(r.get("android.intent.action.PHONE_STATE")).extracting(Receiver::packageName)
                .containsExactly("com.android.phone", "com.android.services");
        assertThat(r.get("android.intent.action.MY_PACKAGE_REPLACED").get(0).packageName())
                .isEqualTo("com.psycatgames.nhiegame");
        assertThat(res.alerts()).hasSize(1);
        assertThat(json(res.alerts().get(0).event()).toString()).isEqualTo("{\"android.intent.action.PHONE_STATE\":"
                + "{\"package_name\":\"com.android.services\",\"receiver\":\"com.android.services/.Evil\"}}");
        assertThat(res.alerts().get(0).matchedIndicator()).isNotNull();
    }
}
