package org.vigil.ioc.update;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tiny HTTP server on 127.0.0.1 serving fixed answers, for update tests (no other network). */
final class LocalServer implements AutoCloseable {
    /** One fixed answer; {@code chunked} omits Content-Length. */
    record Answer(int status, byte[] body, Map<String, String> headers, boolean chunked) {}

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();

    LocalServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                requests.add(path);
                Answer a = answers.getOrDefault(path, new Answer(404,
                        "not found".getBytes(StandardCharsets.UTF_8), Map.of(), false));
                a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                exchange.sendResponseHeaders(a.status(), a.chunked() ? 0 : a.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(a.body());
                }
            } catch (IOException e) {
                // the client may close early (size cap, refused status): nothing to do
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    LocalServer serve(String path, int status, String body) {
        answers.put(path, new Answer(status, body.getBytes(StandardCharsets.UTF_8), Map.of(),
                false));
        return this;
    }

    LocalServer serve(String path, Answer answer) {
        answers.put(path, answer);
        return this;
    }

    LocalServer redirect(String path, String location) {
        answers.put(path, new Answer(302, new byte[0], Map.of("Location", location), false));
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
