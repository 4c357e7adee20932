package org.vigil.modules.ios.fs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.Module;
import org.vigil.core.ModuleContext;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.io.Times;
import org.vigil.ioc.Indicators;

/**
 * MVT's {@code WebkitBase}: the WebKit website-data folders hold one entry (file or folder) per
 * web origin, named after it ({@code https_www.example.com_0}). Each direct child of a matching
 * folder whose name starts with {@code http} gives a record: {@code http_} and {@code https_}
 * become {@code http://} and {@code https://}, and the URL is the text before the next
 * {@code _} ({@code https://www.example.com}).
 *
 * <p><b>Records</b>: {@code {folder, url, isodate}}: {@code folder} is the website-data folder,
 * relative to the dump root; {@code isodate} is that folder's modification time, as MVT takes it
 * ({@code os.stat(folder).st_mtime}: the last time an origin was added to or removed from it, the
 * same for all its entries), with the whole-second precision the dump records; null when the dump
 * does not record the folder's time (an archive without directory entries), and then no timeline
 * row.
 *
 * <p><b>Flags</b>: with indicators, a URL matching a URL or domain indicator: CRITICAL (the
 * indicator's message).
 */
abstract class WebkitBase implements Module {
    private static final Logger LOG = LoggerFactory.getLogger(WebkitBase.class);

    /**
     * One website-data entry.
     *
     * @param folder the folder holding it, relative to the dump root
     * @param url the origin's URL
     * @param isodate the folder's modification time, or null when unknown
     */
    @JsonPropertyOrder({"folder", "url", "isodate"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(
            @JsonProperty("folder") String folder,
            @JsonProperty("url") String url,
            @JsonProperty("isodate") String isodate) {}

    /** The folder pattern, relative to the dump root ({@code *} within one path component). */
    abstract String folderGlob();

    /** The timeline event code, or null when the module has no timeline (as in MVT). */
    abstract String timelineEvent();

    /** The timeline text for an entry. */
    abstract String timelineText(Entry e);

    @Override
    public ModuleResult run(ModuleContext ctx) throws Exception {
        List<FsArtifacts.Folder> folders = FsArtifacts.folders(ctx.source(), folderGlob());
        if (folders.isEmpty()) {
            throw new ArtifactNotFoundException("no folder " + folderGlob());
        }
        List<Entry> entries = new ArrayList<>();
        for (FsArtifacts.Folder f : folders) {
            String iso = f.modified() == null ? null : Times.fromUnixSeconds(f.modified());
            if (iso != null && iso.isEmpty()) {
                iso = null;
            }
            if (f.modified() == null) {
                LOG.debug("{}: the dump does not record this folder's time", f.path());
            }
            for (String name : f.children()) {
                String url = url(name);
                if (url != null) {
                    entries.add(new Entry(f.path(), url, iso));
                }
            }
        }
        ModuleResult.Builder out = ctx.newResult(descriptor());
        entries.forEach(out::record);
        if (ctx.hasIndicators()) {
            for (Entry e : entries) {
                ctx.indicators().checkUrl(e.url()).ifPresent(m ->
                        out.alert(Level.CRITICAL, m, e.isodate() == null ? "" : e.isodate(), e));
            }
        }
        if (timelineEvent() != null) {
            for (Entry e : entries) {
                if (e.isodate() != null) {
                    out.timeline(e.isodate(), timelineEvent(), timelineText(e));
                }
            }
        }
        LOG.info("Extracted a total of {} records from {} folders ({})", entries.size(), folders.size(),
                descriptor().slug());
        return out.build();
    }

    /** The URL an entry name stands for, or null when the name does not start with {@code http}. */
    static String url(String name) {
        if (!name.startsWith("http")) {
            return null;
        }
        String n = name.replace("http_", "http://").replace("https_", "https://");
        int us = n.indexOf('_');
        return us < 0 ? n : n.substring(0, us);
    }

    @Override
    public List<Alert> recheck(JsonNode results, Indicators indicators) {
        if (results == null || !results.isArray() || indicators.isEmpty()) {
            return List.of();
        }
        ModuleResult.Builder out = ModuleResult.builder(descriptor());
        for (JsonNode r : results) {
            JsonNode url = r.get("url");
            if (url != null && url.isTextual()) {
                indicators.checkUrl(url.asText()).ifPresent(m ->
                        out.alert(Level.CRITICAL, m, r.path("isodate").asText(""), r));
            }
        }
        return out.build().alerts();
    }
}
