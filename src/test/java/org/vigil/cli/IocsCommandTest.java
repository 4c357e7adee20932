package org.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.ioc.update.UserEnvironment;
import picocli.CommandLine;

class IocsCommandTest {
    static final String BUNDLE = "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[]}";

    @TempDir
    Path tmp;

    HttpServer server;
    final Map<String, String> bodies = new ConcurrentHashMap<>();
    UserEnvironment env;
    Path data;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String body = bodies.get(ex.getRequestURI().getPath());
                byte[] b = (body == null ? "missing" : body).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(body == null ? 404 : 200, b.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
            } catch (IOException e) {
                // client closed early
            }
        });
        server.start();
        data = tmp.resolve("data");
        env = new UserEnvironment(Map.of("VIGIL_DATA_DIR", data.toString()), tmp, "Linux");
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private String fileOf(String path) {
        return "127.0.0.1_" + server.getAddress().getPort() + path.replace('/', '_');
    }

    private int run(String... args) {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(1_795_000_000L), ZoneOffset.UTC);
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == IocsUpdateCommand.class) {
                    return cls.cast(new IocsUpdateCommand(env, clock));
                }
                if (cls == IocsListCommand.class) {
                    return cls.cast(new IocsListCommand(env));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cmd = new CommandLine(new IocsCommand(), factory);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private void serveIndex(String... entries) {
        StringBuilder y = new StringBuilder("indicators:\n");
        for (String e : entries) {
            y.append("  - type: url\n    name: ").append(e).append("\n    download_url: ")
                    .append(url("/" + e + ".stix2")).append('\n');
        }
        bodies.put("/index.yaml", y.toString());
    }

    @Test
    void updateSucceeds() {
        serveIndex("Alpha");
        bodies.put("/Alpha.stix2", BUNDLE);

        int code = run("update", "--index", url("/index.yaml"));

        assertThat(code).isEqualTo(IocsUpdateCommand.EXIT_OK).isZero();
        assertThat(out.toString()).isEqualTo("Indicator index: " + url("/index.yaml") + "\n"
                + "  updated    Alpha -> " + fileOf("/Alpha.stix2") + "\n"
                + "Saved in " + data.resolve("indicators") + ": 1 updated, 0 unchanged, 0 failed.\n");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void updateWithAFailedEntryExitsThree() throws Exception {
        serveIndex("Alpha", "Beta");
        bodies.put("/Alpha.stix2", BUNDLE);
        Path index = tmp.resolve("index.yaml");
        Files.writeString(index, bodies.get("/index.yaml"));

        int code = run("update", "--index", index.toString());

        assertThat(code).isEqualTo(IocsUpdateCommand.EXIT_PARTIAL).isEqualTo(10);
        assertThat(out.toString()).isEqualTo("Indicator index: " + index + "\n"
                + "  updated    Alpha -> " + fileOf("/Alpha.stix2") + "\n"
                + "  failed     Beta: HTTP status 404 (" + url("/Beta.stix2") + ")\n"
                + "Saved in " + data.resolve("indicators") + ": 1 updated, 0 unchanged, 1 failed.\n");
        assertThat(err.toString()).isEqualTo("1 of 2 indicator collections could not be "
                + "updated; their previous files, if any, are kept.\n");
    }

    @Test
    void updateWithABadIndexExitsOne() {
        int code = run("update", "--index", url("/nothing.yaml"));

        assertThat(code).isEqualTo(IocsUpdateCommand.EXIT_ERROR).isEqualTo(9);
        assertThat(err.toString()).isEqualTo("Error: Cannot download the indicator index "
                + url("/nothing.yaml") + ": HTTP status 404\n");
    }

    @Test
    void listBeforeAndAfterAnUpdate() throws Exception {
        assertThat(run("list")).isZero();
        assertThat(out.toString()).isEqualTo("Data directory: " + data + "\n"
                + "Last update: never\n\n"
                + "No indicator files. Run `vigil iocs update` or give --iocs FILE|DIR.\n\n"
                + "0 files, 0 indicators.\n");

        serveIndex("Alpha");
        bodies.put("/Alpha.stix2", BUNDLE);
        assertThat(run("update", "--index", url("/index.yaml"))).isZero();
        Path extra = tmp.resolve("extra.json");
        Files.writeString(extra, BUNDLE);
        out.getBuffer().setLength(0);

        assertThat(run("list", "--iocs", extra.toString())).isZero();
        String listing = out.toString();
        assertThat(listing).startsWith("Data directory: " + data + "\n"
                + "Last update: 2026-11-18T11:06:40Z (1795000000)\n\n"
                + "[1] extra.json (--iocs)\n"
                + "    " + extra + "\n"
                + "    " + BUNDLE.length() + " bytes, sha256 ");
        assertThat(listing).contains("[2] Alpha (downloaded)\n"
                + "    " + data.resolve("indicators").resolve(fileOf("/Alpha.stix2")) + "\n");
        assertThat(listing).endsWith("2 files, 0 indicators.\n");
    }

    @Test
    void listWithAMissingPathExitsOne() {
        Path missing = tmp.resolve("missing.stix2");
        assertThat(run("list", "-i", missing.toString())).isEqualTo(IocsListCommand.EXIT_ERROR);
        assertThat(err.toString()).isEqualTo("Error: No indicators file or folder exists at path "
                + missing + "\n");
    }

    @Test
    void helpShowsSubcommandsAndExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("update", "list");
        out.getBuffer().setLength(0);
        assertThat(run("update", "--help")).isZero();
        assertThat(out.toString()).contains("Exit codes:", "10   some entries failed",
                "com/mvt-project/mvt-indicators/main/indicators.yaml");
    }
}
