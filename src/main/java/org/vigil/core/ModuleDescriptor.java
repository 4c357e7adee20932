package org.vigil.core;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.vigil.source.SourceKind;

/**
 * What a module is: its MVT slug, its MVT class name (the "Plugin" column of timeline.csv), the
 * platform and source kinds it runs on, the artifacts it reads (for documentation and
 * {@code vigil modules}), and the slugs of the modules it depends on.
 *
 * @param slug file-name slug, MVT's where MVT has the module (e.g. {@code safari_history})
 * @param pluginName MVT's class name (e.g. {@code SafariHistory})
 * @param platform iOS or Android
 * @param sourceKinds kinds of acquisition it runs on
 * @param artifacts human-readable artifact locations (e.g. {@code HomeDomain/Library/SMS/sms.db})
 * @param dependencies slugs of modules whose outcome this module reads
 * @param summary one sentence on what it checks
 */
public record ModuleDescriptor(
        String slug,
        String pluginName,
        Platform platform,
        Set<SourceKind> sourceKinds,
        List<String> artifacts,
        List<String> dependencies,
        String summary) {
    public ModuleDescriptor {
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(pluginName, "pluginName");
        Objects.requireNonNull(platform, "platform");
        sourceKinds = Set.copyOf(sourceKinds);
        artifacts = List.copyOf(artifacts);
        dependencies = List.copyOf(dependencies);
        summary = summary == null ? "" : summary;
    }

    /** True when the module runs on this kind of source. */
    public boolean supports(SourceKind kind) {
        return sourceKinds.contains(kind);
    }
}
