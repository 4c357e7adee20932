package org.vigil.report.folder;

import java.util.Objects;
import org.vigil.core.model.ModuleStatus;

/**
 * One module's entry of coverage.json.
 *
 * @param module the module slug
 * @param status what became of it
 * @param reason why it is not {@code checked} ("" when checked)
 * @param records records extracted
 * @param alerts alerts raised
 * @param timelineEvents timeline rows produced
 */
public record ModuleCoverage(String module, ModuleStatus status, String reason, long records, long alerts,
        long timelineEvents) {
    public ModuleCoverage {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
    }
}
