package org.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSString;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.CorruptArtifactException;

class PlistReaderTest {
    private static final String APPLE_HEADER = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void binaryPlistGivesPlainValuesInOrder() throws Exception {
        NSDictionary d = new NSDictionary();
        d.put("zeta", new NSString("last key first"));
        d.put("count", new NSNumber(42));
        d.put("ratio", new NSNumber(1.5));
        d.put("flag", new NSNumber(true));
        d.put("blob", new NSData(new byte[] {0, 1, 2}));
        d.put("when", new NSDate(java.util.Date.from(Instant.parse("2021-12-03T19:33:13Z"))));
        d.put("list", new NSArray(new NSString("a"), new NSNumber(-7)));
        NSDictionary inner = new NSDictionary();
        inner.put("k", new NSString("v"));
        d.put("inner", inner);

        Object root = PlistReader.parse(BinaryPropertyListWriter.writeToArray(d), "test.plist");

        assertThat(root).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) root;
        assertThat(m.get("zeta")).isEqualTo("last key first");
        assertThat(m.get("count")).isEqualTo(42L);
        assertThat(m.get("ratio")).isEqualTo(1.5d);
        assertThat(m.get("flag")).isEqualTo(Boolean.TRUE);
        assertThat((byte[]) m.get("blob")).containsExactly(0, 1, 2);
        assertThat(m.get("when")).isEqualTo(Instant.parse("2021-12-03T19:33:13Z"));
        assertThat(m.get("list")).isEqualTo(List.of("a", -7L));
        assertThat(m.get("inner")).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void xmlPlistWithAppleDoctypeParsesOffline() throws Exception {
        String xml = APPLE_HEADER + "<plist version=\"1.0\"><dict>"
                + "<key>Build Version</key><string>18C66</string>"
                + "<key>Size</key><integer>-12</integer>"
                + "<key>Real</key><real>2.25</real>"
                + "<key>On</key><true/>"
                + "<key>Off</key><false/>"
                + "<key>Date</key><date>2021-12-03T19:33:13Z</date>"
                + "<key>Data</key><data>AAEC</data>"
                + "<key>Escaped</key><string>a &lt; b &amp; c</string>"
                + "<key>Apps</key><array><string>x</string><string>y</string></array>"
                + "</dict></plist>";

        Map<String, Object> m = PlistReader.parseDict(utf8(xml), "Info.plist");

        assertThat(m.keySet()).containsExactly("Build Version", "Size", "Real", "On", "Off", "Date", "Data",
                "Escaped", "Apps");
        assertThat(m.get("Build Version")).isEqualTo("18C66");
        assertThat(m.get("Size")).isEqualTo(-12L);
        assertThat(m.get("Real")).isEqualTo(2.25d);
        assertThat(m.get("On")).isEqualTo(true);
        assertThat(m.get("Off")).isEqualTo(false);
        assertThat(m.get("Date")).isEqualTo(Instant.parse("2021-12-03T19:33:13Z"));
        assertThat((byte[]) m.get("Data")).containsExactly(0, 1, 2);
        assertThat(m.get("Escaped")).isEqualTo("a < b & c");
        assertThat(m.get("Apps")).isEqualTo(List.of("x", "y"));
    }

    @Test
    void utf16XmlAndStreamsAreRead() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<plist version=\"1.0\"><dict>"
                + "<key>name</key><string>\u00e9t\u00e9</string></dict></plist>";
        byte[] utf16 = xml.getBytes(StandardCharsets.UTF_16); // big-endian with a BOM

