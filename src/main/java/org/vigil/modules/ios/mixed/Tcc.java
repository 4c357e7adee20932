package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
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
import org.vigil.core.model.Level;
import org.vigil.io.PyFormat;
import org.vigil.io.SqliteReader;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Privacy permissions granted to apps ({@code tcc}, MVT's {@code TCC}).
 *
 * <p><b>Artifact</b>: {@code TCC.db} (Transparency, Consent and Control); in a backup HomeDomain
 * {@code Library/TCC/TCC.db} (fileID {@value #TCC_BACKUP_ID}), in a filesystem dump
 * {@code private/var/mobile/Library/TCC/TCC.db}.
 *
 * <p><b>Records</b>: one per row of table {@code access}, in table order, in the shape of the
 * schema found:
 * <ul>
 * <li>v3 (iOS 14 and later: {@code auth_value}): {@code service, client, client_type}
 * ({@code bundle_id} when 0, else {@code absolute_path}), {@code auth_value} (denied, unknown,
 * allowed, limited), {@code auth_reason_desc} (error, user_consent, ... app_type_policy; else
 * {@code unknown}), {@code last_modified} (Unix time, ISO);</li>
 * <li>v2 ({@code allowed}, {@code last_modified}; iOS 12-13): {@code service, client, client_type,
 * allowed_value} (denied, allowed), {@code prompt_count, last_modified};</li>
 * <li>v1 (older, no {@code last_modified}): the same without {@code last_modified}.</li>
 * </ul>
 *
 * <p><b>Flags</b>: a client matching a process indicator (CRITICAL). Camera and microphone grants
 * are logged (not alerts), as MVT does.
 *
 * <p><b>Timeline</b>: {@code AccessRequest} at {@code last_modified} (v2 and v3): "Access to
 * SERVICE by CLIENT VALUE".
 */
public final class Tcc implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Tcc.class);

    /** Backup fileID of HomeDomain Library/TCC/TCC.db. */
    public static final String TCC_BACKUP_ID = "64d0019cb3d46bfc8cce545a8ba54b93e7ea9347";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/TCC/TCC.db";
    static final String FS_PATH = "private/var/mobile/Library/TCC/TCC.db";

    static final Map<Long, String> AUTH_VALUES_OLD = Map.of(0L, "denied", 1L, "allowed");
    static final Map<Long, String> AUTH_VALUES = Map.of(0L, "denied", 1L, "unknown", 2L, "allowed", 3L, "limited");
    static final Map<Long, String> AUTH_REASONS = Map.ofEntries(Map.entry(1L, "error"),
            Map.entry(2L, "user_consent"), Map.entry(3L, "user_set"), Map.entry(4L, "system_set"),
            Map.entry(5L, "service_policy"), Map.entry(6L, "mdm_policy"), Map.entry(7L, "override_policy"),
            Map.entry(8L, "missing_usage_string"), Map.entry(9L, "prompt_timeout"),
            Map.entry(10L, "preflight_unknown"), Map.entry(11L, "entitled"), Map.entry(12L, "app_type_policy"));

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "tcc", "TCC", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Privacy permissions (TCC.db): clients against process indicators");

    /** Schema generations of the access table. */
    enum Version { V1, V2, V3 }

    /** One permission record, whatever the schema. */
    public sealed interface Entry permits Access, LegacyAccess, OldAccess {
        /** The TCC service (kTCCService...). */
        String service();

        /** The bundle id or path of the app. */
        String client();

        /** ISO last modification, or null when the schema has none. */
        @JsonIgnore
        default String modified() {
            return null;
        }

        /** The permission as text, for the timeline. */
        @JsonIgnore
        String value();
    }

    /** A v3 record (iOS 14 and later). */
    @JsonPropertyOrder({"service", "client", "client_type", "auth_value", "auth_reason_desc", "last_modified"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Access(
            @JsonProperty("service") String service,
            @JsonProperty("client") String client,
            @JsonProperty("client_type") String clientType,
            @JsonProperty("auth_value") String authValue,
            @JsonProperty("auth_reason_desc") String authReasonDesc,
            @JsonProperty("last_modified") String lastModified) implements Entry {
        @Override
        public String modified() {
            return lastModified;
        }

        @Override
        public String value() {
            return authValue;
        }
    }

    /** A v2 record ({@code allowed} and {@code last_modified}). */
    @JsonPropertyOrder({"service", "client", "client_type", "allowed_value", "prompt_count", "last_modified"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LegacyAccess(
            @JsonProperty("service") String service,
            @JsonProperty("client") String client,
            @JsonProperty("client_type") String clientType,
            @JsonProperty("allowed_value") String allowedValue,
            @JsonProperty("prompt_count") Object promptCount,
            @JsonProperty("last_modified") String lastModified) implements Entry {
        @Override
        public String modified() {
            return lastModified;
        }

        @Override
        public String value() {
            return allowedValue;
        }
    }

    /** A v1 record (no modification time). */
    @JsonPropertyOrder({"service", "client", "client_type", "allowed_value", "prompt_count"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record OldAccess(
            @JsonProperty("service") String service,
            @JsonProperty("client") String client,
            @JsonProperty("client_type") String clientType,
            @JsonProperty("allowed_value") String allowedValue,
            @JsonProperty("prompt_count") Object promptCount) implements Entry {
        @Override
        public String value() {
            return allowedValue;
        }
    }

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(TCC_BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)), "TCC.db");
        String name = ref.displayName();
        LOG.info("Found TCC database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        Indicators indicators = ctx.hasIndicators() ? ctx.indicators() : null;
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            Version version = version(db, name);
            String sql = query(db, version);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Entry e = read(rs, version);
                    out.record(e);
                    logDevice(e);
                    if (e.modified() != null) {
                        out.timeline(e.modified(), "AccessRequest",
                                "Access to " + Support.py(e.service()) + " by " + Support.py(e.client()) + " "
                                        + e.value());
                    }
                    if (indicators != null && e.client() != null) {
                        indicators.checkProcess(e.client()).ifPresent(m -> out.alert(Level.CRITICAL, m,
                                e.modified() == null ? "" : e.modified(), e));
                    }
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} TCC items", out.recordCount());
        return out.build();
    }

    /** The schema generation of the access table. */
    static Version version(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Set<String> cols = Schema.requireColumns(db, name, "access", "service", "client");
        if (cols.contains("auth_value")) {
            return Version.V3;
        }
        if (!cols.contains("allowed")) {
            throw new UnsupportedSchemaException(name + ": no column auth_value in table access");
        }
        return cols.contains("last_modified") ? Version.V2 : Version.V1;
    }

    private static String query(SqliteReader db, Version version) throws SQLException {
        Set<String> cols = db.columns("access");
        String common = "SELECT service, client, " + Schema.col(cols, "access", "client_type") + ", ";
        return switch (version) {
            case V3 -> common + "auth_value, " + Schema.col(cols, "access", "auth_reason") + ", "
                    + Schema.col(cols, "access", "last_modified") + " FROM access";
            case V2 -> common + "allowed, " + Schema.col(cols, "access", "prompt_count")
                    + ", last_modified FROM access";
            case V1 -> common + "allowed, " + Schema.col(cols, "access", "prompt_count") + ", NULL FROM access";
        };
    }

    private static Entry read(ResultSet rs, Version version) throws SQLException {
        String service = string(rs.getObject(1));
        String client = string(rs.getObject(2));
        Object type = rs.getObject(3);
        String clientType = type instanceof Number n && n.doubleValue() == 0 ? "bundle_id" : "absolute_path";
        Object value = rs.getObject(4);
        Object fifth = rs.getObject(5);
        Object modified = rs.getObject(6);
        return switch (version) {
            case V3 -> new Access(service, client, clientType, lookup(AUTH_VALUES, value, ""),
                    lookup(AUTH_REASONS, fifth, "unknown"), unix(modified));
            case V2 -> new LegacyAccess(service, client, clientType, lookup(AUTH_VALUES_OLD, value, ""), fifth,
                    unix(modified));
            case V1 -> new OldAccess(service, client, clientType, lookup(AUTH_VALUES_OLD, value, ""), fifth);
        };
    }

    private static void logDevice(Entry e) {
        String device = "kTCCServiceMicrophone".equals(e.service()) ? "microphone"
                : "kTCCServiceCamera".equals(e.service()) ? "camera" : null;
        if (device != null) {
            LOG.info("Found client \"{}\" with access {} to {}{}", e.client(), e.value(), device,
                    e.modified() == null ? "" : " on " + e.modified());
        }
    }

    /** A code's description; integer-valued numbers only (as Python's dict lookup). */
    static String lookup(Map<Long, String> table, Object code, String fallback) {
        if (code instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return table.getOrDefault(n.longValue(), fallback);
        }
        return fallback;
    }

    /** Unix seconds to ISO ("" when the value is not a time). */
    static String unix(Object value) {
        return value instanceof Number n ? Times.fromUnixSeconds(n) : "";
    }

    private static String string(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        return value instanceof byte[] b ? PyFormat.bytes(b) : Support.py(value);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(DESCRIPTOR);
        for (JsonNode entry : results) {
            JsonNode client = entry.get("client");
            if (client == null || !client.isTextual()) {
                continue;
            }
            String modified = entry.path("last_modified").isTextual() ? entry.get("last_modified").asText() : "";
            indicators.checkProcess(client.asText()).ifPresent(m -> out.alert(Level.CRITICAL, m, modified, entry));
        }
        return out.build().alerts();
    }
}
