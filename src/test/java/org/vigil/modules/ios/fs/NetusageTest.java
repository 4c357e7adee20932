package org.vigil.modules.ios.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.fs.FsFixtures.insert;
import static org.vigil.modules.ios.fs.FsFixtures.iocs;
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
import org.vigil.core.ModuleOptions;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Alert;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.modules.ios.mixed.Datausage;

class NetusageTest {
    @TempDir
    Path tmp;

    private final Netusage module = new Netusage();

    private Path db(FsFixtures.Dump dump, String rel) throws Exception {
        Path db = sqlite(dump.path(rel),
                "CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
                        + " ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR)",
                "CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER,"
                        + " ZHASPROCESS INTEGER, ZTIMESTAMP TIMESTAMP, ZWWANIN FLOAT, ZWWANOUT FLOAT)");
        dump.file(rel);
        return db;
    }

    private static void process(Path db, long pk, double first, String bundle, String name) throws Exception {
        insert(db, "INSERT INTO ZPROCESS (Z_PK, ZFIRSTTIMESTAMP, ZTIMESTAMP, ZBUNDLENAME, ZPROCNAME) VALUES (?,?,?,?,?)",
                new Object[] {pk, first, first + 10, bundle, name});
    }

    private static void live(Path db, long pk, long proc, double ts) throws Exception {
        insert(db, "INSERT INTO ZLIVEUSAGE (Z_PK, ZHASPROCESS, ZTIMESTAMP, ZWWANIN, ZWWANOUT) VALUES (?,?,?,?,?)",
                new Object[] {pk, proc, ts, 10.0, 20.0});
    }

    @SuppressWarnings("unchecked")
    private static List<Datausage.Usage> records(ModuleResult r) {
        return (List<Datausage.Usage>) r.results();
    }

    /** Two databases: the first misses process 3; the second is complete (ids restart at 1). */
    private FsFixtures.Dump dump() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        Path a = db(dump, Netusage.PATH);
        process(a, 1, 600_000_000, "com.apple.mobilesafari", "MobileSafari");
        process(a, 2, 600_000_100, null, "bh");
        process(a, 4, 600_000_300, "com.apple.news", "News");
        live(a, 1, 1, 600_000_050);
        Path b = db(dump, Netusage.PATH_DB);
        process(b, 1, 650_000_000, "com.apple.Maps", "Maps");
        process(b, 2, 650_000_100, "com.apple.weather", "Weather");
        dump.file("usr/libexec/bh", new byte[] {1});
        return dump;
    }

    @Test
    void readsBothDatabasesAndLooksForGapsInEachOnItsOwn() throws Exception {
        ModuleResult r = run(module, dump().source, Indicators.empty(), new ModuleOptions(true, false));
        List<Datausage.Usage> rec = records(r);
        assertThat(rec).extracting(Datausage.Usage::procName).containsExactly("MobileSafari", "bh",
                "MISSING [follows bh]", "News", "Maps", "Weather");
        assertThat(r.alerts()).singleElement().satisfies(a -> {
            assertThat(a.level()).isEqualTo(Level.LOW);
            assertThat(a.message()).startsWith("Missing process 3. Previous process at");
        });
        assertThat(r.timeline()).contains(new TimelineEvent("2020-01-06 10:40:50.000000", "Netusage", "live_usage",
                "MobileSafari (Bundle ID: com.apple.mobilesafari, ID: 1) WWAN IN: 10.0, WWAN OUT: 20.0"));
    }

    private FsFixtures.Dump built;

    @Test
    void processIndicatorGivesCritical() throws Exception {
        built = dump();
        ModuleResult r = run(module, built.source, iocs(IndicatorType.PROCESSES, "bh"), new ModuleOptions(true, false));
        List<Alert> critical = r.alerts().stream().filter(a -> a.level() == Level.CRITICAL).toList();
        assertThat(critical).singleElement().satisfies(a -> {
            assertThat(a.module()).isEqualTo("netusage");
            assertThat(a.matchedIndicator().value()).isEqualTo("bh");
            assertThat(a.eventTime()).isEqualTo("2020-01-06 10:41:40.000000");
        });
        assertThat(run(module, built.source, iocs(IndicatorType.PROCESSES, "other"),
                new ModuleOptions(true, false)).alerts()).noneMatch(a -> a.level() == Level.CRITICAL);
    }

    @Test
    void processWithoutBinaryInTheDumpIsFlaggedUnlessFast() throws Exception {
        FsFixtures.Dump dump = dump();
        Path a = tmp.resolve(Netusage.PATH);
        process(a, 3, 600_000_200, null, "roleaccountd");
        ModuleResult r = run(module, dump.source);
        assertThat(r.alerts()).filteredOn(x -> x.level() == Level.MEDIUM).singleElement()
                .satisfies(x -> assertThat(x.message())
                        .isEqualTo("Could not find the binary associated with the process with name roleaccountd"));
        assertThat(run(module, dump.source, Indicators.empty(), new ModuleOptions(true, false)).alerts()).isEmpty();
    }

    @Test
    void oneUnreadableDatabaseDoesNotHideTheOther() throws Exception {
        FsFixtures.Dump dump = new FsFixtures.Dump(tmp);
        Path b = db(dump, Netusage.PATH_DB);
        process(b, 1, 650_000_000, "com.apple.Maps", "Maps");
        dump.file(Netusage.PATH, FsFixtures.randomBytes());
        assertThat(records(run(module, dump.source))).hasSize(1);
    }

    @Test
    void badInput() throws Exception {
        FsFixtures.Dump empty = new FsFixtures.Dump(tmp.resolve("a")).file(Netusage.PATH, new byte[0]);
        assertThatThrownBy(() -> run(module, empty.source)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageContaining(Netusage.PATH);
        FsFixtures.Dump foreign = new FsFixtures.Dump(tmp.resolve("b"));
        FsFixtures.foreignDb(foreign.path(Netusage.PATH));
        foreign.file(Netusage.PATH);
        assertThatThrownBy(() -> run(module, foreign.source)).isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(Netusage.PATH + ": no table ZPROCESS");
        assertThatThrownBy(() -> run(module, new FsFixtures.Dump(tmp.resolve("c")).source))
                .isInstanceOf(ArtifactNotFoundException.class);
    }

    @Test
    void recheckChecksProcessNames() throws Exception {
        Indicators iocs = iocs(IndicatorType.PROCESSES, "bh");
        ModuleResult r = run(module, dump().source, Indicators.empty(), new ModuleOptions(true, false));
        JsonNode written = new ObjectMapper().readTree(FsFixtures.JSON.writeValueAsString(r.results()));
        List<Alert> alerts = module.recheck(written, iocs);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.module()).isEqualTo("netusage");
            assertThat(a.level()).isEqualTo(Level.CRITICAL);
        });
    }
}
