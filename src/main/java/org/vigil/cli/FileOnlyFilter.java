package org.vigil.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/** Keeps events marked {@link #FILE_ONLY} off the console (the CLI already printed them). */
final class FileOnlyFilter extends Filter<ILoggingEvent> {
    /** Marks a log line that belongs in command.log only. */
    static final Marker FILE_ONLY = MarkerFactory.getMarker("VIGIL_FILE_ONLY");

    @Override
    public FilterReply decide(ILoggingEvent event) {
        var markers = event.getMarkerList();
        return markers != null && markers.contains(FILE_ONLY) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
