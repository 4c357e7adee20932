package org.vigil.modules.android.bugreport;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Reader;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * System properties ({@code dumpsys_get_prop}, MVT's {@code DumpsysGetProp}).
 *
 * <p><b>Artifact</b>: the lines after {@code ------ SYSTEM PROPERTIES} up to the next line
 * starting with {@code ------} in the dumpstate text; each {@code [name]: [value]} line (empty
 * values skipped, as MVT's pattern does).
 *
 * <p><b>Records</b>: {@code {name, value}}. <b>Flags</b>: a property name matching an Android
 * property indicator (CRITICAL); always, {@code ro.build.version.security_patch} older than 186
 * days (6 x 31) before the run's clock (MEDIUM; MVT's heuristic). <b>Timeline</b>: none.
 */
public final class DumpsysGetProp implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(DumpsysGetProp.class);

    static final Pattern PROPERTY = Pattern.compile("\\[(.+?)\\]: \\[(.+?)\\]");
    static final String START = "------ SYSTEM PROPERTIES";
    static final String PATCH = "ro.build.version.security_patch";
    static final int PATCH_MAX_AGE_DAYS = 6 * 31;
    static final Set<String> INTERESTING = Set.of("gsm.sim.operator.alpha", "gsm.sim.operator.iso-country",
            "persist.sys.timezone", "ro.boot.serialno", "ro.build.version.sdk", PATCH, "ro.product.cpu.abi",
            "ro.product.locale", "ro.product.vendor.manufacturer", "ro.product.vendor.model",
            "ro.product.vendor.name");

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "dumpsys_get_prop", "DumpsysGetProp", Platform.ANDROID, BugreportModules.KINDS,
            List.of("dumpstate: ------ SYSTEM PROPERTIES"), List.of(),
            "System properties: indicators, security patch older than six months");

    /** One property. */
    public record Property(@JsonProperty("name") String name, @JsonProperty("value") String value) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = DumpsysSections.dumpstate(ctx.source());
        List<String> block;
        try (Reader r = DumpsysSections.reader(ctx.source().open(ref))) {
            block = DumpsysSections.block(r, l -> l.startsWith(START), l -> l.startsWith("------"),
                    ref.displayName()).orElseThrow(() -> new ArtifactNotFoundException(
                            ref.displayName() + ": no \"" + START + "\" block"));
        }
        List<Property> props = parse(block);
        LOG.info("Extracted {} Android system properties", props.size());
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        LocalDate today = LocalDate.ofInstant(ctx.clock().instant(), ZoneOffset.UTC);
        for (Property p : props) {
            if (INTERESTING.contains(p.name())) {
                LOG.info("{}: {}", p.name(), p.value());
            }
            if (ctx.hasIndicators()) {
                ctx.indicators().checkAndroidProperty(p.name())
                        .ifPresent(m -> out.alert(Level.CRITICAL, m, "", p));
            }
            if (PATCH.equals(p.name()) && isOutdated(p.value(), today)) {
                out.alert(Level.MEDIUM, "This phone has not received security updates for more than six months "
                        + "(last update: " + p.value() + ")", "", p);
            }
            out.record(p);
        }
        return out.build();
    }

    /** True when the patch date is more than 186 days before {@code today}. */
    static boolean isOutdated(String patch, LocalDate today) {
        try {
            return LocalDate.parse(patch.strip()).plusDays(PATCH_MAX_AGE_DAYS).isBefore(today);
        } catch (DateTimeParseException e) {
            LOG.warn("Unrecognised security patch date \"{}\"", patch);
            return false;
        }
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        for (JsonNode p : results) {
            indicators.checkAndroidProperty(p.path("name").asText(""))
                    .ifPresent(m -> out.alert(Level.CRITICAL, m, "", p));
        }
        return out.build().alerts();
    }

    /** The {@code [name]: [value]} lines. */
    static List<Property> parse(List<String> lines) {
        List<Property> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = PROPERTY.matcher(line);
            if (m.find()) {
                out.add(new Property(m.group(1), m.group(2)));
            }
        }
        return out;
    }
}
