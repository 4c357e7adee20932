package org.vigil.modules.ios.mixed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.ios.mixed.Fixtures.insert;
import static org.vigil.modules.ios.mixed.Fixtures.json;
import static org.vigil.modules.ios.mixed.Fixtures.run;
import static org.vigil.modules.ios.mixed.Fixtures.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.ArtifactNotFoundException;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.core.UnsupportedSchemaException;
import org.vigil.core.model.Level;
import org.vigil.core.model.TimelineEvent;
import org.vigil.ioc.IndicatorType;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class ShortcutsTest {
    static final String NAME = "HomeDomain/Library/Shortcuts/Shortcuts.sqlite";

    @TempDir
    Path tmp;

    private final Shortcuts module = new Shortcuts();

    private static Indicators domain(String d) {
        return Indicators.builder().add(IndicatorType.DOMAINS, d, "TestMalware", "test.stix2").build();
    }

    /** Core Data schema of Shortcuts.sqlite (the columns MVT reads and a few others). */
    private Path shortcutsDb() throws Exception {
        return sqlite(tmp.resolve("Shortcuts.sqlite"),
                "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
                        + " ZACTIONCOUNT INTEGER, ZHIDDEN INTEGER, ZCREATIONDATE TIMESTAMP,"
                        + " ZMODIFICATIONDATE TIMESTAMP, ZNAME VARCHAR, ZACTIONSDESCRIPTION VARCHAR,"
                        + " ZWORKFLOWID VARCHAR)",
                "CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,"
                        + " ZSHORTCUT INTEGER, ZDATA BLOB)");
    }

    private static Map<String, Object> action(String id, Object... kv) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put((String) kv[i], kv[i + 1]);
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("WFWorkflowActionIdentifier", id);
        a.put("WFWorkflowActionParameters", params);
        return a;
    }

    private static void shortcut(Path db, long pk, String name, String desc, double created, double modified,
            byte[] data) throws Exception {
        insert(db, "INSERT INTO ZSHORTCUT (Z_PK, ZCREATIONDATE, ZMODIFICATIONDATE, ZNAME, ZACTIONSDESCRIPTION)"
                + " VALUES (?,?,?,?,?)", new Object[] {pk, created, modified, name, desc});
        if (data != null) {
            insert(db, "INSERT INTO ZSHORTCUTACTIONS (ZSHORTCUT, ZDATA) VALUES (?,?)", new Object[] {pk, data});
        }
    }

    private FakeSource backupWith(Path db) {
        return new FakeSource(SourceKind.IOS_BACKUP, tmp).add(Shortcuts.BACKUP_ID, "HomeDomain",
                Shortcuts.RELATIVE_PATH, db);
    }

    private Path sampleDb() throws Exception {
        Path db = shortcutsDb();
        byte[] actions = Plists.binary(List.of(
                action("is.workflow.actions.openurl", "WFInput", "https://bad.example.org/payload", "UUID", "A-1"),
                action("is.workflow.actions.comment", "UUID", "B-2", "WFCommentActionText",
                        "see http://notes.example.net/x")));
        shortcut(db, 1, "Open page", "Opens a page", 700000000.0, 700003600.0, actions);
        shortcut(db, 2, "Empty", null, 600000000.0, 600000000.0, null);
        return db;
    }

    @Test
    void sampleIsNotInTheRealBackup() throws Exception {
        FakeSource sample = Fixtures.sampleBackup(); // skips the test when ../shared is absent
        assertThatThrownBy(() -> run(module, sample))
                .isInstanceOf(ArtifactNotFoundException.class)
                .hasMessage(NAME + ": " + BackupArtifacts.LISTED_BUT_ABSENT);
    }

    @Test
    void extraction() throws Exception {
        ModuleResult r = run(module, backupWith(sampleDb()));
        JsonNode results = json(r.results());
        assertThat(results).hasSize(2);
        assertThat(results.get(0).toString()).isEqualTo("{\"shortcut_id\":1,\"shortcut_name\":\"Open page\","
                + "\"modified_date\":\"2023-03-08 21:26:40.000000\",\"description\":\"Opens a page\","
                + "\"parsed_actions\":2,\"action_urls\":[\"https://bad.example.org/payload\","
                + "\"http://notes.example.net/x'}\"],\"isodate\":\"2023-03-08 20:26:40.000000\"}");
        // no action data: MVT's other key order
        assertThat(results.get(1).toString()).isEqualTo("{\"shortcut_id\":2,\"shortcut_name\":\"Empty\","
                + "\"modified_date\":\"2020-01-06 10:40:00.000000\",\"description\":null,\"action_urls\":null,"
                + "\"parsed_actions\":0,\"isodate\":\"2020-01-06 10:40:00.000000\"}");
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void timeline() throws Exception {
        ModuleResult r = run(module, backupWith(sampleDb()));
        String urls = "- URLs in actions: https://bad.example.org/payload, http://notes.example.net/x'}";
        assertThat(r.timeline()).containsExactly(
                new TimelineEvent("2023-03-08 20:26:40.000000", "Shortcuts", "shortcut_created",
                        "iOS Shortcut 'Open page': Opens a page " + urls),
                new TimelineEvent("2023-03-08 21:26:40.000000", "Shortcuts", "shortcut_modified",
                        "iOS Shortcut 'Open page': Opens a page " + urls),
                new TimelineEvent("2020-01-06 10:40:00.000000", "Shortcuts", "shortcut_created",
                        "iOS Shortcut 'Empty':  "),
                new TimelineEvent("2020-01-06 10:40:00.000000", "Shortcuts", "shortcut_modified",
                        "iOS Shortcut 'Empty':  "));
    }

    @Test
    @Tag("needs-ioc-engine")
    void actionUrlMatches() throws Exception {
        ModuleResult r = run(module, backupWith(sampleDb()), domain("bad.example.org"));
        assertThat(r.alerts()).hasSize(1);
        assertThat(r.alerts().get(0).level()).isEqualTo(Level.CRITICAL);
        assertThat(json(r.alerts().get(0).event()).get("shortcut_id").asLong()).isEqualTo(1);
        assertThat(module.recheck(json(r.results()), domain("bad.example.org"))).hasSize(1);
    }

    @Test
    void noMatch() throws Exception {
        ModuleResult r = run(module, backupWith(sampleDb()), domain("other.example.com"));
        assertThat(r.alerts()).isEmpty();
        assertThat(module.recheck(json(r.results()), domain("other.example.com"))).isEmpty();
    }

    @Test
    void pythonRepr() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", "it's");
        m.put("b", List.of(1L, 2.5, true));
        m.put("c", new byte[] {'x'});
        m.put("d", null);
        assertThat(Shortcuts.repr(m)).isEqualTo("{'a': \"it's\", 'b': [1, 2.5, True], 'c': b'x', 'd': None}");
    }

    @Test
    void olderSchemaWithoutActionsTable() throws Exception {
        Path db = sqlite(tmp.resolve("old.sqlite"),
                "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, ZNAME VARCHAR, ZCREATIONDATE TIMESTAMP)",
                "INSERT INTO ZSHORTCUT VALUES (7, 'Old', 500000000.0)");
        JsonNode r = json(run(module, backupWith(db)).results());
        assertThat(r.get(0).toString()).isEqualTo("{\"shortcut_id\":7,\"shortcut_name\":\"Old\","
                + "\"modified_date\":\"\",\"description\":null,\"action_urls\":null,\"parsed_actions\":0,"
                + "\"isodate\":\"2016-11-05 00:53:20.000000\"}");
    }

    @Test
    void fsDump() throws Exception {
        FakeSource fs = new FakeSource(SourceKind.IOS_FS, tmp).add(Shortcuts.FS_PATH, "", Shortcuts.FS_PATH,
                sampleDb());
        assertThat(json(run(module, fs).results())).hasSize(2);
    }

    @Test
    void missing() {
        assertThatThrownBy(() -> run(module, new FakeSource(SourceKind.IOS_BACKUP, tmp)))
                .isInstanceOf(ArtifactNotFoundException.class).hasMessage("Shortcuts.sqlite not found");
    }

    @Test
    void corruptAndForeign() throws Exception {
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.emptyFile(tmp, "e"))))
                .isInstanceOf(CorruptArtifactException.class);
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.randomFile(tmp, "r"))))
                .isInstanceOf(CorruptArtifactException.class);
        assertThatThrownBy(() -> run(module, backupWith(Fixtures.foreignDb(tmp, "f"))))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessage(NAME + ": no table ZSHORTCUT");
        Path noName = sqlite(tmp.resolve("n"), "CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY)");
        assertThatThrownBy(() -> run(module, backupWith(noName)))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessage(NAME + ": no column ZNAME in table ZSHORTCUT");
    }

    @Test
    void corruptActionDataIsNoActions() throws Exception {
        Path db = shortcutsDb();
        shortcut(db, 1, "Bad", "d", 700000000.0, 700000000.0, new byte[] {'b', 'p', 'l', 'i', 's', 't', '0', '0', 1});
        JsonNode r = json(run(module, backupWith(db)).results());
        assertThat(r.get(0).get("action_urls").isNull()).isTrue();
        assertThat(r.get(0).get("parsed_actions").asInt()).isZero();
    }
}
