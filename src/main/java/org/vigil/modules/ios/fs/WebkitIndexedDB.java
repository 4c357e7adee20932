package org.vigil.modules.ios.fs;

import java.util.List;
import java.util.Set;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.Platform;
import org.vigil.source.SourceKind;

/**
 * WebKit IndexedDB folders of apps (one entry per web origin)
 * ({@code webkit_indexeddb}, MVT's {@code WebkitIndexedDB}).
 *
 * <p><b>Artifact</b>: the folders {@value #GLOB}, filesystem dumps only; each direct
 * child whose name starts with {@code http} is a web origin the app's web views stored data for (see
 * {@link WebkitBase} for the records and the time).
 *
 * <p><b>Flags</b>: with indicators, an origin matching a URL or domain indicator: CRITICAL.
 *
 * <p><b>Timeline</b>: {@code webkit_indexeddb} "IndexedDB folder F containing file for URL U" (entries with a known time).
 */
public final class WebkitIndexedDB extends WebkitBase {
    static final String GLOB = "private/var/mobile/Containers/Data/Application/*/"
            + "Library/WebKit/WebsiteData/IndexedDB";

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "webkit_indexeddb", "WebkitIndexedDB", Platform.IOS, Set.of(SourceKind.IOS_FS),
            List.of(GLOB + "/http*"), List.of(),
            "WebKit IndexedDB folders of apps (one entry per web origin): origins against URL and domain indicators");

    @Override
    public ModuleDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    String folderGlob() {
        return GLOB;
    }

    @Override
    String timelineEvent() {
        return "webkit_indexeddb";
    }

    @Override
    String timelineText(Entry e) {
        return "IndexedDB folder " + e.folder() + " containing file for URL " + e.url();
    }
}
