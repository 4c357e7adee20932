package org.vigil.report.html;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import org.vigil.core.model.Level;
import org.vigil.report.folder.AlertSummary;
import org.vigil.report.folder.ModuleCoverage;
import org.vigil.report.folder.ResultFolder;

/**
 * The plain-language verdict of a result, never more certain than the evidence. Two independent
 * parts:
 *
 * <ul>
 *   <li>the {@link Finding}: {@code KNOWN_SPYWARE} when at least one alert at HIGH or CRITICAL
 *       matched an indicator (the collections are those indicators' collection names);
 *       otherwise {@code SUSPICIOUS} when an alert at HIGH or CRITICAL has no indicator (a
 *       heuristic), or an indicator matched only below HIGH (the module judged the evidence weak);
 *       otherwise {@code NOTHING_FOUND} (MEDIUM, LOW and INFORMATIONAL heuristics are "notes");
 *   <li>the {@link Gap}s: modules {@code unreadable} or {@code failed}, no coverage.json (MVT: what
 *       was checked is unknown), no module {@code checked} at all, no indicator file used, or a
 *       result file that could not be read. Modules {@code not_present} are listed apart: an
 *       absent app is normal and not a gap.
 * </ul>
 *
 * <p>The {@link Outcome} shown as the headline: {@code KNOWN_SPYWARE} and {@code SUSPICIOUS} as
 * found; {@code NOTHING_FOUND} becomes {@code INCOMPLETE} when there is any gap (the gaps are listed
 * with every outcome).
 *
 * @param finding what the alerts show
 * @param outcome the headline
 * @param gaps what could not be checked, and why
 * @param notPresent modules whose data was not in the acquisition
 * @param collections collections matched at HIGH or CRITICAL, with alert counts
 * @param weakCollections collections matched only below HIGH
 * @param heuristicModules modules with HIGH or CRITICAL alerts without an indicator
 * @param strongAlerts alerts at HIGH or CRITICAL
 * @param notes alerts below HIGH without an indicator
 */
public record Verdict(Finding finding, Outcome outcome, List<Gap> gaps, List<ModuleCoverage> notPresent,
        SortedMap<String, Long> collections, SortedMap<String, Long> weakCollections,
        SortedSet<String> heuristicModules, long strongAlerts, long notes) {
    /** What the alerts show. */
    public enum Finding {
        /** An indicator of known spyware matched at HIGH or CRITICAL. */
        KNOWN_SPYWARE,
        /** Strong heuristics, or indicator matches in weak evidence only. */
        SUSPICIOUS,
        /** No strong alert and no indicator match. */
        NOTHING_FOUND
    }

    /** The headline. */
    public enum Outcome {
        /** Traces of known spyware were found. */
        KNOWN_SPYWARE,
        /** Suspicious signs, no known spyware. */
        SUSPICIOUS,
        /** Nothing found, but some sources could not be checked. */
        INCOMPLETE,
        /** Nothing found in what could be checked, and everything could be checked. */
        NOTHING_FOUND
    }

    /** Why a gap is there. */
    public enum GapKind {
        /** A module's data was there but could not be read. */
        UNREADABLE,
        /** A module failed on a bug. */
        FAILED,
        /** The folder does not say what was checked. */
        COVERAGE_UNKNOWN,
        /** No module checked anything. */
        NOTHING_CHECKED,
        /** No indicators were used. */
        NO_INDICATORS,
        /** A result file could not be read. */
        RESULTS_UNREADABLE
    }

    /**
     * One thing that could not be checked.
     *
     * @param kind why
     * @param subject the module slug or file ("" when the gap is about the whole run)
     * @param reason the reason as recorded
     */
    public record Gap(GapKind kind, String subject, String reason) {
        public Gap {
            Objects.requireNonNull(kind, "kind");
            subject = subject == null ? "" : subject;
            reason = reason == null ? "" : reason;
        }
    }

    public Verdict {
        gaps = List.copyOf(gaps);
        notPresent = List.copyOf(notPresent);
    }

    /** The verdict of a result folder. */
    public static Verdict of(ResultFolder folder) {
        AlertSummary a = folder.alerts();
        Finding finding;
        if (a.strongMatches() > 0) {
            finding = Finding.KNOWN_SPYWARE;
        } else if (a.strongHeuristics() > 0 || a.weakMatches() > 0) {
            finding = Finding.SUSPICIOUS;
        } else {
            finding = Finding.NOTHING_FOUND;
        }
        List<Gap> gaps = new ArrayList<>();
        List<ModuleCoverage> notPresent = new ArrayList<>();
        if (folder.coverageKnown()) {
            boolean anyChecked = false;
            for (ModuleCoverage m : folder.coverage()) {
                switch (m.status()) {
                    case CHECKED -> anyChecked = true;
                    case NOT_PRESENT -> notPresent.add(m);
                    case UNREADABLE -> gaps.add(new Gap(GapKind.UNREADABLE, m.module(), m.reason()));
                    case FAILED -> gaps.add(new Gap(GapKind.FAILED, m.module(), m.reason()));
                }
            }
            if (!anyChecked) {
                gaps.add(new Gap(GapKind.NOTHING_CHECKED, "", ""));
            }
        } else {
            gaps.add(new Gap(GapKind.COVERAGE_UNKNOWN, folder.run().tool(), ""));
        }
        if (folder.run().indicatorFiles().isEmpty()) {
            gaps.add(new Gap(GapKind.NO_INDICATORS, "", ""));
        }
        for (String p : folder.problems()) {
            gaps.add(new Gap(GapKind.RESULTS_UNREADABLE, "", p));
        }
        Outcome outcome = switch (finding) {
            case KNOWN_SPYWARE -> Outcome.KNOWN_SPYWARE;
            case SUSPICIOUS -> Outcome.SUSPICIOUS;
            case NOTHING_FOUND -> gaps.isEmpty() ? Outcome.NOTHING_FOUND : Outcome.INCOMPLETE;
        };
        long strong = a.counts().get(Level.HIGH) + a.counts().get(Level.CRITICAL);
        long notes = a.total() - strong - a.weakMatches();
        return new Verdict(finding, outcome, gaps, notPresent, a.spywareCollections(), a.weakCollections(),
                a.heuristicModules(), strong, notes);
    }

    /** True when some sources could not be checked. */
    public boolean incomplete() {
        return !gaps.isEmpty();
    }
}
