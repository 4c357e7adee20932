package org.vigil.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vigil.core.model.Alert;
import org.vigil.core.model.IndicatorFileInfo;
import org.vigil.core.model.IndicatorRef;
import org.vigil.core.model.InputHash;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleStatus;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ios.IosReleases;
import org.vigil.report.folder.AlertSummary;
import org.vigil.report.folder.DayCounts;
import org.vigil.report.folder.FolderReader;
import org.vigil.report.folder.ModuleCoverage;
import org.vigil.report.folder.ResultFolder;
import org.vigil.report.folder.RunDescription;
import org.vigil.report.folder.TimelineDigest;

/**
 * Builds {@code report.html}: one self-contained page for the person whose phone was checked and
 * for the analyst helping them. It holds the verdict ({@link Verdict}), what it means and where to
 * get help, the alerts with their evidence and an explanation per module or indicator type, a
 * timeline picture ({@link TimelineChart}) and a filterable table, the coverage of every module,
 * and the device, acquisition and indicator details.
 *
 * <p>The page loads nothing: CSS, SVG and one small script are inline; a Content-Security-Policy
 * allows the style and the script only by their SHA-256 hashes and forbids every other load. All
 * text from the result folder is escaped ({@link Html}); no device text is ever put inside the
 * script. The same folder gives the same bytes.
 */
public final class HtmlReport {
    /** The report's file name in a result folder. */
    public static final String FILE_NAME = "report.html";
    static final int MAX_FIELDS = 40;
    static final int MAX_VALUE = 2_000;
    static final int MAX_CELL = 1_000;
    static final int MAX_LISTED = 50;

    private static final String CSS = resource("report.css");
    private static final String SCRIPT = resource("filter.js");

    private final Messages msg;
    private final String generatorVersion;
    private final IosReleases releases;

    /** A report in {@code msg}'s language, stating that Vigil {@code generatorVersion} made it. */
    public HtmlReport(Messages msg, String generatorVersion) {
        this(msg, generatorVersion, IosReleases.bundled());
    }

    HtmlReport(Messages msg, String generatorVersion, IosReleases releases) {
        this.msg = msg;
        this.generatorVersion = generatorVersion == null ? "" : generatorVersion;
        this.releases = releases;
    }

    /**
     * Reads the result folder {@code dir} and writes its report to {@code file}.
     */
    public Path write(Path dir, Path file) throws IOException {
        return write(dir, null, file);
    }

    /**
     * Reads the result folder {@code dir}, with {@code timeline} as its timeline.csv's digest
     * (null: read the file), and writes its report to {@code file}.
     */
    public Path write(Path dir, TimelineDigest timeline, Path file) throws IOException {
        ResultFolder folder = new FolderReader().read(dir, timeline);
        return write(folder, file);
    }

