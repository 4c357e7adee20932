package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.VigilVersion;
import org.vigil.report.OutputWriter;
import org.vigil.report.folder.FolderReaderTestAccess;
import org.vigil.report.html.HostileRun;

/** {@code vigil report FOLDER}: rebuilds report.html from a Vigil or MVT result folder. */
class ReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void rebuildsTheReportOfAVigilFolder() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("results"));
        new OutputWriter().write(HostileRun.run(), dir);
        byte[] inRun = Files.readAllBytes(dir.resolve("report.html"));
        Files.delete(dir.resolve("report.html"));
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("report", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Traces of known spyware were found.").contains("Report written to " + dir.resolve("report.html"));
        String page = Files.readString(dir.resolve("report.html"));
        assertThat(page).contains("Made by Vigil " + VigilVersion.get());
        // the same page as the check wrote, but for the version of Vigil that made it
        String v = VigilVersion.get();
        assertThat(page.replace("content=\"Vigil " + v + "\"", "content=\"Vigil 0.1.0-test\"")
                .replace("Made by Vigil " + v + ".", "Made by Vigil 0.1.0-test."))
                .isEqualTo(new String(inRun, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void writesWhereAsked() throws Exception {
        Path dir = FolderReaderTestAccess.mvtFolder(Files.createDirectory(tmp.resolve("mvt")));
        Path out = tmp.resolve("pages/case-12.html");
        CliRunner.Result r = new CliRunner(tmp.resolve("home")).run("report", "-o", out.toString(), dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("broken.json: ");
        assertThat(Files.readString(out)).contains("it was written by MVT").contains("data-outcome=\"KNOWN_SPYWARE\"");
        assertThat(dir.resolve("report.html")).doesNotExist();
    }

    @Test
    void refusesWhatIsNotAResultFolder() throws Exception {
        CliRunner cli = new CliRunner(tmp.resolve("home"));
        CliRunner.Result missing = cli.run("report", tmp.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(missing.err()).contains("nope: no such folder");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        CliRunner.Result notResults = cli.run("report", empty.toString());
        assertThat(notResults.exitCode()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
        assertThat(notResults.err()).contains("not a results folder");
        assertThat(empty.resolve("report.html")).doesNotExist();
    }
}
