package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.fs.FsFixtures.iocs;
import static org.vigil.modules.ios.fs.FsFixtures.json;
import static org.vigil.modules.ios.fs.FsFixtures.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.ModuleResult;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;

class WebkitModulesTest {
    static final String APPS = "private/var/mobile/Containers/Data/Application/";
    static final String IDB_A = APPS + "A/Library/WebKit/WebsiteData/IndexedDB";
    static final String IDB_B = APPS + "B/Library/WebKit/WebsiteData/IndexedDB";
    static final String LOCAL = APPS + "A/Library/WebKit/WebsiteData/LocalStorage";
    static final String SVS = APPS + "C/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData";
    static final long MTIME = 1_600_000_000L; // 2020-09-13 12:26:40 UTC

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static List<WebkitBase.Entry> records(ModuleResult r) {
        return (List<WebkitBase.Entry>) r.results();
    }

    /**
     * App A: an IndexedDB folder (directory entry with its time) holding two origins, a
     * non-origin entry and a nested origin; app B: an IndexedDB folder the dump lists only
     * through its child (time unknown); a look-alike folder one level too deep.
     */
    private FsFixtures.Dump dump() throws Exception {
        FsFixtures.Dump d = new FsFixtures.Dump(tmp);
        d.dir(IDB_A, MTIME)
                .dir(IDB_A + "/https_www.example.org_0", MTIME + 50)
                .file(IDB_A + "/http_evil.example.net_0.sqlite3", new byte[] {1})
                .dir(IDB_A + "/v1", MTIME)
                .dir(IDB_A + "/https_www.example.org_0/https_nested.example.com_0", MTIME)
                .file(IDB_B + "/https_maps.example.com_0.db", new byte[] {1})
                .dir(APPS + "X/Y/Library/WebKit/WebsiteData/IndexedDB/https_too.deep.example_0", MTIME);
        return d;
    }

    @Test
    void indexedDbOriginsOfEveryAppFolder() throws Exception {
        ModuleResult r = run(new WebkitIndexedDB(), dump().source);
        assertThat(records(r)).containsExactly(
                new WebkitBase.Entry(IDB_A, "http://evil.example.net", "2020-09-13 12:26:40.000000"),
                new WebkitBase.Entry(IDB_A, "https://www.example.org", "2020-09-13 12:26:40.000000"),
                new WebkitBase.Entry(IDB_B, "https://maps.example.com", null));
        JsonNode first = json(records(r).get(0));
        assertThat(first.fieldNames()).toIterable().containsExactly("folder", "url", "isodate");
        // the folder's time, as MVT; no row for the folder whose time the dump does not record
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2020-09-13 12:26:40.000000", "WebkitIndexedDB", "webkit_indexeddb",
                        "IndexedDB folder " + IDB_A + " containing file for URL http://evil.example.net"),
                new TimelineEvent("2020-09-13 12:26:40.000000", "WebkitIndexedDB", "webkit_indexeddb",
                        "IndexedDB folder " + IDB_A + " containing file for URL https://www.example.org"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void originMatchingAnIndicatorIsCritical() throws Exception {
        ModuleResult r = run(new WebkitIndexedDB(), dump().source, iocs(IndicatorType.DOMAINS, "evil.example.net"));
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.level()).isEqualTo(Level.CRITICAL);
            assertThat(a.module()).isEqualTo("webkit_indexeddb");
            assertThat(a.message()).contains("evil.example.net");
            assertThat(a.matchedIndicator().value()).isEqualTo("evil.example.net");
            assertThat(a.eventTime()).isEqualTo("2020-09-13 12:26:40.000000");
        });
        assertThat(run(new WebkitIndexedDB(), dump().source, iocs(IndicatorType.DOMAINS, "nested.example.com"))
                .alerts()).isEmpty();
    }

    @Test
    void recheckOfWrittenResults() throws Exception {
        WebkitIndexedDB m = new WebkitIndexedDB();
        JsonNode written = new ObjectMapper().readTree(FsFixtures.JSON.writeValueAsString(run(m, dump().source)
                .results()));
        Indicators iocs = iocs(IndicatorType.DOMAINS, "example.com");
        List<Alert> alerts = m.recheck(written, iocs);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.eventTime()).isEmpty();
            assertThat(json(a.event()).get("url").asText()).isEqualTo("https://maps.example.com");
        });
        assertThat(m.recheck(written, Indicators.empty())).isEmpty();
    }

    @Test
    void localStorageAndSafariViewService() throws Exception {
        FsFixtures.Dump d = new FsFixtures.Dump(tmp)
                .dir(LOCAL, MTIME).file(LOCAL + "/https_evil.example.net_0.localstorage", new byte[] {1})
                .file(LOCAL + "/StorageTracker.db", new byte[] {1})
                .dir(SVS, MTIME).dir(SVS + "/https_evil.example.net_0", MTIME).dir(SVS + "/ResourceLoadStatistics", MTIME);
        ModuleResult local = run(new WebkitLocalStorage(), d.source, iocs(IndicatorType.DOMAINS, "evil.example.net"));
        assertThat(records(local)).containsExactly(
                new WebkitBase.Entry(LOCAL, "https://evil.example.net", "2020-09-13 12:26:40.000000"));
        assertThat(local.timeline()).containsExactly(new TimelineEvent("2020-09-13 12:26:40.000000",
                "WebkitLocalStorage", "webkit_local_storage", "WebKit Local Storage folder " + LOCAL
                        + " containing file for URL https://evil.example.net"));
        assertThat(local.alerts()).singleElement().satisfies(a -> assertThat(a.module()).isEqualTo("webkit_local_storage"));

        ModuleResult svs = run(new WebkitSafariViewService(), d.source, iocs(IndicatorType.DOMAINS, "evil.example.net"));
        assertThat(records(svs)).containsExactly(
                new WebkitBase.Entry(SVS, "https://evil.example.net", "2020-09-13 12:26:40.000000"));
        assertThat(svs.timeline()).isEmpty(); // MVT gives this module no timeline
        assertThat(svs.alerts()).singleElement()
                .satisfies(a -> assertThat(a.module()).isEqualTo("webkit_safari_view_service"));
    }

    @Test
    void emptyFolderIsCheckedAbsentFolderIsNotPresent() throws Exception {
        FsFixtures.Dump d = new FsFixtures.Dump(tmp).dir(LOCAL, MTIME);
        assertThat(records(run(new WebkitLocalStorage(), d.source))).isEmpty();
        assertThatThrownBy(() -> run(new WebkitIndexedDB(), d.source)).isInstanceOf(ArtifactNotFoundException.class);
        // a file where the folder should be is not a folder
        FsFixtures.Dump f = new FsFixtures.Dump(tmp.resolve("f")).file(IDB_A, new byte[] {1});
        assertThatThrownBy(() -> run(new WebkitIndexedDB(), f.source)).isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void originNames() {
        assertThat(WebkitBase.url("https_www.example.org_0")).isEqualTo("https://www.example.org");
        assertThat(WebkitBase.url("http_example.org_8080.localstorage")).isEqualTo("http://example.org");
        assertThat(WebkitBase.url("httpfoo")).isEqualTo("httpfoo");
        assertThat(WebkitBase.url("v1")).isNull();
        assertThat(WebkitBase.url("Https_x")).isNull();
    }
}
