package org.vigil.modules.ios.fs;

import java.util.List;
import java.util.Set;
import org.vigil.core.ModuleDescriptor;
import org.vigil.core.Platform;
import org.vigil.source.SourceKind;

/**
 * SafariViewService (in-app browser) website data (one entry per web origin)
 * ({@code webkit_safari_view_service}, MVT's {@code WebkitSafariViewService}).
 *
 * <p><b>Artifact</b>: the folders {@value #GLOB}, filesystem dumps only; each direct
 * child whose name starts with {@code http} is a web origin the app's web views stored data for (see
 * {@link WebkitBase} for the records and the time).
 *
 * <p><b>Flags</b>: with indicators, an origin matching a URL or domain indicator: CRITICAL.
 *
 * <p><b>Timeline</b>: none (as MVT).
 */
public final class WebkitSafariViewService extends WebkitBase {
    static final String GLOB = "private/var/mobile/Containers/Data/Application/*/"
            + "SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData";

    static final ModuleDescriptor DESCRIPTOR = new ModuleDescriptor(
            "webkit_safari_view_service", "WebkitSafariViewService", Platform.IOS, Set.of(SourceKind.IOS_FS),
            List.of(GLOB + "/http*"), List.of(),
            "SafariViewService (in-app browser) website data (one entry per web origin): origins against URL and domain indicators");

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
        return null;
    }

    @Override
    String timelineText(Entry e) {
        return null; // MVT gives this module no timeline
    }
}
