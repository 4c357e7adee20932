package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;

/**
 * Android settings ({@code aqf_settings}, MVT's {@code AQFSettings}).
 *
 * <p><b>Artifact</b>: every {@code *}{@code /settings_*.txt} ({@code settings_global.txt},
 * {@code settings_secure.txt}, {@code settings_system.txt}), lines {@code key=value}. The
 * namespace is the text between the file name's last {@code _} and {@code .txt}. Results are an
 * object {@code {namespace: {key: value}}}, as MVT's.
 *
 * <p><b>Flags</b> (heuristic from MVT, always on): one of {@link #DANGEROUS} settings with a value
 * other than its safe value (MEDIUM, {@code Found suspicious "<ns>" setting "<k> = <v>"
 * (<description>)}): Play Protect and adb-install verification disabled, crash and security
 * reports disabled, accessibility enabled.
 *
 * <p><b>Timeline</b>: none.
 */
public final class AQFSettings implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(AQFSettings.class);
    static final String PATTERN = "*/settings_*.txt";

    /** A setting whose unsafe value is flagged. */
    record Dangerous(String key, String safeValue, String description) {}

    /** MVT's ANDROID_DANGEROUS_SETTINGS (10), in MVT's order. */
    static final List<Dangerous> DANGEROUS = List.of(
            new Dangerous("verifier_verify_adb_installs", "1", "disabled Google Play Services apps verification"),
            new Dangerous("package_verifier_enable", "1", "disabled Google Play Protect"),
            new Dangerous("package_verifier_state", "1", "disabled APK package verification"),
            new Dangerous("package_verifier_user_consent", "1", "disabled Google Play Protect"),
            new Dangerous("upload_apk_enable", "1", "disabled Google Play Protect"),
            new Dangerous("adb_install_need_confirm", "1", "disabled confirmation of adb apps installation"),
            new Dangerous("send_security_reports", "1", "disabled sharing of security reports"),
            new Dangerous("samsung_errorlog_agree", "1", "disabled sharing of crash logs with manufacturer"),
            new Dangerous("send_action_app_error", "1", "disabled applications errors reports"),
            new Dangerous("accessibility_enabled", "0", "enabled accessibility services"));

    /** The evidence of a settings alert. */
    record Setting(String namespace, String key, String value) {}

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("aqf_settings", "AQFSettings",
            Platform.ANDROID, Aqf.KINDS, List.of(PATTERN), List.of(),
            "Global/secure/system settings: Play Protect, verification and reporting disabled");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> files = Aqf.all(ctx.source(), PATTERN);
        if (files.isEmpty()) {
            throw new ArtifactNotFoundException("settings_*.txt not found in this androidqf acquisition");
        }
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        for (ArtifactRef f : files) {
            String name = f.relativePath();
            String namespace = name.substring(name.lastIndexOf('_') + 1, name.length() - 4);
            Map<String, String> settings = new LinkedHashMap<>();
            results.put(namespace, settings);
            for (String raw : Aqf.text(ctx.source(), f).split("\n", -1)) {
                String line = raw.strip();
                int eq = line.indexOf('=');
                if (eq >= 0) {
                    settings.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        out.objectResults(results);
        results.forEach((ns, settings) -> settings.forEach((k, v) -> {
            for (Dangerous d : DANGEROUS) {
                if (d.key().equals(k) && !d.safeValue().equals(v)) {
                    String msg = "Found suspicious \"" + ns + "\" setting \"" + k + " = " + v + "\" (" + d.description()
                            + ")";
                    LOG.warn("{}", msg);
                    out.alert(Level.MEDIUM, msg, "", new Setting(ns, k, v));
                    break;
                }
            }
        }));
        LOG.info("Identified {} settings", results.values().stream().mapToInt(Map::size).sum());
        return out.build();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of(); // no indicator checks
    }
}
