package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.Platform;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.io.PyFormat;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Phone and FaceTime call history ({@code calls}, MVT's {@code Calls}).
 *
 * <p><b>Artifact</b>: {@code CallHistory.storedata} (Core Data SQLite); in a backup HomeDomain
 * {@code Library/CallHistoryDB/CallHistory.storedata} (fileID {@value #CALLS_BACKUP_ID}), in a
 * filesystem dump {@code private/var/mobile/Library/CallHistoryDB/CallHistory.storedata}.
 *
 * <p><b>Records</b>: one per {@code ZCALLRECORD} row, in table order: {@code isodate}
 * ({@code ZDATE}, Mac absolute time), {@code duration} ({@code ZDURATION}, seconds),
 * {@code location} ({@code ZLOCATION}), {@code number} ({@code ZADDRESS}; stored as text or as
 * UTF-8 bytes depending on the iOS version) and {@code provider} ({@code ZSERVICE_PROVIDER}, e.g.
 * {@code com.apple.Telephony}). {@code ZDATE} and {@code ZADDRESS} are required; the other columns,
 * absent on older iOS versions, read as null.
 *
 * <p><b>Flags</b>: nothing (as in MVT: call history is context for the timeline).
 *
 * <p><b>Timeline</b>: {@code call} at {@code isodate}: "From NUMBER using PROVIDER during N
 * seconds".
 */
public final class Calls implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    /** Backup fileID of HomeDomain Library/CallHistoryDB/CallHistory.storedata. */
    public static final String CALLS_BACKUP_ID = "5a4935c78a5255723f707230a451d79c540d2741";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/CallHistoryDB/CallHistory.storedata";
    static final String FS_PATH = "private/var/mobile/Library/CallHistoryDB/CallHistory.storedata";
    static final String TABLE = "ZCALLRECORD";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "calls", "Calls", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Call history, for the timeline (no indicator checks)");

    /**
     * One call.
     *
     * @param isodate call start, ISO ("" when unknown)
     * @param duration seconds, as stored
     * @param location location text iOS derived from the number
     * @param number the other party's number or address
     * @param provider service provider (telephony, FaceTime, an app)
     */
    @JsonPropertyOrder({"isodate", "duration", "location", "number", "provider"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Call(
            @JsonProperty("isodate") String isodate,
            @JsonProperty("duration") Object duration,
            @JsonProperty("location") Object location,
            @JsonProperty("number") Object number,
            @JsonProperty("provider") Object provider) {}

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(CALLS_BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "CallHistory.storedata");
        String name = ref.displayName();
        LOG.info("Found Calls database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object date = rs.getObject(1);
                    Object address = rs.getObject(4);
                    Call call = new Call(date instanceof Number n ? Times.fromMac(n) : "", rs.getObject(2),
                            rs.getObject(3), address instanceof byte[] b ? PyFormat.bytes(b) : address,
                            rs.getObject(5));
                    out.record(call);
                    out.timeline(call.isodate(), "call", "From " + text(call.number()) + " using "
                            + text(call.provider()) + " during " + text(call.duration()) + " seconds");
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} calls", out.recordCount());
        return out.build();
    }

    /** The query over the columns present; ZDATE and ZADDRESS are required. */
    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Set<String> cols = Schema.requireColumns(db, name, TABLE, "ZDATE", "ZADDRESS");
        return "SELECT ZDATE, " + Schema.col(cols, TABLE, "ZDURATION") + ", " + Schema.col(cols, TABLE, "ZLOCATION")
                + ", ZADDRESS, " + Schema.col(cols, TABLE, "ZSERVICE_PROVIDER") + " FROM " + TABLE;
    }

    static String text(Object value) {
        return value instanceof byte[] b ? PyFormat.bytes(b) : Support.py(value);
    }

    /** Call history has no indicator checks: always empty. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }
}
