package org.vigil.modules.android.androidqf;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactRef;
import org.vigil.source.android.GetPropText;
import org.vigil.source.android.GetPropText.Property;

/**
 * System properties ({@code aqf_get_prop}, MVT's {@code AQFGetProp}).
 *
 * <p><b>Artifact</b>: the first {@code *}{@code /getprop.txt}, lines {@code [name]: [value]}
 * ({@link GetPropText}); records {@code {name, value}}, properties with an empty value skipped as
 * in MVT.
 *
 * <p><b>Flags</b>: {@code ro.build.version.security_patch} more than 186 days (6 x 31, MVT's
 * "six months") before the run's clock (MEDIUM, always); with indicators, each property name
 * against Android property names (CRITICAL). MVT's interesting properties (time zone, SDK, patch
 * level, model...) are logged.
 *
 * <p><b>Timeline</b>: none.
 */
public final class AQFGetProp implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(AQFGetProp.class);
    static final String PATTERN = "*/getprop.txt";
    static final String SECURITY_PATCH = "ro.build.version.security_patch";
    /** MVT's threshold: 6 x 31 days. */
    static final Duration MAX_PATCH_AGE = Duration.ofDays(6 * 31);
    /** Python's {@code %Y-%m-%d}: zero padding optional. */
    private static final java.time.format.DateTimeFormatter PATCH_DATE =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-M-d");

    /** Properties logged, as MVT's INTERESTING_PROPERTIES. */
    static final Set<String> INTERESTING = Set.of("gsm.sim.operator.alpha", "gsm.sim.operator.iso-country",
            "persist.sys.timezone", "ro.boot.serialno", "ro.build.version.sdk", SECURITY_PATCH,
            "ro.product.cpu.abi", "ro.product.locale", "ro.product.vendor.manufacturer", "ro.product.vendor.model",
            "ro.product.vendor.name");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor("aqf_get_prop", "AQFGetProp",
            Platform.ANDROID, Aqf.KINDS, List.of(PATTERN), List.of(),
            "System properties: security patch age, Android property indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = Aqf.first(ctx.source(), PATTERN, "getprop.txt");
        List<Property> props = GetPropText.parse(Aqf.text(ctx.source(), ref));
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        props.forEach(out::record);
        LocalDateTime now = LocalDateTime.now(ctx.clock());
        for (Property p : props) {
            if (INTERESTING.contains(p.name())) {
                LOG.info("{}: {}", p.name(), p.value());
            }
            if (p.name().equals(SECURITY_PATCH)) {
                patchAlert(p.value(), now).ifPresent(msg -> {
                    LOG.warn("{}", msg);
                    out.alert(Level.MEDIUM, msg, "", p);
                });
            }
        }
        if (ctx.hasIndicators()) {
            for (Property p : props) {
                ctx.indicators().checkAndroidProperty(p.name()).ifPresent(m -> out.alert(Level.CRITICAL, m, "", p));
            }
        }
        LOG.info("Extracted a total of {} properties", out.recordCount());
        return out.build();
    }

    /**
     * MVT's patch-level warning: the message when the patch date ({@code YYYY-MM-DD}, midnight) is
     * more than 186 days before {@code now}; empty otherwise or when the date is malformed (logged).
     */
    static Optional<String> patchAlert(String value, LocalDateTime now) {
        LocalDate date;
        try {
            date = LocalDate.parse(value.strip(), PATCH_DATE);
        } catch (DateTimeParseException e) {
            LOG.warn("Unparsable security patch level \"{}\"", value);
            return Optional.empty();
        }
        if (Duration.between(date.atStartOfDay(), now).compareTo(MAX_PATCH_AGE) > 0) {
            return Optional.of("This phone has not received security updates for more than six months (last update: "
                    + value + ")");
        }
        return Optional.empty();
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results != null && results.isArray() && !indicators.isEmpty()) {
            for (JsonNode p : results) {
                indicators.checkAndroidProperty(Aqf.str(p, "name")).ifPresent(m -> out.alert(Level.CRITICAL, m, "", p));
            }
        }
        return out.build().alerts();
    }
}