    /** Writes the report of {@code folder} to {@code file}. */
    public Path write(ResultFolder folder, Path file) throws IOException {
        Files.write(file, render(folder).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource org/vigil/report/html/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CSP source of an inline block: {@code 'sha256-<base64>'}. */
    static String hash(String content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(d) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Content-Security-Policy of the page. */
    static String csp() {
        return "default-src 'none'; style-src " + hash(CSS) + "; script-src " + hash(SCRIPT)
                + "; img-src data:; base-uri 'none'; form-action 'none'";
    }

    /** The page, as a string. */
    public String render(ResultFolder f) {
        Verdict v = Verdict.of(f);
        StringBuilder sb = new StringBuilder(64 * 1024);
        RunDescription run = f.run();
        sb.append("<!DOCTYPE html>\n<html lang=\"").append(e(msg.get("page.lang"))).append("\">\n<head>\n")
                .append("<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(e(csp())).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<meta name=\"generator\" content=\"Vigil ").append(e(generatorVersion)).append("\">\n")
                .append("<title>").append(e(msg.get("page.title"))).append("</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        header(sb, run);
        sb.append("<main>\n");
        verdict(sb, f, v);
        meaning(sb);
        alerts(sb, f);
        timeline(sb, f);
        coverage(sb, f);
        device(sb, run);
        sb.append("</main>\n<footer><p>").append(e(msg.get("page.checkedWith", run.tool(),
                orUnknown(run.toolVersion()), orUnknown(run.date())))).append(' ')
                .append(e(msg.get("page.generated", generatorVersion))).append("</p></footer>\n");
        sb.append("<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static String e(String s) {
        return Html.escape(s);
    }

    private String orUnknown(String s) {
        return s == null || s.isBlank() ? msg.get("page.unknown") : s;
    }

    // ---------------------------------------------------------------- header

    private void header(StringBuilder sb, RunDescription run) {
        String model = model(run.device());
        String date = orUnknown(run.date().length() >= 16 ? run.date().substring(0, 16) : run.date());
        String sub = model.isEmpty() ? msg.get("page.subtitle.nodevice", date) : msg.get("page.subtitle.device", model, date);
        sb.append("<header class=\"top\"><div class=\"inner\"><h1>").append(e(msg.get("page.title"))).append("</h1><p>")
                .append(e(sub)).append("</p></div><nav class=\"toc\">");
        for (String[] n : new String[][] {{"verdict", "nav.verdict"}, {"alerts", "nav.alerts"},
                {"timeline", "nav.timeline"}, {"coverage", "nav.coverage"}, {"device", "nav.device"}}) {
            sb.append("<a href=\"#").append(n[0]).append("\">").append(e(msg.get(n[1]))).append("</a>");
        }
        sb.append("</nav></header>\n");
    }

    private String model(Map<String, String> d) {
        String model = d.getOrDefault("Model", "");
        if (model.isEmpty() && d.containsKey("Product Type")) {
            model = releases.modelDescription(d.get("Product Type")).orElse(d.get("Product Type"));
        }
        String maker = d.getOrDefault("Manufacturer", "");
        if (!maker.isEmpty() && !model.toLowerCase(Locale.ROOT).startsWith(maker.toLowerCase(Locale.ROOT))) {
            model = (maker + " " + model).strip();
        }
        return model;
    }

    // ---------------------------------------------------------------- verdict

    private void verdict(StringBuilder sb, ResultFolder f, Verdict v) {
        String cls = switch (v.outcome()) {
            case KNOWN_SPYWARE -> "v-spyware";
            case SUSPICIOUS -> "v-suspicious";
            case INCOMPLETE -> "v-incomplete";
            case NOTHING_FOUND -> "v-nothing";
        };
        sb.append("<section id=\"verdict\" class=\"verdict ").append(cls).append("\" data-outcome=\"")
                .append(v.outcome().name()).append("\">\n");
        switch (v.outcome()) {
            case KNOWN_SPYWARE -> {
                title(sb, "verdict.spyware.title");
                para(sb, msg.get("verdict.spyware.text", f.alerts().strongMatches()));
                para(sb, msg.get("verdict.spyware.collections"));
                countList(sb, v.collections());
            }
            case SUSPICIOUS -> {
                title(sb, "verdict.suspicious.title");
                para(sb, msg.get("verdict.suspicious.text", v.strongAlerts()));
                if (!v.heuristicModules().isEmpty()) {
                    para(sb, msg.get("verdict.suspicious.modules"));
                    sb.append("<ul class=\"tight\">");
                    for (String m : v.heuristicModules()) {
                        sb.append("<li><code>").append(e(m)).append("</code> - ").append(e(moduleAbout(m))).append("</li>");
                    }
                    sb.append("</ul>\n");
                }
                if (!v.weakCollections().isEmpty()) {
                    para(sb, msg.get("verdict.suspicious.weak", String.join(", ", v.weakCollections().keySet())));
                }
            }
            case INCOMPLETE -> {
                title(sb, "verdict.incomplete.title");
                para(sb, msg.get("verdict.incomplete.text"));
            }
            case NOTHING_FOUND -> {
                title(sb, "verdict.nothing.title");
                para(sb, msg.get("verdict.nothing.text"));
            }
        }
        if (v.finding() == Verdict.Finding.NOTHING_FOUND && v.notes() > 0) {
            para(sb, msg.plural("verdict.notes", v.notes()));
        }
        if (!v.gaps().isEmpty()) {
            sb.append("<div class=\"gaps\"><h3>").append(e(msg.get("verdict.gaps.title"))).append("</h3><ul class=\"tight\">");
            int n = 0;
            for (Verdict.Gap g : v.gaps()) {
                if (n++ == MAX_LISTED) {
                    sb.append("<li>").append(e(msg.get("verdict.gap.moreNotShown", v.gaps().size() - MAX_LISTED))).append("</li>");
                    break;
                }
                sb.append("<li>").append(e(gapText(g))).append("</li>");
            }
            sb.append("</ul></div>\n");
        }
        if (!v.notPresent().isEmpty()) {
            sb.append("<details><summary>").append(e(msg.plural("verdict.notPresent", v.notPresent().size())))
                    .append("</summary><ul class=\"tight\">");
            for (ModuleCoverage m : v.notPresent()) {
                sb.append("<li><code>").append(e(m.module())).append("</code> - ").append(e(moduleAbout(m.module())));
                if (!m.reason().isEmpty()) {
                    sb.append(" <span class=\"muted small\">(").append(e(cut(m.reason(), MAX_CELL))).append(")</span>");
                }
                sb.append("</li>");
            }
            sb.append("</ul></details>\n");
        }
        summary(sb, f);
        sb.append("</section>\n");
    }

    private String gapText(Verdict.Gap g) {
        String reason = cut(g.reason(), MAX_CELL);
        return switch (g.kind()) {
            case UNREADABLE -> msg.get("verdict.gap.unreadable", g.subject() + " (" + noDot(moduleAbout(g.subject())) + ")", reason);
            case FAILED -> msg.get("verdict.gap.failed", g.subject() + " (" + noDot(moduleAbout(g.subject())) + ")", reason);
            case COVERAGE_UNKNOWN -> msg.get("verdict.gap.coverageUnknown", g.subject());
            case NOTHING_CHECKED -> msg.get("verdict.gap.nothingChecked");
            case NO_INDICATORS -> msg.get("verdict.gap.noIndicators");
            case RESULTS_UNREADABLE -> msg.get("verdict.gap.results", reason);
        };
    }

    private static String noDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private void title(StringBuilder sb, String key) {
        sb.append("<h2>").append(e(msg.get(key))).append("</h2>\n");
    }

    private static void para(StringBuilder sb, String text) {
        sb.append("<p>").append(e(text)).append("</p>\n");
    }

    private void countList(StringBuilder sb, Map<String, Long> names) {
        sb.append("<ul class=\"tight collections\">");
        for (Map.Entry<String, Long> c : names.entrySet()) {
            sb.append("<li><b>").append(e(c.getKey().isEmpty() ? msg.get("page.unknown") : c.getKey())).append("</b> <span class=\"muted\">(")
                    .append(e(msg.plural("alerts.count", c.getValue()))).append(")</span></li>");
        }
        sb.append("</ul>\n");
    }

    private void summary(StringBuilder sb, ResultFolder f) {
        sb.append("<h3>").append(e(msg.get("summary.alerts"))).append("</h3><div class=\"pills\" id=\"alert-counts\" data-total=\"")
                .append(f.alerts().total()).append("\">");
        List<Level> levels = new ArrayList<>(List.of(Level.values()));
        java.util.Collections.reverse(levels);
        for (Level l : levels) {
            long n = f.alerts().counts().get(l);
            sb.append("<span class=\"pill lvl-").append(lower(l)).append("\" title=\"")
                    .append(e(msg.get("level.explain." + l.name()))).append("\"><span class=\"badge\">")
                    .append(e(msg.get("level." + l.name()))).append("</span><b>").append(n).append("</b></span>");
        }
        sb.append("</div>\n");
        if (f.coverageKnown()) {
            sb.append("<h3>").append(e(msg.get("summary.modules"))).append("</h3><div class=\"pills\">");
            for (ModuleStatus s : ModuleStatus.values()) {
                long n = f.coverage().stream().filter(m -> m.status() == s).count();
                sb.append("<span class=\"pill\"><span class=\"st st-").append(s.jsonName()).append("\">")
                        .append(e(msg.get("status." + s.jsonName()))).append("</span><b>").append(n).append("</b></span>");
            }
            sb.append("</div>\n");
        }
    }

    private static String lower(Level l) {
        return l.name().toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- meaning and help

    private void meaning(StringBuilder sb) {
        sb.append("<section id=\"meaning\" class=\"meaning\">\n");
        title(sb, "meaning.heading");
        sb.append("<ul class=\"tight\">");
        for (int i = 1; msg.has("meaning.limits." + i); i++) {
            sb.append("<li>").append(e(msg.get("meaning.limits." + i))).append("</li>");
        }
        sb.append("</ul>\n<h3>").append(e(msg.get("meaning.help.heading"))).append("</h3>\n");
        para(sb, msg.get("meaning.help.text"));
        sb.append("<ul class=\"tight help\">");
        for (String org : List.of("amnesty", "accessnow")) {
            String url = msg.get("meaning.help." + org + ".url");
            if (url.startsWith("https://")) {
                sb.append("<li><a href=\"").append(e(url)).append("\" rel=\"noopener noreferrer\">")
                        .append(e(msg.get("meaning.help." + org))).append("</a> <span class=\"muted small\">")
                        .append(e(url)).append("</span></li>");
            }
        }
        sb.append("</ul>\n</section>\n");
    }

    // ---------------------------------------------------------------- alerts

    private void alerts(StringBuilder sb, ResultFolder f) {
        AlertSummary a = f.alerts();
        sb.append("<section id=\"alerts\">\n<h2>").append(e(msg.get("alerts.heading"))).append(" <span class=\"muted\">(")
                .append(e(msg.plural("alerts.count", a.total()))).append(")</span></h2>\n");
        List<Alert> shown = a.shown();
        if (shown.isEmpty()) {
            para(sb, msg.get(a.total() == 0 ? "alerts.none" : "alerts.none"));
        }
        if (a.notShown() > 0) {
            para(sb, msg.get("alerts.notShown", shown.size(), a.notShown()));
        }
        for (Alert alert : shown) {
            alert(sb, alert);
        }
        sb.append("</section>\n");
    }

    private void alert(StringBuilder sb, Alert a) {
        String lvl = lower(a.level());
        sb.append("<article class=\"alert lvl-").append(lvl).append("\" data-level=\"").append(a.level().name())
                .append("\">\n<div class=\"head\"><span class=\"badge\">").append(e(msg.get("level." + a.level().name())))
                .append("</span><span class=\"msg\">");
        String message = a.message().isBlank() ? moduleAbout(a.module()) : a.message();
        sb.append(e(cut(message, MAX_VALUE))).append("</span></div>\n<dl>");
        sb.append("<dt>").append(e(msg.get("alert.module"))).append("</dt><dd><code>").append(e(a.module()))
                .append("</code> - ").append(e(moduleAbout(a.module()))).append("</dd>");
        sb.append("<dt>").append(e(msg.get("alert.time"))).append("</dt><dd>")
                .append(e(a.eventTime().isEmpty() ? msg.get("alert.time.unknown") : a.eventTime())).append("</dd>");
        IndicatorRef ref = a.matchedIndicator();
        if (ref != null) {
            sb.append("<dt>").append(e(msg.get("alert.indicator"))).append("</dt><dd><code>")
                    .append(e(cut(ref.value(), MAX_VALUE))).append("</code> <span class=\"muted\">(")
                    .append(e(msg.getOr("ioc.type." + ref.type(), "ioc.type.default"))).append(")</span></dd>");
            sb.append("<dt>").append(e(msg.get("alert.indicator.collection"))).append("</dt><dd><b>")
                    .append(e(orUnknown(AlertSummary.collectionOf(ref)))).append("</b>");
            if (ref.stix2FileName() != null && !ref.stix2FileName().isEmpty()) {
                sb.append(" <span class=\"muted small\">").append(e(msg.get("alert.indicator.file"))).append(": ")
                        .append(e(ref.stix2FileName())).append("</span>");
            }
            sb.append("</dd>");
        }
        sb.append("</dl>\n<div class=\"why\"><b>").append(e(msg.get("alert.why"))).append(":</b> ")
                .append(e(explanation(a))).append("</div>\n");
        sb.append("<details><summary>")
                .append(e(msg.get("alert.evidence"))).append("</summary>");
        evidence(sb, a.event() instanceof JsonNode n ? n : null);
        sb.append("</details>\n</article>\n");
    }

    /** Why an alert matters: per indicator type for matches, per module for heuristics. */
    String explanation(Alert a) {
        if (a.matchedIndicator() != null) {
            return msg.getOr("explain.ioc." + a.matchedIndicator().type(), "explain.ioc.default");
        }
        return msg.getOr("explain.heuristic." + a.module(), "explain.heuristic.default");
    }

    private String moduleAbout(String slug) {
        return msg.getOr("module." + slug, "module.default", slug);
    }

    private void evidence(StringBuilder sb, JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("<p class=\"muted\">").append(e(msg.get("alert.evidence.none"))).append("</p>");
            return;
        }
        sb.append("<table class=\"kv\"><tbody>");
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            int i = 0;
            int size = n.size();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (i++ == MAX_FIELDS) {
                    sb.append("<tr><td colspan=\"2\" class=\"muted\">").append(e(msg.get("alert.evidence.more", size - MAX_FIELDS)))
                            .append("</td></tr>");
                    break;
                }
                sb.append("<tr><th>").append(e(cut(f.getKey(), 200))).append("</th><td class=\"mono\">");
                value(sb, f.getValue());
                sb.append("</td></tr>");
            }
        } else {
            sb.append("<tr><td class=\"mono\">");
            value(sb, n);
            sb.append("</td></tr>");
        }
        sb.append("</tbody></table>");
    }

    private void value(StringBuilder sb, JsonNode v) {
        String s = v.isValueNode() ? v.asText() : v.toString();
        sb.append(e(cut(s, MAX_VALUE)));
        if (s.length() > MAX_VALUE) {
            sb.append(" <span class=\"muted\">").append(e(msg.get("alert.evidence.cut", s.length() - MAX_VALUE))).append("</span>");
        }
    }

    private static String cut(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : Html.cut(s, max) + "\u2026";
    }

    // ---------------------------------------------------------------- timeline

    /** One row of the timeline table. */
    private record Row(String time, String moduleKey, String module, String level, String event, String description,
            boolean alert) {}

    /** The filter key of a module: its slug or plugin name, lower case, letters and digits only. */
    static String moduleKey(String name) {
        StringBuilder k = new StringBuilder(name.length());
        for (int i = 0; i < name.length() && k.length() < 80; i++) {
            char c = Character.toLowerCase(name.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                k.append(c);
            }
        }
        return k.toString();
    }

    private void timeline(StringBuilder sb, ResultFolder f) {
        TimelineDigest t = f.timeline();
        sb.append("<section id=\"timeline\">\n");
        title(sb, "timeline.heading");
        para(sb, msg.get("timeline.intro") + " " + msg.get(t.deviceLocal() ? "timeline.zone.local" : "timeline.zone.utc"));
        List<TimelineChart.Scale> scales = new TimelineChart(msg).scales(t.days(), f.alerts().days(),
                DayCounts.dayOf(f.run().date()));
        if (scales.isEmpty()) {
            para(sb, msg.get("timeline.none"));
        } else {
            sb.append("<div class=\"scales\">");
            for (int i = 0; i < scales.size(); i++) {
                sb.append("<input type=\"radio\" name=\"scale\" id=\"sc-").append(i).append('"').append(i == 0 ? " checked" : "")
                        .append("><label for=\"sc-").append(i).append("\">").append(e(scales.get(i).label())).append("</label>");
            }
            for (int i = 0; i < scales.size(); i++) {
                sb.append("<div class=\"chart c").append(i).append("\">").append(scales.get(i).svg()).append("</div>");
            }
            sb.append("</div>\n<div class=\"legend\"><span><i class=\"l-bar\"></i>").append(e(msg.get("level.event")))
                    .append("</span><span><i class=\"l-alert\"></i>").append(e(msg.get("alerts.heading"))).append("</span></div>\n");
        }
        if (t.untimed() > 0) {
            para(sb, msg.get("timeline.untimed", t.untimed()));
        }
        sb.append("<h3>").append(e(msg.get("timeline.table"))).append("</h3>\n");
        para(sb, msg.get("timeline.table.intro"));
        if (!t.present()) {
            para(sb, msg.get("timeline.table.noTimeline"));
        } else if (t.omitted() > 0) {
            para(sb, msg.get("timeline.table.omitted", t.rows().size(), t.omitted()));
        }
        List<Row> rows = rows(f);
        TreeMap<String, String> modules = new TreeMap<>();
        TreeMap<String, String> labels = new TreeMap<>();
        for (Row r : rows) {
            if (r.alert() || !labels.containsKey(r.moduleKey())) {
                labels.put(r.moduleKey(), r.module());
            }
        }
        labels.forEach((k, label) -> modules.put(label.toLowerCase(Locale.ROOT) + "\u0000" + k, k));
        TreeSet<Level> levels = new TreeSet<>();
        f.alerts().shown().forEach(a -> levels.add(a.level()));
        sb.append("<div id=\"tl-filter\" class=\"filters\" hidden>")
                .append("<label>").append(e(msg.get("timeline.filter.module"))).append("<select id=\"f-module\"><option value=\"\">")
                .append(e(msg.get("timeline.filter.all"))).append("</option>");
        for (String k : modules.values()) {
            sb.append("<option value=\"").append(e(k)).append("\">").append(e(cut(labels.get(k), 80))).append("</option>");
        }
        sb.append("</select></label><label>").append(e(msg.get("timeline.filter.level")))
                .append("<select id=\"f-level\"><option value=\"\">").append(e(msg.get("timeline.filter.all")))
                .append("</option><option value=\"alerts\">").append(e(msg.get("timeline.filter.alerts"))).append("</option>");
        for (Level l : levels.descendingSet()) {
            sb.append("<option value=\"").append(lower(l)).append("\">").append(e(msg.get("level." + l.name()))).append("</option>");
        }
        sb.append("<option value=\"event\">").append(e(msg.get("level.event"))).append("</option></select></label>")
                .append("<label>").append(e(msg.get("timeline.filter.text"))).append("<input id=\"f-text\" type=\"search\"></label>")
                .append("<span class=\"count\"><b id=\"f-count\">").append(rows.size()).append("</b> ")
                .append(e(msg.get("timeline.filter.shown"))).append("</span></div>\n");
        sb.append("<div class=\"ev-table-wrap\"><table id=\"tl-table\" class=\"ev\"><thead><tr><th>")
                .append(e(msg.get("col.time"))).append("</th><th>").append(e(msg.get("col.module"))).append("</th><th>")
                .append(e(msg.get("col.level"))).append("</th><th>").append(e(msg.get("col.event"))).append("</th><th>")
                .append(e(msg.get("col.description"))).append("</th></tr></thead><tbody>\n");
        for (Row r : rows) {
            sb.append("<tr data-m=\"").append(e(r.moduleKey())).append("\" data-l=\"").append(e(r.level())).append('"')
                    .append(r.alert() ? " class=\"lvl-" + e(r.level()) + "\"" : "").append("><td class=\"time\">")
                    .append(e(r.time())).append("</td><td>").append(e(cut(r.module(), 80))).append("</td><td><span class=\"badge lvl-")
                    .append(e(r.level())).append("\">").append(e(msg.get(r.alert() ? "level." + r.level().toUpperCase(Locale.ROOT)
                            : "level.event"))).append("</span></td><td>").append(e(cut(r.event(), 200))).append("</td><td class=\"desc\">")
                    .append(e(cut(r.description(), MAX_CELL))).append("</td></tr>\n");
        }
        sb.append("</tbody></table></div>\n</section>\n");
    }

    private List<Row> rows(ResultFolder f) {
        List<Row> rows = new ArrayList<>();
        for (TimelineEvent ev : f.timeline().rows()) {
            rows.add(new Row(ev.timestamp(), moduleKey(ev.plugin()), ev.plugin(), "event", ev.event(), ev.data(), false));
        }
        for (Alert a : f.alerts().shown()) {
            String desc = a.message();
            if (a.matchedIndicator() != null) {
                desc = desc + " [" + a.matchedIndicator().value() + " - " + AlertSummary.collectionOf(a.matchedIndicator()) + "]";
            }
            rows.add(new Row(a.eventTime(), moduleKey(a.module()), a.module(), lower(a.level()), "alert", desc, true));
        }
        // newest first (undated rows last), alerts before the events of the same time
        rows.sort(Comparator.comparing((Row r) -> r.time().isEmpty()).thenComparing(Row::time, Comparator.reverseOrder())
                .thenComparing(r -> !r.alert()));
        return rows;
    }

    // ---------------------------------------------------------------- coverage

    private void coverage(StringBuilder sb, ResultFolder f) {
        sb.append("<section id=\"coverage\">\n");
        title(sb, "coverage.heading");
        if (f.coverageKnown()) {
            para(sb, msg.get("coverage.intro"));
            sb.append("<table id=\"coverage-table\"><thead><tr><th>").append(e(msg.get("coverage.col.module"))).append("</th><th>")
                    .append(e(msg.get("coverage.col.about"))).append("</th><th>").append(e(msg.get("coverage.col.status")))
                    .append("</th><th class=\"num\">").append(e(msg.get("coverage.col.records"))).append("</th><th class=\"num\">")
                    .append(e(msg.get("coverage.col.alerts"))).append("</th><th>").append(e(msg.get("coverage.col.reason")))
                    .append("</th></tr></thead><tbody>\n");
            for (ModuleCoverage m : f.coverage()) {
                sb.append("<tr data-status=\"").append(m.status().jsonName()).append("\"><td><code>").append(e(m.module()))
                        .append("</code></td><td>").append(e(moduleAbout(m.module()))).append("</td><td><span class=\"st st-")
                        .append(m.status().jsonName()).append("\">").append(e(msg.get("status." + m.status().jsonName())))
                        .append("</span></td><td class=\"num\">").append(m.records()).append("</td><td class=\"num\">")
                        .append(m.alerts()).append("</td><td class=\"desc\">").append(e(cut(m.reason(), MAX_CELL))).append("</td></tr>\n");
            }
            sb.append("</tbody></table>\n");
        } else {
            para(sb, msg.get("coverage.unknown", f.run().tool()));
            sb.append("<table id=\"coverage-table\"><thead><tr><th>").append(e(msg.get("coverage.col.module"))).append("</th><th>")
                    .append(e(msg.get("coverage.col.about"))).append("</th><th class=\"num\">")
                    .append(e(msg.get("coverage.col.records"))).append("</th></tr></thead><tbody>\n");
            for (Map.Entry<String, Long> r : f.resultFiles().entrySet()) {
                sb.append("<tr><td><code>").append(e(r.getKey())).append("</code></td><td>").append(e(moduleAbout(r.getKey())))
                        .append("</td><td class=\"num\">").append(r.getValue() < 0 ? e(msg.get("coverage.unreadableFile"))
                                : Long.toString(r.getValue())).append("</td></tr>\n");
            }
            sb.append("</tbody></table>\n");
        }
        sb.append("</section>\n");
    }

    // ---------------------------------------------------------------- device

    private void device(StringBuilder sb, RunDescription run) {
        Map<String, String> d = run.device();
        sb.append("<section id=\"device\">\n");
        title(sb, "device.heading");
        sb.append("<table class=\"kv\"><tbody>");
        kv(sb, "device.model", model(d));
        kv(sb, "device.os", osText(d));
        patch(d, run.date()).ifPresent(p -> kv(sb, "device.patch", p));
        kv(sb, "device.acquired", d.getOrDefault("Last Backup Date", d.getOrDefault("Acquisition Started", "")));
        kv(sb, "device.kind", run.sourceKind());
        kv(sb, "device.path", run.targetPath());
        kv(sb, "device.checked", run.date());
        kv(sb, "device.tool", (run.tool() + " " + run.toolVersion()).strip());
        kv(sb, "device.command", run.command());
        sb.append("</tbody></table>\n");
        if (d.isEmpty()) {
            para(sb, msg.get("device.none"));
        } else {
            sb.append("<details><summary>").append(e(msg.get("device.properties"))).append("</summary><table class=\"kv\"><tbody>");
            for (Map.Entry<String, String> p : d.entrySet()) {
                sb.append("<tr><th>").append(e(cut(p.getKey(), 200))).append("</th><td class=\"mono\">")
                        .append(e(cut(p.getValue(), MAX_CELL))).append("</td></tr>");
            }
            sb.append("</tbody></table></details>\n");
        }
        sb.append("<h3>").append(e(msg.get("iocs.heading"))).append("</h3>\n");
        if (run.indicatorFiles().isEmpty()) {
            para(sb, msg.get("iocs.none"));
        } else {
            sb.append("<table id=\"ioc-table\"><thead><tr><th>").append(e(msg.get("iocs.col.file"))).append("</th><th>")
                    .append(e(msg.get("iocs.col.date"))).append("</th><th class=\"num\">").append(e(msg.get("iocs.col.count")))
                    .append("</th><th>").append(e(msg.get("iocs.col.collections"))).append("</th><th>")
                    .append(e(msg.get("iocs.col.sha256"))).append("</th></tr></thead><tbody>\n");
            for (IndicatorFileInfo i : run.indicatorFiles()) {
                String cols = String.join(", ", i.collections().size() > MAX_LISTED ? i.collections().subList(0, MAX_LISTED)
                        : i.collections());
                sb.append("<tr><td class=\"mono\">").append(e(cut(i.path(), MAX_CELL))).append("</td><td class=\"time\">")
                        .append(e(i.updated().length() >= 10 ? i.updated().substring(0, 10) : i.updated())).append("</td><td class=\"num\">")
                        .append(i.indicatorCount() < 0 ? e(msg.get("iocs.count.unknown")) : Integer.toString(i.indicatorCount()))
                        .append("</td><td class=\"desc\">").append(e(cut(cols, MAX_CELL))).append("</td><td class=\"mono small\">")
                        .append(e(i.sha256())).append("</td></tr>\n");
            }
            sb.append("</tbody></table>\n");
        }
        sb.append("<h3>").append(e(msg.get("hashes.heading"))).append("</h3>\n");
        if (run.hashes().isEmpty()) {
            para(sb, msg.get("hashes.none"));
        } else {
            sb.append("<details><summary>").append(e(msg.plural("hashes.count", run.hashes().size())))
                    .append("</summary><table class=\"small\"><tbody>");
            for (InputHash h : run.hashes()) {
                sb.append("<tr><td class=\"mono\">").append(e(cut(h.filePath(), MAX_CELL))).append("</td><td class=\"mono\">")
                        .append(e(h.sha256())).append("</td></tr>");
            }
            sb.append("</tbody></table></details>\n");
        }
        sb.append("</section>\n");
    }

    private void kv(StringBuilder sb, String key, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        sb.append("<tr><th>").append(e(msg.get(key))).append("</th><td>").append(e(cut(value, MAX_CELL))).append("</td></tr>");
    }

    /** The OS version and how far behind the latest known release it is (iOS), or the Android version. */
    String osText(Map<String, String> d) {
        String android = d.getOrDefault("Android Version", "");
        if (!android.isEmpty()) {
            return msg.get("device.os.android", android);
        }
        String given = d.getOrDefault("Product Version", "");
        Optional<String> version = releases.resolveVersion(given.isEmpty() ? d.getOrDefault("Build Version", "") : given);
        if (version.isEmpty()) {
            return given;
        }
        String latest = releases.latest().version();
        try {
            TreeSet<String> newer = new TreeSet<>();
            for (IosReleases.Release r : releases.releases()) {
                try {
                    if (IosReleases.compareVersions(r.version(), version.get()) > 0) {
                        newer.add(r.version());
                    }
                } catch (IllegalArgumentException ignored) {
                    // a release list entry that is not a plain version: not counted
                }
            }
            if (newer.isEmpty()) {
                return msg.get("device.os.ios.latest", version.get());
            }
            return msg.plural("device.os.ios.behind", newer.size(), version.get(), latest);
        } catch (IllegalArgumentException e) {
            return msg.get("device.os.ios", version.get());
        }
    }

    /** The Android security patch level and its age at the time of the check. */
    Optional<String> patch(Map<String, String> d, String checkDate) {
        String p = d.getOrDefault("Security Patch", "");
        if (p.isEmpty()) {
            return Optional.empty();
        }
        LocalDate patch = DayCounts.dayOf(p);
        LocalDate check = DayCounts.dayOf(checkDate);
        if (patch == null || check == null || patch.isAfter(check)) {
            return Optional.of(p);
        }
        return Optional.of(msg.get("device.patch.age", p, ChronoUnit.MONTHS.between(patch, check)));
    }
}
