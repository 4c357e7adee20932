package org.vigil.core.model;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The whole run: its description and every module's outcome, in run order.
 *
 * @param info what was run on what
 * @param outcomes one per module, in the order the modules ran
 */
public record RunResult(RunInfo info, List<ModuleOutcome> outcomes) {
    public RunResult {
        outcomes = List.copyOf(outcomes);
    }

    /** Every alert of every module, in module order. */
    public List<Alert> alerts() {
        List<Alert> all = new ArrayList<>();
        outcomes.forEach(o -> all.addAll(o.alerts()));
        return all;
    }

    /** Alert counts per level (every level present, 0 where none). */
    public Map<Level, Integer> alertCounts() {
        Map<Level, Integer> counts = new EnumMap<>(Level.class);
        for (Level l : Level.values()) {
            counts.put(l, 0);
        }
        for (Alert a : alerts()) {
            counts.merge(a.level(), 1, Integer::sum);
        }
        return counts;
    }

    /** Module counts per status (every status present). */
    public Map<ModuleStatus, Integer> statusCounts() {
        Map<ModuleStatus, Integer> counts = new EnumMap<>(ModuleStatus.class);
        for (ModuleStatus s : ModuleStatus.values()) {
            counts.put(s, 0);
        }
        outcomes.forEach(o -> counts.merge(o.status(), 1, Integer::sum));
        return counts;
    }

    /** The highest alert level, or null when there is no alert. */
    public Level highestLevel() {
        Level max = null;
        for (Alert a : alerts()) {
            if (max == null || a.level().atLeast(max)) {
                max = a.level();
            }
        }
        return max;
    }
}
