package org.vigil.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vigil.core.VigilVersion;
import org.vigil.report.folder.FolderReader;
import org.vigil.report.folder.ResultFolder;
import org.vigil.report.html.HtmlReport;
import org.vigil.report.html.Messages;
import org.vigil.report.html.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigil report FOLDER}: (re)builds the HTML report of a result folder, Vigil's or MVT's,
 * without the device. Every check writes the same page as {@code report.html}; this command makes
 * it again (for example in another language, or for a folder MVT wrote).
 */
@Command(name = "report", mixinStandardHelpOptions = true, footer = ExitCodes.HELP,
        description = {"Build the HTML report (report.html) of a results folder written by Vigil or MVT.",
            "Writes FOLDER/report.html unless -o is given. Reads nothing but the folder."})
final class ReportCommand implements Callable<Integer> {
    @ParentCommand
    VigilCommand root;

    @Parameters(paramLabel = "FOLDER", description = "A folder written by `vigil ... --output` or `mvt-ios/mvt-android --output`.")
    Path folder;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the page (default FOLDER/report.html).")
    Path output;

    @Option(names = "--lang", paramLabel = "LANG",
            description = "Language of the page (a translation bundled as messages_LANG.properties; default English).")
    String lang;

    @Option(names = {"-q", "--quiet"}, description = "Print only errors.")
    boolean quiet;

    @Override
    public Integer call() {
        try {
            run();
            return ExitCodes.OK;
        } catch (CliException e) {
            return root.fail(e);
        }
    }

    private void run() throws CliException {
        Path in = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(in)) {
            throw new CliException(ExitCodes.INPUT_NOT_FOUND, in + ": no such folder");
        }
        Path out = output == null ? in.resolve(HtmlReport.FILE_NAME) : output.toAbsolutePath().normalize();
        if (Files.isDirectory(out)) {
            out = out.resolve(HtmlReport.FILE_NAME);
        }
        ResultFolder results;
        try {
            results = new FolderReader().read(in);
        } catch (IOException e) {
            throw new CliException(ExitCodes.INPUT_CORRUPT, in + ": cannot read the results (" + e.getMessage() + ")", e);
        }
        if (results.run().date().isEmpty() && results.coverage() == null && results.alerts().total() == 0
                && !results.timeline().present() && results.resultFiles().isEmpty()) {
            throw new CliException(ExitCodes.INPUT_NOT_FOUND, in + ": not a results folder (no info.json, coverage.json,"
                    + " alerts.json, timeline.csv or <module>.json)");
        }
        Messages messages = lang == null ? Messages.english() : Messages.forLocale(Locale.forLanguageTag(lang));
        try {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            new HtmlReport(messages, VigilVersion.get()).write(results, out);
        } catch (IOException e) {
            throw new CliException(ExitCodes.OUTPUT_ERROR, out + ": cannot write the report (" + e.getMessage() + ")", e);
        }
        if (!quiet) {
            Verdict v = Verdict.of(results);
            root.out().println(messages.get(switch (v.outcome()) {
                case KNOWN_SPYWARE -> "verdict.spyware.title";
                case SUSPICIOUS -> "verdict.suspicious.title";
                case INCOMPLETE -> "verdict.incomplete.title";
                case NOTHING_FOUND -> "verdict.nothing.title";
            }) + ".");
            for (String p : results.problems()) {
                root.out().println("  " + p);
            }
            root.out().println("Report written to " + out);
            root.out().flush();
        }
    }
}
