package org.vigil.demo;

import org.vigil.io.Times;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds an iOS {@code sms.db} (HomeDomain {@code Library/SMS/sms.db}) with the real iOS 16 schema of
 * the tables MVT's SMS and SMSAttachments modules read: {@code handle}, {@code message} (all its
 * columns; {@code date}/{@code date_read} in nanoseconds since 2001, 18 digits), {@code attachment},
 * {@code message_attachment_join}, plus {@code chat}, {@code chat_handle_join},
 * {@code chat_message_join}.
 */
public final class SmsDb {
    /** A correspondent ({@code handle} row). */
    public record Handle(long rowId, String id, String service) {
        public Handle {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(service, "service");
        }
    }

    /**
     * A message row. {@code dateRead} may be null (unread); {@code text} may be null.
     *
     * @param service {@code SMS} or {@code iMessage}
     */
    public record Message(
            long rowId,
            String guid,
            String text,
            long handleId,
            String service,
            Instant date,
            Instant dateRead,
            boolean fromMe) {
        public Message {
            Objects.requireNonNull(guid, "guid");
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(date, "date");
        }
    }

    /** An attachment of one message ({@code attachment} + {@code message_attachment_join}). */
    public record Attachment(
            long rowId, long messageId, String guid, Instant created, String filename,
            String uti, String mimeType, String transferName, long totalBytes, boolean outgoing) {
        public Attachment {
            Objects.requireNonNull(guid, "guid");
            Objects.requireNonNull(created, "created");
        }
    }

    private final List<Handle> handles = new ArrayList<>();
    private final List<Message> messages = new ArrayList<>();
    private final List<Attachment> attachments = new ArrayList<>();

    /** Adds a handle. */
    public SmsDb handle(Handle h) {
        handles.add(Objects.requireNonNull(h));
        return this;
    }

    /** Adds a message. */
    public SmsDb message(Message m) {
        messages.add(Objects.requireNonNull(m));
        return this;
    }

    /** Adds an attachment. */
    public SmsDb attachment(Attachment a) {
        attachments.add(Objects.requireNonNull(a));
        return this;
    }

    static final String[] SCHEMA = {
        "CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key))",
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,"
                + " service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service) )",
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,"
                + " replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT,"
                + " country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0,"
                + " service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER,"
                + " date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,"
                + " is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0,"
                + " is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0,"
                + " is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0,"
                + " is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0,"
                + " is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0,"
                + " cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT,"
                + " was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0,"
                + " is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER,"
                + " item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT,"
                + " group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0,"
                + " share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0,"
                + " expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0,"
                + " message_source INTEGER DEFAULT 0, associated_message_guid TEXT,"
                + " associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB,"
                + " expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0,"
                + " associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER,"
                + " message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT,"
                + " ck_record_change_tag TEXT, destination_caller_id TEXT, sr_ck_sync_state INTEGER DEFAULT 0,"
                + " sr_ck_record_id TEXT, sr_ck_record_change_tag TEXT, is_corrupt INTEGER DEFAULT 0,"
                + " reply_to_guid TEXT DEFAULT NULL, sort_id INTEGER DEFAULT 0, is_spam INTEGER DEFAULT 0,"
                + " has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid TEXT DEFAULT NULL,"
                + " thread_originator_part TEXT DEFAULT NULL, syndication_ranges TEXT DEFAULT NULL,"
                + " synced_syndication_ranges TEXT DEFAULT NULL, was_delivered_quietly INTEGER DEFAULT 0,"
                + " did_notify_recipient INTEGER DEFAULT 0, date_retracted INTEGER DEFAULT 0,"
                + " date_edited INTEGER DEFAULT 0, was_detonated INTEGER DEFAULT 0, part_count INTEGER,"
                + " is_stewie INTEGER DEFAULT 0, is_kt_verified INTEGER DEFAULT 0)",
        "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,"
                + " state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT,"
                + " room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT,"
                + " display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER,"
                + " engram_id TEXT, server_change_token TEXT, ck_sync_state INTEGER DEFAULT 0,"
                + " original_group_id TEXT, last_read_message_timestamp INTEGER DEFAULT 0,"
                + " cloudkit_record_id TEXT, last_addressed_sim_id TEXT, is_blackholed INTEGER DEFAULT 0,"
                + " syndication_date INTEGER DEFAULT 0, syndication_type INTEGER DEFAULT 0)",
        "CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,"
                + " handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id))",
        "CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,"
                + " message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0,"
                + " PRIMARY KEY (chat_id, message_id))",
        "CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,"
                + " created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT,"
                + " mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,"
                + " user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0,"
                + " is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB,"
                + " hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0,"
                + " ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL,"
                + " sr_ck_sync_state INTEGER DEFAULT 0, sr_ck_server_change_token_blob BLOB,"
                + " sr_ck_record_id TEXT, is_commsafety_sensitive INTEGER DEFAULT 0)",
        "CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,"
                + " attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE,"
                + " UNIQUE(message_id, attachment_id))",
        "CREATE INDEX message_idx_handle ON message(handle_id, date)",
        "CREATE INDEX message_idx_is_read ON message(is_read, is_from_me, is_finished)",
        "CREATE INDEX chat_message_join_idx_message_date_id_chat_id ON chat_message_join(chat_id, message_date, message_id)",
        "CREATE INDEX message_attachment_join_idx_message_id ON message_attachment_join(message_id)",
    };

