package org.vigil.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.vigil.core.model.Level;
import org.vigil.report.folder.DayCounts;

class TimelineChartTest {
    private final TimelineChart chart = new TimelineChart(Messages.english());

    private static DayCounts days(Object... dayAndCount) {
        DayCounts d = new DayCounts();
        for (int i = 0; i < dayAndCount.length; i += 2) {
            for (int n = 0; n < (Integer) dayAndCount[i + 1]; n++) {
                d.add(LocalDate.parse((String) dayAndCount[i]), null);
            }
        }
        return d;
    }

    @Test
    void binsCountEveryEventAndMarkAlertPeriods() {
        DayCounts events = days("2024-01-01", 3, "2024-01-02", 1, "2024-01-10", 5);
        DayCounts alerts = new DayCounts();
        alerts.add(LocalDate.parse("2024-01-10"), Level.MEDIUM);
        alerts.add(LocalDate.parse("2024-01-10"), Level.CRITICAL);
        List<TimelineChart.Scale> scales = chart.scales(events, alerts, null);
        assertThat(scales).hasSize(1);
        TimelineChart.Scale all = scales.get(0);
        assertThat(all.unit()).isEqualTo(TimelineChart.Unit.DAY);
        assertThat(all.bins()).hasSize(10);
        assertThat(all.bins().stream().mapToLong(TimelineChart.Bin::events).sum()).isEqualTo(9);
        TimelineChart.Bin last = all.bins().get(9);
        assertThat(last.start()).isEqualTo(LocalDate.parse("2024-01-10"));
        assertThat(last.alerts()).isEqualTo(2);
        assertThat(last.highest()).isEqualTo(Level.CRITICAL);
        String svg = all.svg();
        assertThat(svg).startsWith("<svg").contains("data-bins=\"10\"");
        assertThat(count(svg, "class=\"bin alert lvl-critical\"")).isEqualTo(1);
        assertThat(count(svg, "class=\"bin\"")).isEqualTo(9);
        assertThat(count(svg, "class=\"bar\"")).isEqualTo(3);
        assertThat(count(svg, "class=\"marker\"")).isEqualTo(1);
        assertThat(svg).contains("data-start=\"2024-01-10\" data-events=\"5\" data-alerts=\"2\"")
                .contains("<title>2024-01-10: 5 events, 2 alerts (highest level: Critical)</title>");
    }

    @Test
    void aLongPeriodIsBinnedCoarserWithZoomedScales() {
        DayCounts events = days("2019-05-01", 1, "2023-12-31", 2, "2024-06-30", 4);
        List<TimelineChart.Scale> scales = chart.scales(events, new DayCounts(), LocalDate.parse("2024-07-01"));
        assertThat(scales).extracting(TimelineChart.Scale::key).containsExactly("all", "year", "weeks");
        assertThat(scales.get(0).unit()).isEqualTo(TimelineChart.Unit.MONTH);
        assertThat(scales.get(0).bins()).hasSize(62);
        assertThat(scales.get(1).unit()).isEqualTo(TimelineChart.Unit.WEEK);
        assertThat(scales.get(1).bins().stream().mapToLong(TimelineChart.Bin::events).sum()).isEqualTo(6);
        assertThat(scales.get(2).bins()).hasSize(56);
        assertThat(scales.get(2).bins().stream().mapToLong(TimelineChart.Bin::events).sum()).isEqualTo(4);
    }

    @Test
    void hostileDatesSpanningCenturiesStayBounded() {
        DayCounts events = days("0001-01-01", 1, "2024-01-01", 1, "9999-12-31", 1);
        TimelineChart.Scale all = chart.scales(events, new DayCounts(), null).get(0);
        assertThat(all.unit()).isEqualTo(TimelineChart.Unit.YEARS);
        assertThat(all.bins().size()).isLessThanOrEqualTo(TimelineChart.MAX_BINS);
        assertThat(all.bins().stream().mapToLong(TimelineChart.Bin::events).sum()).isEqualTo(3);
    }

    @Test
    void foldedCountsAreNeverDrawnFinerThanTheyAre() {
        DayCounts d = new DayCounts();
        d.add(LocalDate.parse("2024-01-05"), null);
        d.add(LocalDate.parse("2024-01-20"), null);
        d.coarsen(DayCounts.Granularity.MONTH);
        assertThat(d.counts()).containsExactly(java.util.Map.entry(LocalDate.parse("2024-01-01"), 2L));
        TimelineChart.Scale all = chart.scales(d, new DayCounts(), null).get(0);
        assertThat(all.unit()).isEqualTo(TimelineChart.Unit.MONTH);
    }

    @Test
    void nothingDatedGivesNoChart() {
        assertThat(chart.scales(new DayCounts(), new DayCounts(), null)).isEmpty();
    }

    @Test
    void dayOfAcceptsOnlyRealDates() {
        assertThat(DayCounts.dayOf("2024-02-29 10:00:00.000000")).isEqualTo(LocalDate.parse("2024-02-29"));
        assertThat(DayCounts.dayOf("2023-02-29 10:00:00")).isNull();
        assertThat(DayCounts.dayOf("")).isNull();
        assertThat(DayCounts.dayOf("<script>x</script>")).isNull();
        assertThat(DayCounts.dayOf("+12345-01-01")).isNull();
    }

    private static int count(String s, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
