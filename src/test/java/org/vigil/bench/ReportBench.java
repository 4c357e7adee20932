package org.vigil.bench;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vigil.report.html.HtmlReport;
import org.vigil.report.html.Messages;

/**
 * Builds a result folder with a large timeline.csv (and some alerts), then times building its
 * report.html several times, printing the rows, the page size and the time of each build. Not a
 * test: run it with bench/report-bench.sh.
 */
public final class ReportBench {
    private ReportBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        Files.createDirectories(dir);
        Path csv = dir.resolve("timeline.csv");
        if (!Files.exists(csv)) {
            try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                w.write("\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n");
                long start = java.time.LocalDate.parse("2019-01-01").toEpochDay();
                for (long i = 0; i < rows; i++) {
                    java.time.LocalDate d = java.time.LocalDate.ofEpochDay(start + i * 2000 / rows);
                    w.write("\"" + d + " 10:00:" + String.format("%02d", i % 60) + ".000000\",\"SMS\",\"sms_received\","
                            + "\"Message " + i + " from +1202555" + (i % 10000) + " with a \"\"quoted\"\" link https://example.org/" + i + "\"\r\n");
                }
            }
            StringBuilder alerts = new StringBuilder("[");
            for (int i = 0; i < 5000; i++) {
                alerts.append(i == 0 ? "" : ",").append("{\"level\":\"").append(i % 7 == 0 ? "CRITICAL" : "MEDIUM")
                        .append("\",\"module\":\"sms\",\"message\":\"m").append(i).append("\",\"event_time\":\"2023-0")
                        .append(1 + i % 9).append("-01 00:00:00.000000\",\"event\":{\"text\":\"t").append(i)
                        .append("\"},\"matched_indicator\":null}");
            }
            Files.writeString(dir.resolve("alerts.json"), alerts.append("]").toString());
            Files.writeString(dir.resolve("info.json"), "{\"vigil_version\":\"bench\",\"date\":\"2025-01-01 00:00:00.000000\"}");
            Files.writeString(dir.resolve("coverage.json"), "{\"modules\":[{\"module\":\"sms\",\"status\":\"checked\"}]}");
        }
        System.out.printf("timeline.csv: %,d bytes%n", Files.size(csv));
        for (int run = 1; run <= 3; run++) {
            long t0 = System.nanoTime();
            Path out = new HtmlReport(Messages.english(), "bench").write(dir, dir.resolve("report.html"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("run %d: report.html %,d bytes in %,d ms%n", run, Files.size(out), ms);
        }
    }
}
