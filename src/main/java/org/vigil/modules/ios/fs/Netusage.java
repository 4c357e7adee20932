package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.model.Alert;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.mixed.NetBase;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Per-process network usage recorded by {@code networkd} ({@code netusage}, MVT's {@code Netusage}).
 *
 * <p><b>Artifact</b>: {@value #PATH} and {@value #PATH_DB} (every one present), filesystem dumps
 * only. Same Core Data model as {@code DataUsage.sqlite}: the reading, the records
 * ({@code first_isodate, isodate, proc_name, bundle_id, proc_id, wifi_in, wifi_out, wwan_in,
 * wwan_out, live_id, live_proc_id, live_isodate}), the flags and the timeline are
 * {@code datausage}'s ({@link NetBase}).
 *
 * <p><b>Flags</b> (Amnesty's 2021 Pegasus forensic methodology, as in MVT): a process name
 * matching a process indicator (CRITICAL); live-usage rows whose process row was deleted (HIGH);
 * gaps in the process ids (LOW); without {@code --fast}, a process without bundle id whose binary
 * is nowhere in the dump (MEDIUM: Pegasus processes such as {@code bh} or {@code roleaccountd}
 * had no binary on disk).
 *
 * <p><b>Timeline</b>: {@code live_usage}, {@code first_usage}, {@code current_usage}.
 *
 * <p>Unlike MVT, the id-gap and deleted-row heuristics look within one database at a time (ids
 * are per database); an unreadable database is logged and the other still checked.
 */
public final class Netusage implements Module {
    static final String PATH = "private/var/networkd/netusage.sqlite";
    static final String PATH_DB = "private/var/networkd/db/netusage.sqlite";

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "netusage", "Netusage", Platform.IOS, Set.of(SourceKind.IOS_FS), List.of(PATH, PATH_DB), List.of(),
            "Per-process network usage (networkd): process names against indicators, deleted or manipulated"
                    + " process rows, processes without a binary");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<ArtifactRef> dbs = FsArtifacts.requireFiles(ctx.source(), List.of(PATH, PATH_DB), "netusage.sqlite");
        return NetBase.run(ctx, DESCRIPTOR, dbs, "NetUsage");
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return NetBase.recheck(DESCRIPTOR, results, indicators);
    }
}
