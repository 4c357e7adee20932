package org.vigil.modules.ios.mixed;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
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
import org.vigil.io.SqliteReader;
import org.vigil.ioc.Indicators;
import org.vigil.source.ArtifactPattern;
import org.vigil.source.ArtifactRef;
import org.vigil.source.SourceKind;

/**
 * Address book entries ({@code contacts}, MVT's {@code Contacts}).
 *
 * <p><b>Artifact</b>: {@code AddressBook.sqlitedb}; in a backup HomeDomain
 * {@code Library/AddressBook/AddressBook.sqlitedb} (fileID {@value #CONTACTS_BACKUP_ID}), in a
 * filesystem dump {@code private/var/mobile/Library/AddressBook/AddressBook.sqlitedb}.
 *
 * <p><b>Records</b>: one per non-null {@code ABMultiValue} value (phone number, e-mail, URL, ...)
 * of a person ({@code ABMultiValue.record_id = ABPerson.ROWID}), ordered by person then value
 * row: {@code value, First, Middle, Last, Organization}. As in MVT, the keys are the column names
 * as the database declares them (iOS declares {@code First}, {@code Last}, ...; a name column
 * absent from a schema reads as null under its lower-case name). {@code ABMultiValue.record_id}
 * and {@code value} are required.
 *
 * <p><b>Flags</b>: nothing (context for the analyst, as in MVT). <b>Timeline</b>: none.
 */
public final class Contacts implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(Contacts.class);

    /** Backup fileID of HomeDomain Library/AddressBook/AddressBook.sqlitedb. */
    public static final String CONTACTS_BACKUP_ID = "31bb7ba8914766d4ba40d6dfb6113c8b614be442";
    static final String DOMAIN = "HomeDomain";
    static final String RELATIVE_PATH = "Library/AddressBook/AddressBook.sqlitedb";
    static final String FS_PATH = "private/var/mobile/Library/AddressBook/AddressBook.sqlitedb";

    private static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "contacts", "Contacts", Platform.IOS,
            Set.of(SourceKind.IOS_BACKUP, SourceKind.IOS_BACKUP_ENCRYPTED, SourceKind.IOS_FS),
            List.of(DOMAIN + "/" + RELATIVE_PATH, FS_PATH),
            List.of(),
            "Address book entries, for context (no indicator checks)");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        ArtifactRef ref = BackupArtifacts.findSingle(ctx.source(), List.of(CONTACTS_BACKUP_ID),
                List.of(ArtifactPattern.of(DOMAIN, RELATIVE_PATH), ArtifactPattern.anyDomain(FS_PATH)),
                "AddressBook.sqlitedb");
        String name = ref.displayName();
        LOG.info("Found Contacts database at {}", name);
        ModuleResult.Builder out = ctx.newResult(DESCRIPTOR);
        try (SqliteReader db = SqliteReader.open(ctx.source().localFile(ref), name)) {
            String sql = query(db, name);
            try (PreparedStatement ps = db.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                String[] names = new String[md.getColumnCount()];
                for (int i = 0; i < names.length; i++) {
                    names[i] = md.getColumnLabel(i + 1);
                }
                while (rs.next()) {
                    Map<String, Object> contact = new LinkedHashMap<>();
                    for (int i = 0; i < names.length; i++) {
                        contact.put(names[i], rs.getObject(i + 1));
                    }
                    out.record(contact);
                }
            } catch (SQLException e) {
                throw Support.sqlFailure(e, name);
            }
        }
        LOG.info("Extracted a total of {} contacts from the address book", out.recordCount());
        return out.build();
    }

    static String query(SqliteReader db, String name) throws SQLException, UnsupportedSchemaException {
        Schema.requireTable(db, name, "ABPerson");
        Schema.requireColumns(db, name, "ABMultiValue", "record_id", "value");
        Set<String> person = db.columns("ABPerson");
        return "SELECT multi.value, " + nameColumn(person, "first") + ", " + nameColumn(person, "middle") + ", "
                + nameColumn(person, "last") + ", " + nameColumn(person, "organization")
                + " FROM ABPerson person, ABMultiValue multi"
                + " WHERE person.ROWID = multi.record_id AND multi.value IS NOT NULL"
                + " ORDER BY person.ROWID ASC, multi.ROWID ASC";
    }

    /** A person column, or NULL named like it when the schema lacks it. */
    private static String nameColumn(Set<String> person, String column) {
        return person.contains(column) ? "person." + column : "NULL AS " + column;
    }

    /** The address book has no indicator checks: always empty. */
    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        return List.of();
    }
}