        assertThat(PlistReader.parseDict(utf16, "u16.plist")).isEqualTo(Map.of("name", "\u00e9t\u00e9"));
        assertThat(PlistReader.read(new java.io.ByteArrayInputStream(utf8(APPLE_HEADER
                + "<plist><integer>7</integer></plist>")), "stream.plist")).isEqualTo(7L);
    }

    @Test
    void asciiPlistParses() throws Exception {
        String ascii = "// comment with ( and {\n{ name = \"a (b) {c}\"; list = (one, two); n = 3; }";

        Map<String, Object> m = PlistReader.parseDict(utf8(ascii), "old.plist");

        assertThat(m.get("name")).isEqualTo("a (b) {c}");
        assertThat(m.get("list")).isEqualTo(List.of("one", "two"));
        assertThat(m.get("n")).isEqualTo("3"); // ASCII plists have no number type
    }

    @Test
    void readsFilesAndNamesThemInErrors(@TempDir Path dir) throws Exception {
        NSDictionary d = new NSDictionary();
        d.put("a", new NSString("b"));
        Path good = dir.resolve("good.plist");
        BinaryPropertyListWriter.write(d, good);
        assertThat(PlistReader.readDict(good, "good.plist")).isEqualTo(Map.of("a", "b"));

        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.plist");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> PlistReader.read(cut, "HomeDomain/cut.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("HomeDomain/cut.plist: ");
    }

    @Test
    void emptyGarbageAndWrongRootAreCorrupt() {
        assertThatThrownBy(() -> PlistReader.parse(new byte[0], "empty.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("empty.plist: empty file (0 bytes), not a property list");
        assertThatThrownBy(() -> PlistReader.parse(utf8("<plist><dict><key>a</key>"), "broken.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("broken.plist: not a valid XML property list");
        assertThatThrownBy(() -> PlistReader.parse(utf8("bplist00garbage"), "bad.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("bad.plist: not a valid property list");
        assertThatThrownBy(() -> PlistReader.parseDict(utf8(APPLE_HEADER + "<plist><array/></plist>"), "a.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("a.plist: property list root is not a dictionary but an array");
    }

    @Test
    void xxeFileEntityIsRefusedAndNothingLeaks(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<plist version=\"1.0\"><dict><key>a</key><string>&xxe;</string></dict></plist>";

        assertThatThrownBy(() -> PlistReader.parse(utf8(xml), "evil.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("evil.plist: XML property list refused (external entity declaration xxe)")
                .hasStackTraceContaining("evil.plist")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("TOP-SECRET-CONTENT"));
    }

    @Test
    void externalDtdAndParameterEntitiesAreNeverFetched() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger requests = new AtomicInteger();
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = utf8("<!ENTITY leak \"FETCHED\">");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            String externalDtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist SYSTEM \"" + base + "/plist.dtd\">\n"
                    + "<plist version=\"1.0\"><dict><key>a</key><string>plain</string></dict></plist>";
            assertThat(PlistReader.parseDict(utf8(externalDtd), "dtd.plist")).isEqualTo(Map.of("a", "plain"));

            String usesDtdEntity = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist SYSTEM \"" + base + "/plist.dtd\">\n"
                    + "<plist version=\"1.0\"><dict><key>a</key><string>&leak;</string></dict></plist>";
            assertThatThrownBy(() -> PlistReader.parse(utf8(usesDtdEntity), "leak.plist"))
                    .isInstanceOf(CorruptArtifactException.class)
                    .hasMessageStartingWith("leak.plist: ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("FETCHED"));

            String parameterEntity = "<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY % ext SYSTEM \"" + base
                    + "/p.dtd\"> %ext;]>\n<plist version=\"1.0\"><string>x</string></plist>";
            assertThatThrownBy(() -> PlistReader.parse(utf8(parameterEntity), "param.plist"))
                    .isInstanceOf(CorruptArtifactException.class)
                    .hasMessage("param.plist: XML property list refused (external entity declaration %ext)");
        } finally {
            server.stop(0);
        }
        assertThat(requests.get()).isZero();
    }

    @Test
    void entityExpansionBombIsRefused() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE plist [<!ENTITY a0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            xml.append("<!ENTITY a").append(i).append(" \"").append(("&a" + (i - 1) + ";").repeat(10)).append("\">");
        }
        xml.append("]><plist><string>&a9;</string></plist>");

        assertThatThrownBy(() -> PlistReader.parse(utf8(xml.toString()), "laughs.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("laughs.plist: XML property list refused (entity declaration a0)");
    }

    @Test
    void xmlDepthBombIsRefusedBeforeRecursion() {
        String xml = "<plist>" + "<array>".repeat(5000) + "</array>".repeat(5000) + "</plist>";

        assertThatThrownBy(() -> PlistReader.parse(utf8(xml), "deep.plist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("deep.plist: XML property list refused (elements nested deeper than 256)");
    }

    @Test
    void asciiDepthBombIsRefused() {
        String ascii = "(".repeat(100_000) + ")".repeat(100_000);

        assertThatThrownBy(() -> PlistReader.parse(utf8(ascii), "deep.strings"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("deep.strings: property list nested deeper than 256");
    }

    @Test
    void binaryDepthBombIsRefusedAndModestNestingAccepted() throws Exception {
        assertThatThrownBy(() -> PlistReader.parse(nestedArrays(50_000), "deep.bplist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("deep.bplist: property list nested deeper than 256");

        Object ok = PlistReader.parse(nestedArrays(100), "ok.bplist");
        int depth = 0;
        while (ok instanceof List<?> l && !l.isEmpty()) {
            ok = l.get(0);
            depth++;
        }
        assertThat(depth).isEqualTo(99);
    }

    @Test
    void binaryReferenceCycleIsRefused() {
        byte[] loop = PlistBytes.bplist(List.of(PlistBytes.array(1), PlistBytes.array(0)), 0);

        assertThatThrownBy(() -> PlistReader.parse(loop, "loop.bplist"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("loop.bplist: binary property list refers to itself (object 0 contains itself)");
    }

    @Test
    void sharedBinaryObjectsDoNotBlowUp() throws Exception {
        // 60 levels, each array referring twice to the next: 2^60 paths, 61 objects
        List<byte[]> objects = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            objects.add(PlistBytes.array(i + 1, i + 1));
        }
        objects.add(PlistBytes.string("leaf"));

        Object root = PlistReader.parse(PlistBytes.bplist(objects, 0), "dag.bplist");

        Object o = root;
        for (int i = 0; i < 60; i++) {
            assertThat(o).isInstanceOf(List.class);
            o = ((List<?>) o).get(1);
        }
        assertThat(o).isEqualTo("leaf");
    }

    private static byte[] nestedArrays(int depth) {
        List<byte[]> objects = new ArrayList<>();
        for (int i = 0; i < depth - 1; i++) {
            objects.add(PlistBytes.array(i + 1));
        }
        objects.add(PlistBytes.array());
        return PlistBytes.bplist(objects, 0);
    }
}
