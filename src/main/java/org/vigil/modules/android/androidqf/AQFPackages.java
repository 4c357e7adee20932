package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;

/**
 * Installed packages listed by androidqf ({@code aqf_packages}, MVT's {@code AQFPackages}).
 *
 * <p><b>Artifact</b>: the first {@code *}{@code /packages.json}: a JSON list of packages
 * ({@code name, files[{path, local_name, md5, sha1, sha256, sha512, error, verified_certificate,
 * certificate{Md5, Sha1, Sha256, ...}, certificate_error, trusted_certificate}], installer, uid,
 * disabled, system, third_party}), kept as it is in the records.
 *
 * <p><b>Flags</b> (heuristics from MVT, always on): a package of MVT's {@link #ROOT_PACKAGES}
 * (MEDIUM; the installer checks are then skipped); installed by a third-party store
 * ({@link #THIRD_PARTY_STORE_INSTALLERS}, INFORMATIONAL), by the browser/package installer
 * ({@link #BROWSER_INSTALLERS}, MEDIUM), or with installer {@code "null"} and not a system package
 * (adb or another method, MEDIUM); Play Store installs are not flagged; a disabled package of
 * {@link #SECURITY_PACKAGES} or {@link #SYSTEM_UPDATE_PACKAGES} (MEDIUM). With indicators: the
 * package name against app ids, each file's SHA-256 against file hashes, each file's certificate
 * Md5/Sha1/Sha256 against app certificate hashes (first match per file) (CRITICAL). Unlike MVT,
 * the indicator checks also run on root packages. No VirusTotal lookups.
 *
 * <p><b>Timeline</b>: none.
 */
