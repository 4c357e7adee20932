package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Per-process network usage ({@code datausage}, MVT's {@code Datausage}).
 *
 * <p><b>Artifact</b>: {@code DataUsage.sqlite}; in a backup WirelessDomain
 * {@code Library/Databases/DataUsage.sqlite} (fileID {@value #DATAUSAGE_BACKUP_ID}), in a
 * filesystem dump {@code private/var/wireless/Library/Databases/DataUsage.sqlite}.
 *
 * <p><b>Records</b>: every {@code ZLIVEUSAGE} row with its {@code ZPROCESS} row (if any), plus
 * every process without live usage: {@code first_isodate, isodate, proc_name, bundle_id, proc_id,
 * wifi_in, wifi_out, wwan_in, wwan_out, live_id, live_proc_id, live_isodate}; recent iOS versions
 * have no Wi-Fi columns (null then). Placeholders are added for missing process ids. Sorted by
 * {@code first_isodate}.
 *
 * <p><b>Flags</b> (heuristics from Amnesty's 2021 Pegasus forensic methodology report, as in
 * MVT): a process name matching a process indicator (CRITICAL); always, live-usage rows whose
 * process row was deleted (HIGH, "manipulated"); always, gaps in the process ids (LOW, deleted
 * processes); in a filesystem dump without {@code --fast}, a process without bundle id whose
 * binary is nowhere in the dump (MEDIUM).
 *
 * <p><b>Timeline</b>: {@code live_usage} for every record; {@code first_usage} and
 * {@code current_usage} when the process row exists.
 *
 * <p>The reading and the heuristics live in {@link NetBase}, shared with {@code netusage}.
 */
public final class Datausage implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Datausage.class);

    /** Backup fileID of WirelessDomain Library/Databases/DataUsage.sqlite. */
    public static final String DATAUSAGE_BACKUP_ID = "0d609c54856a9bb2d56729df1d68f2958a88426b";
    static final String DOMAIN = "WirelessDomain";
    static final String RELATIVE_PATH = "Library/Databases/DataUsage.sqlite";
    static final String FS_PATH = "private/var/wireless/Library/Databases/DataUsage.sqlite";

    static final String MANIPULATED = NetBase.MANIPULATED;
    /** At most this many placeholders for missing process ids (a hostile Z_PK must not exhaust memory). */
    static final int MAX_MISSING = NetBase.MAX_MISSING;

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "datausage", "Datausage", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Per-process network usage: process names against indicators, deleted or manipulated process rows");

    /**
     * One usage record.
     *
     * @param firstIsodate process first seen ({@code ZPROCESS.ZFIRSTTIMESTAMP})
     * @param isodate process last seen ({@code ZPROCESS.ZTIMESTAMP})
     * @param procName process name (and bundle id), or a MANIPULATED / MISSING marker
     * @param bundleId bundle id
     * @param procId {@code ZPROCESS.Z_PK}
     * @param wifiIn Wi-Fi bytes in (older iOS)
     * @param wifiOut Wi-Fi bytes out (older iOS)
     * @param wwanIn cellular bytes in
     * @param wwanOut cellular bytes out
     * @param liveId {@code ZLIVEUSAGE.Z_PK}
     * @param liveProcId {@code ZLIVEUSAGE.ZHASPROCESS}
     * @param liveIsodate live usage time, or the first seen time
     */
    @JsonPropertyOrder({"first_isodate", "isodate", "proc_name", "bundle_id", "proc_id", "wifi_in", "wifi_out",
            "wwan_in", "wwan_out", "live_id", "live_proc_id", "live_isodate"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Usage(
            @JsonProperty("first_isodate") String firstIsodate,
            @JsonProperty("isodate") String isodate,
            @JsonProperty("proc_name") String procName,
            @JsonProperty("bundle_id") String bundleId,
            @JsonProperty("proc_id") Long procId,
            @JsonProperty("wifi_in") Number wifiIn,
            @JsonProperty("wifi_out") Number wifiOut,
            @JsonProperty("wwan_in") Number wwanIn,
            @JsonProperty("wwan_out") Number wwanOut,
            @JsonProperty("live_id") Long liveId,
            @JsonProperty("live_proc_id") Long liveProcId,
            @JsonProperty("live_isodate") String liveIsodate) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(DATAUSAGE_BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "DataUsage.sqlite");
        return NetBase.run(ctx, DESCRIPTOR, List.of(ref), "DataUsage");
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return NetBase.recheck(DESCRIPTOR, results, indicators);
    }
}
