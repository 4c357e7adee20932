package org.vigil.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.report.OutputWriter;

/** report.html as a check writes it, from a run full of hostile strings. */
class HtmlReportTest {
    private static final Set<String> TAGS = Set.of("html", "head", "meta", "title", "style", "body", "header", "div",
            "h1", "h2", "h3", "p", "nav", "a", "main", "section", "ul", "li", "b", "span", "details", "summary", "code",
            "article", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "i", "input", "label", "svg",
            "line", "text", "g", "rect", "path", "select", "option", "footer", "script");

    @TempDir
    Path tmp;

    private String page() throws Exception {
        new OutputWriter().write(HostileRun.run(), tmp);
        return Files.readString(tmp.resolve("report.html"), StandardCharsets.UTF_8);
    }

    @Test
    void hostileDeviceTextIsOnlyText() throws Exception {
        String html = page();
        Set<String> tags = new TreeSet<>();
        Matcher m = Pattern.compile("<([a-zA-Z][a-zA-Z0-9]*)").matcher(html);
        while (m.find()) {
            tags.add(m.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        assertThat(tags).isSubsetOf(TAGS).doesNotContain("img", "iframe", "textarea");
        assertThat(count(html, "<script")).isEqualTo(1);
        assertThat(count(html, "<svg")).isEqualTo(count(html, "class=\"chart-svg\""));
        assertThat(html).doesNotContain("\u0000").doesNotContain("\u2028").doesNotContain("\u2029")
                .doesNotContain("href=\"javascript");
        // no event handler inside any real tag
        assertThat(Pattern.compile("<[a-zA-Z][^<>]*\\son[a-z]+\\s*=").matcher(html).find()).isFalse();
        // the payloads are there, as text
        assertThat(html).contains("&lt;script&gt;window.__pwned=1;document.title=&#39;PWNED&#39;&lt;/script&gt;")
                .contains("&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;")
                .contains("nul\uFFFDbyte").contains("line&#x2028;separator&#x2029;para");
        // no attribute is ever opened by device text: every attribute value is quoted and escaped
        String markup = html.replace(between(html, "<script>", "</script>"), "");
        Matcher attrs = Pattern.compile("<[a-z0-9]+(?:\\s+[a-zA-Z0-9-]+(?:=\"[^\"<>]*\")?)*\\s*/?>").matcher(markup);
        int tagsSeen = 0;
        while (attrs.find()) {
            tagsSeen++;
        }
        assertThat(tagsSeen).isEqualTo(count(markup, "<") - count(markup, "</") - count(markup, "<!"));
    }

    @Test
    void contentSecurityPolicyAllowsOnlyTheInlineBlocksByHash() throws Exception {
        String html = page();
        Matcher csp = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]+)\">").matcher(html);
        assertThat(csp.find()).isTrue();
        String policy = csp.group(1).replace("&#39;", "'");
        assertThat(policy).startsWith("default-src 'none'; style-src 'sha256-").contains("; script-src 'sha256-")
                .contains("img-src data:").doesNotContain("unsafe").doesNotContain("http");
        String style = between(html, "<style>", "</style>");
        String script = between(html, "<script>", "</script>");
        assertThat(policy).contains("style-src " + HtmlReport.hash(style) + ";")
                .contains("script-src " + HtmlReport.hash(script) + ";");
        assertThat(html.indexOf("Content-Security-Policy")).isLessThan(html.indexOf("<style>"));
        assertThat(html).doesNotContain("src=\"http").doesNotContain("url(").doesNotContain("@import");
        assertThat(script).doesNotContain("pwned").doesNotContain("Alice");
    }

    @Test
    void showsVerdictAlertsCoverageAndDevice() throws Exception {
        String html = page();
        assertThat(html).contains("data-outcome=\"KNOWN_SPYWARE\"").contains("Traces of known spyware were found")
                .contains("id=\"alert-counts\" data-total=\"2\"")
                .contains("Evil&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;")
                .contains("What could not be checked")
                .contains("Could not be read: tcc (Privacy permissions given to apps). Reason: TCC.db: not an SQLite database")
                .contains("1 kind of data was not in this acquisition")
                .contains("https://securitylab.amnesty.org/get-help/").contains("https://www.accessnow.org/help/")
                .contains("iPhone 13 Pro").contains("iOS 16.6: ").contains("newer versions exist")
                .contains("2024-01-02").contains("<tr data-status=\"unreadable\">")
                .contains("Checked with Vigil 0.1.0-test on 2024-03-07 10:00:00.000000.");
        assertThat(count(html, "<article class=\"alert")).isEqualTo(2);
        assertThat(count(html, "<tr data-m=")).isEqualTo(41 + 2);
        assertThat(html).contains("data-m=\"safarihistory\"");
    }

    @Test
    void sameFolderSameBytesAndTheCommandGivesTheSamePage() throws Exception {
        String html = page();
        Path again = tmp.resolve("again.html");
        new HtmlReport(Messages.english(), "0.1.0-test").write(tmp, again);
        assertThat(Files.readString(again, StandardCharsets.UTF_8)).isEqualTo(html);
        Path other = Files.createDirectory(tmp.resolve("other"));
        new OutputWriter().write(HostileRun.run(), other);
        assertThat(Files.readAllBytes(other.resolve("report.html"))).isEqualTo(html.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anMvtFolderSaysCoverageIsUnknown() throws Exception {
        org.vigil.report.folder.FolderReaderTestAccess.mvtFolder(tmp);
        Path out = tmp.resolve("report.html");
        new HtmlReport(Messages.english(), "9.9").write(tmp, out);
        String html = Files.readString(out);
        assertThat(html).contains("data-outcome=\"KNOWN_SPYWARE\"")
                .contains("NSO Group Pegasus Indicators of Compromise")
                .contains("This result folder does not say which data was checked (it was written by MVT")
                .contains("Checked with MVT 2.6.1 on 2025-05-06 07:08:09.123456.")
                .contains("iPhone 7").contains("iOS 14.3")
                .contains("&lt;b&gt;Bob&lt;/b&gt;")
                .contains("broken.json: ")
                .contains("unknown");
        assertThat(html).doesNotContain("<b>Bob</b>");
    }

    private static String between(String s, String a, String b) {
        int i = s.indexOf(a) + a.length();
        return s.substring(i, s.indexOf(b, i));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