    /** The database file's bytes. */
    public byte[] toBytes() throws IOException {
        return SqliteFiles.build("sms.db", this::fill);
    }

    private void fill(Connection c) throws SQLException {
        SqliteFiles.exec(c, SCHEMA);
        SqliteFiles.exec(c, "INSERT INTO _SqliteDatabaseProperties VALUES ('counter_in_all', '0')");
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO handle (ROWID, id, country, service, uncanonicalized_id, person_centric_id)"
                        + " VALUES (?, ?, 'us', ?, NULL, NULL)")) {
            for (Handle h : handles) {
                ps.setLong(1, h.rowId());
                ps.setString(2, h.id());
                ps.setString(3, h.service());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement chat = c.prepareStatement(
                "INSERT INTO chat (ROWID, guid, style, state, account_id, chat_identifier, service_name, account_login)"
                        + " VALUES (?, ?, 45, 3, ?, ?, ?, 'E:')");
                PreparedStatement join = c.prepareStatement("INSERT INTO chat_handle_join VALUES (?, ?)")) {
            for (Handle h : handles) {
                chat.setLong(1, h.rowId());
                chat.setString(2, h.service() + ";-;" + h.id());
                chat.setString(3, "ACCOUNT-" + h.service().toUpperCase(java.util.Locale.ROOT));
                chat.setString(4, h.id());
                chat.setString(5, h.service());
                chat.executeUpdate();
                join.setLong(1, h.rowId());
                join.setLong(2, h.rowId());
                join.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO message (ROWID, guid, text, handle_id, service, account, account_guid, date, date_read,"
                        + " date_delivered, is_delivered, is_finished, is_from_me, is_read, is_sent, type, version,"
                        + " cache_has_attachments, sort_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, 0, 10, ?, 0)");
                PreparedStatement join = c.prepareStatement("INSERT INTO chat_message_join VALUES (?, ?, ?)")) {
            for (Message m : messages) {
                boolean hasAttachment = attachments.stream().anyMatch(a -> a.messageId() == m.rowId());
                long date = Times.toMacNanos(m.date());
                ps.setLong(1, m.rowId());
                ps.setString(2, m.guid());
                ps.setString(3, m.text());
                ps.setLong(4, m.handleId());
                ps.setString(5, m.service());
                ps.setString(6, m.service().equals("SMS") ? "P:+12025550100" : "E:demo.user@example.com");
                ps.setString(7, "ACCOUNT-" + m.service().toUpperCase(java.util.Locale.ROOT));
                ps.setLong(8, date);
                if (m.dateRead() == null || m.fromMe()) {
                    ps.setLong(9, 0);
                } else {
                    ps.setLong(9, Times.toMacNanos(m.dateRead()));
                }
                if (m.fromMe()) {
                    ps.setLong(10, date);
                } else {
                    ps.setLong(10, 0);
                }
                ps.setInt(11, m.fromMe() ? 1 : 0);
                ps.setInt(12, m.fromMe() || m.dateRead() != null ? 1 : 0);
                ps.setInt(13, m.fromMe() ? 1 : 0);
                ps.setInt(14, hasAttachment ? 1 : 0);
                ps.executeUpdate();
                join.setLong(1, m.handleId());
                join.setLong(2, m.rowId());
                join.setLong(3, date);
                join.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO attachment (ROWID, guid, created_date, start_date, filename, uti, mime_type,"
                        + " transfer_state, is_outgoing, user_info, transfer_name, total_bytes, original_guid)"
                        + " VALUES (?, ?, ?, 0, ?, ?, ?, 5, ?, ?, ?, ?, ?)");
                PreparedStatement join = c.prepareStatement("INSERT INTO message_attachment_join VALUES (?, ?)")) {
            for (Attachment a : attachments) {
                ps.setLong(1, a.rowId());
                ps.setString(2, a.guid());
                ps.setLong(3, (long) Math.floor(Times.toMacSeconds(a.created())));
                ps.setString(4, a.filename());
                ps.setString(5, a.uti());
                ps.setString(6, a.mimeType());
                ps.setInt(7, a.outgoing() ? 1 : 0);
                ps.setNull(8, Types.BLOB);
                ps.setString(9, a.transferName());
                ps.setLong(10, a.totalBytes());
                ps.setString(11, a.guid());
                ps.executeUpdate();
                join.setLong(1, a.messageId());
                join.setLong(2, a.rowId());
                join.executeUpdate();
            }
        }
    }
}