public final class AQFPackages implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(AQFPackages.class);
    static final String PATTERN = "*/packages.json";

    /** MVT's ROOT_PACKAGES (25). */
    public static final Set<String> ROOT_PACKAGES = Set.of("com.noshufou.android.su",
            "com.noshufou.android.su.elite", "eu.chainfire.supersu", "com.koushikdutta.superuser",
            "com.thirdparty.superuser", "com.yellowes.su", "com.koushikdutta.rommanager",
            "com.koushikdutta.rommanager.license", "com.dimonvideo.luckypatcher", "com.chelpus.lackypatch",
            "com.ramdroid.appquarantine", "com.ramdroid.appquarantinepro", "com.devadvance.rootcloak",
            "com.devadvance.rootcloakplus", "de.robv.android.xposed.installer", "com.saurik.substrate",
            "com.zachspong.temprootremovejb", "com.amphoras.hidemyroot", "com.amphoras.hidemyrootadfree",
            "com.formyhm.hiderootPremium", "com.formyhm.hideroot", "me.phh.superuser", "eu.chainfire.supersu.pro",
            "com.kingouser.com", "com.topjohnwu.magisk");
    /** MVT's SECURITY_PACKAGES (4). */
    public static final Set<String> SECURITY_PACKAGES = Set.of("com.policydm", "com.samsung.android.app.omcagent",
            "com.samsung.android.securitylogagent", "com.sec.android.soagent");
    /** MVT's SYSTEM_UPDATE_PACKAGES (9). */
    public static final Set<String> SYSTEM_UPDATE_PACKAGES = Set.of("com.android.updater", "com.google.android.gms",
            "com.huawei.android.hwouc", "com.lge.lgdmsclient", "com.motorola.ccc.ota", "com.oneplus.opbackup",
            "com.oppo.ota", "com.transsion.systemupdate", "com.wssyncmldm");
    /** Play Store. */
    public static final Set<String> PLAY_STORE_INSTALLERS = Set.of("com.android.vending");
    /** Third-party stores. */
    public static final Set<String> THIRD_PARTY_STORE_INSTALLERS = Set.of("com.aurora.store", "org.fdroid.fdroid");
    /** The package installer (APKs installed from a browser or file manager). */
    public static final Set<String> BROWSER_INSTALLERS = Set.of("com.google.android.packageinstaller",
            "com.android.packageinstaller");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("aqf_packages", "AQFPackages",
            Platform.ANDROID, Aqf.KINDS, List.of(PATTERN), List.of(),
            "Installed packages: root apps, unusual installers, disabled security/update packages, app ids,"
                    + " APK and certificate hashes");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = Aqf.first(ctx.source(), PATTERN, "packages.json");
        JsonNode root = Aqf.json(ctx.source(), ref);
        if (!root.isArray()) {
            throw new CorruptArtifactException(ref.displayName() + ": expected a JSON list of packages");
        }
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators iocs = ctx.hasIndicators() ? ctx.indicators() : null;
        for (JsonNode pkg : root) {
            out.record(pkg);
            if (pkg.isObject()) {
                heuristics(out, pkg);
                if (iocs != null) {
                    for (IndicatorMatch m : iocMatches(pkg, iocs)) {
                        out.alert(Level.CRITICAL, m, "", pkg);
                    }
                }
            }
        }
        LOG.info("Found {} packages in packages.json", out.recordCount());
        return out.build();
    }

    private static void heuristics(ModuleResult.Builder out, JsonNode pkg) {
        String name = Aqf.str(pkg, "name");
        String installer = Aqf.str(pkg, "installer");
        if (ROOT_PACKAGES.contains(name)) {
            warn(out, Level.MEDIUM, "Found an installed package related to rooting/jailbreaking: \"" + name + "\"", pkg);
            return;
        }
        if (THIRD_PARTY_STORE_INSTALLERS.contains(installer)) {
            warn(out, Level.INFORMATIONAL, "Found a package installed via a third party store (installer=\""
                    + installer + "\"): \"" + name + "\"", pkg);
        } else if (BROWSER_INSTALLERS.contains(installer)) {
            warn(out, Level.MEDIUM, "Found a package installed via a browser (installer=\"" + installer + "\"): \""
                    + name + "\"", pkg);
        } else if (installer.equals("null") && pkg.path("system").isBoolean() && !pkg.path("system").asBoolean()) {
            warn(out, Level.MEDIUM, "Found a non-system package installed via adb or another method: \"" + name
                    + "\"", pkg);
        }
        boolean disabled = pkg.path("disabled").asBoolean(false);
        if (disabled && SECURITY_PACKAGES.contains(name)) {
            warn(out, Level.MEDIUM, "Security package \"" + name + "\" disabled on the phone", pkg);
        }
        if (disabled && SYSTEM_UPDATE_PACKAGES.contains(name)) {
            warn(out, Level.MEDIUM, "System OTA update package \"" + name + "\" disabled on the phone", pkg);
        }
    }

    private static void warn(ModuleResult.Builder out, Level level, String message, JsonNode pkg) {
        LOG.warn("{}", message);
        out.alert(level, message, "", pkg);
    }

    /** App id, then per file: SHA-256, then the first certificate hash that matches. */
    static List<IndicatorMatch> iocMatches(JsonNode pkg, Indicators iocs) {
        List<IndicatorMatch> found = new ArrayList<>();
        iocs.checkAppId(Aqf.str(pkg, "name")).ifPresent(found::add);
        for (JsonNode file : pkg.path("files")) {
            iocs.checkFileHash(Aqf.str(file, "sha256")).ifPresent(found::add);
            JsonNode cert = file.get("certificate");
            if (cert == null || !cert.isObject()) {
                continue;
            }
            for (String type : List.of("Md5", "Sha1", "Sha256")) {
                Optional<IndicatorMatch> m = iocs.checkAppCertHash(Aqf.str(cert, type));
                if (m.isPresent()) {
                    found.add(m.get());
                    break;
                }
            }
        }
        return found;
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode pkg : results) {
                for (IndicatorMatch m : iocMatches(pkg, indicators)) {
                    out.alert(Level.CRITICAL, m, "", pkg);
                }
            }
        }
        return out.build().alerts();
    }
}
