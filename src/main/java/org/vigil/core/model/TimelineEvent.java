package org.vigil.core.model;

import java.util.Objects;

/**
 * One row of timeline.csv.
 *
 * @param timestamp ISO time ({@code yyyy-MM-dd HH:mm:ss.SSSSSS}), "" if unknown
 * @param plugin MVT's "Plugin" column: the module's class-style name (e.g. {@code Manifest})
 * @param event short event code (e.g. {@code sms_received})
 * @param data human-readable description
 */
public record TimelineEvent(String timestamp, String plugin, String event, String data) {
    public TimelineEvent {
        timestamp = timestamp == null ? "" : timestamp;
        Objects.requireNonNull(plugin, "plugin");
        event = event == null ? "" : event;
        data = data == null ? "" : data;
    }
}
