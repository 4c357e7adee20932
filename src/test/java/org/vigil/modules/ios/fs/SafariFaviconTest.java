package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.fs.FsFixtures.insert;
import static org.vigil.modules.ios.fs.FsFixtures.iocs;
import static org.vigil.modules.ios.fs.FsFixtures.json;
import static org.vigil.modules.ios.fs.FsFixtures.run;
import static org.vigil.modules.ios.fs.FsFixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;

class SafariFaviconTest {
    static final String APP_DB = "private/var/mobile/Containers/Data/Application/B1/Library/Image Cache/Favicons/Favicons.db";

    @TempDir
    Path tmp;

    private final SafariFavicon module = new SafariFavicon();

    private static Path favicons(FsFixtures.Dump dump, String rel, boolean rejected) throws Exception {
        Path db = sqlite(dump.path(rel), "CREATE TABLE page_url (id INTEGER PRIMARY KEY, uuid TEXT, url TEXT)",
                "CREATE TABLE icon_info (id INTEGER PRIMARY KEY, uuid TEXT, url TEXT, timestamp REAL, width INTEGER,"
                        + " height INTEGER)");
        if (rejected) {
            sqlite(db, "CREATE TABLE rejected_resources (page_url TEXT, icon_url TEXT, timestamp REAL)");
        }
        dump.file(rel);
        return db;
    }

    private FsFixtures.Dump dump() throws Exception {
        return dump(tmp);
    }

    private static FsFixtures.Dump dump(Path root) throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(root);
        Path main = favicons(dump, SafariFavicon.PATH, true);
        insert(main, "INSERT INTO page_url (uuid, url) VALUES (?, ?)", new Object[] {"u1", "https://news.example.org/"},
                new Object[] {"u2", "https://shop.example.com/item"});
        insert(main, "INSERT INTO icon_info (uuid, url, timestamp) VALUES (?, ?, ?)",
                new Object[] {"u1", "https://news.example.org/favicon.ico", 650000000.0},
                new Object[] {"u2", "https://cdn.evil.example.net/i.png", 640000000.0});
        insert(main, "INSERT INTO rejected_resources VALUES (?, ?, ?)",
                new Object[] {"https://a.example.org/", "https://a.example.org/x.ico", 660000000.0});
        Path app = favicons(dump, APP_DB, false);
        insert(app, "INSERT INTO page_url (uuid, url) VALUES (?, ?)", new Object[] {"z", "https://blog.example.org/"});
        insert(app, "INSERT INTO icon_info (uuid, url, timestamp) VALUES (?, ?, ?)",
                new Object[] {"z", "https://blog.example.org/f.ico", 645000000.0});
        return dump;
    }

    @SuppressWarnings("unchecked")
    private static List<SafariFavicon.Favicon> records(ModuleResult r) {
        return (List<SafariFavicon.Favicon>) r.results();
    }

    @Test
    void validAndRejectedIconsOfEveryDatabaseSortedByDate() throws Exception {
        ModuleResult r = run(module, dump().source);
        List<SafariFavicon.Favicon> rec = records(r);
        assertThat(rec).extracting(SafariFavicon.Favicon::url).containsExactly("https://shop.example.com/item",
                "https://blog.example.org/", "https://news.example.org/", "https://a.example.org/");
        assertThat(rec.get(0)).isEqualTo(new SafariFavicon.Favicon("https://shop.example.com/item",
                "https://cdn.evil.example.net/i.png", 640000000.0, "2021-04-13 09:46:40.000000", "valid",
                SafariFavicon.PATH));
        assertThat(rec.get(1).safariFaviconDbPath()).isEqualTo(APP_DB);
        assertThat(rec.get(3).type()).isEqualTo("rejected");
        JsonNode first = json(rec.get(0));
        assertThat(first.fieldNames()).toIterable().containsExactly("url", "icon_url", "timestamp", "isodate", "type",
                "safari_favicon_db_path");
        assertThat(r.timeline()).hasSize(4).contains(new TimelineEvent("2021-04-13 09:46:40.000000", "SafariFavicon",
                "safari_favicon", "Safari favicon from https://shop.example.com/item with icon URL"
                        + " https://cdn.evil.example.net/i.png (valid)"));
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void iconUrlIsCheckedWhenThePageUrlIsNot() throws Exception {
        ModuleResult r = run(module, dump().source, iocs(IndicatorType.DOMAINS, "evil.example.net"));
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.level()).isEqualTo(Level.CRITICAL);
            assertThat(a.module()).isEqualTo("safari_favicon");
            assertThat(a.message()).contains("evil.example.net");
            assertThat(a.eventTime()).isEqualTo("2021-04-13 09:46:40.000000");
        });
        assertThat(run(module, dump(tmp.resolve("b")).source, iocs(IndicatorType.DOMAINS, "example.org")).alerts())
                .hasSize(3);
    }

    @Test
    void noMatchingIndicatorNoAlert() throws Exception {
        assertThat(run(module, dump().source, iocs(IndicatorType.DOMAINS, "unrelated.net")).alerts()).isEmpty();
    }

    @Test
    void recheck() throws Exception {
        Indicators iocs = iocs(IndicatorType.DOMAINS, "evil.example.net");
        JsonNode written = new ObjectMapper().readTree(FsFixtures.JSON.writeValueAsString(run(module, dump().source)
                .results()));
        List<Alert> alerts = module.recheck(written, iocs);
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.eventTime())
                .isEqualTo("2021-04-13 09:46:40.000000"));
    }

    @Test
    void badInput() throws Exception {
        assertThatThrownBy(() -> run(module, new FsFixtures.Dump(tmp.resolve("none")).source))
                .isInstanceOf(ArtifactNotFoundException.class);
        FsFixtures.Dump zero = new FsFixtures.Dump(tmp.resolve("z")).file(SafariFavicon.PATH, new byte[0]);
        assertThatThrownBy(() -> run(module, zero.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining(SafariFavicon.PATH);
        FsFixtures.Dump noIcon = new FsFixtures.Dump(tmp.resolve("n"));
        sqlite(noIcon.path(SafariFavicon.PATH), "CREATE TABLE page_url (uuid TEXT, url TEXT)");
        noIcon.file(SafariFavicon.PATH);
        assertThatThrownBy(() -> run(module, noIcon.source)).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(SafariFavicon.PATH + ": no table icon_info");
    }

    @Test
    void anUnreadableAppDatabaseDoesNotHideSafaris() throws Exception {
        FsFixtures.Dump dump = dump();
        dump.file("private/var/mobile/Containers/Data/Application/C2/Library/Image Cache/Favicons/Favicons.db",
                FsFixtures.randomBytes());
        assertThat(records(run(module, dump.source))).hasSize(4);
    }
}
