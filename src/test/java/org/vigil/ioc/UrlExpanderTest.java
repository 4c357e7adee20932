package org.vigil.ioc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The expander against a local HTTP server: every shortener request is sent to 127.0.0.1 by the
 * expander's request-target mapping, so nothing leaves the loopback interface.
 */
class UrlExpanderTest {

    private HttpServer server;
    private ExecutorService serverThreads;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private volatile long holdMillis;

    private static final Indicators IND = Indicators.builder()
            .add(IndicatorType.DOMAINS, "example.org", "TestMalware", "test.stix2")
            .build();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String key = ex.getRequestURI().getPath().substring(1); // "<host>/<path>"
        requests.add(ex.getRequestMethod() + " " + key);
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        try {
            if (key.equals("bit.ly/failure")) {
                release.await(30, TimeUnit.SECONDS); // longer than the client timeout
            } else if (holdMillis > 0) {
                Thread.sleep(holdMillis);
            }
            String location = redirects.get(key);
            if (location != null) {
                ex.getResponseHeaders().add("Location", location);
                ex.sendResponseHeaders(key.startsWith("tinyurl") ? 301 : 302, -1);
            } else {
                ex.sendResponseHeaders(404, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            active.decrementAndGet();
            ex.close();
        }
    }

    private UrlExpander expander(int maxConcurrency) {
        int port = server.getAddress().getPort();
        return UrlExpander.builder()
                .timeout(Duration.ofMillis(500))
                .maxConcurrency(maxConcurrency)
                .requestTarget(u -> URI.create("http://127.0.0.1:" + port + "/" + u.getHost()
                        + u.getRawPath()))
                .build();
    }

    @Test
    void nestedRedirectsAndTimeout() {
        redirects.put("tinyurl.com/nested", "https://t.co/nested");
        redirects.put("t.co/nested", "https://www.example.org/landing");
        UrlExpander expander = expander(20);
        Indicators ind = IND.withExpander(expander);

        List<Optional<IndicatorMatch>> r = ind.checkUrlBatches(List.of(
                List.of("https://bit.ly/failure"), List.of("https://tinyurl.com/nested")));

        assertThat(r.get(0)).isEmpty();
        IndicatorMatch m = r.get(1).orElseThrow();
        assertThat(m.indicator().value()).isEqualTo("example.org");
        assertThat(m.message()).isEqualTo("Found a known suspicious domain "
                + "https://www.example.org/landing shortened as https://tinyurl.com/nested "
                + "matching indicator \"example.org\" from \"TestMalware\"");
        assertThat(expander.expansions()).isEqualTo(Map.of(
                "https://tinyurl.com/nested", "https://www.example.org/landing",
                "https://t.co/nested", "https://www.example.org/landing"));
        assertThat(expander.expandedUrl("https://bit.ly/failure")).isEmpty();
        assertThat(requests).containsExactlyInAnyOrder("HEAD bit.ly/failure",
                "HEAD tinyurl.com/nested", "HEAD t.co/nested");

        // Cached across calls: no new request.
        assertThat(ind.checkUrl("https://tinyurl.com/nested")).isPresent();
        assertThat(ind.checkUrl("https://bit.ly/failure")).isEmpty();
        assertThat(requests).hasSize(3);
        assertThat(expander.requestCount()).isEqualTo(3);
        // The plain instance shares the index but stays offline.
        assertThat(IND.expander().isOnline()).isFalse();
    }

    @Test
    void subDomainMessageForShortenedUrl() {
        redirects.put("bit.ly/sub", "https://login.example.org/x");
        Indicators ind = IND.withExpander(expander(2));
        assertThat(ind.checkUrl("https://bit.ly/sub").orElseThrow().message())
                .isEqualTo("Found a sub-domain with suspicious top level "
                        + "https://login.example.org/x shortened as https://bit.ly/sub "
                        + "matching indicator \"example.org\" from \"TestMalware\"");
    }

    @Test
    void dedupeAndConcurrencyLimit() {
        holdMillis = 150;
        UrlExpander expander = expander(2);
        Indicators ind = IND.withExpander(expander);
        List<Optional<IndicatorMatch>> r = ind.checkUrlBatches(List.of(
                List.of("https://bit.ly/one", "https://tinyurl.com/two", "https://t.co/three"),
                List.of("https://bit.ly/one")));
        assertThat(r).containsExactly(Optional.empty(), Optional.empty());
        assertThat(requests).containsExactlyInAnyOrder("HEAD bit.ly/one", "HEAD tinyurl.com/two",
                "HEAD t.co/three");
        assertThat(maxActive.get()).isBetween(1, 2);
        assertThat(expander.expansions()).isEmpty();
    }

    @Test
    void disabledNetworkSendsNoRequest() {
        redirects.put("bit.ly/x", "https://example.org/");
        List<List<String>> batches = List.of(List.of("https://bit.ly/x", "https://tinyurl.com/y"));
        assertThat(IND.checkUrlBatches(batches)).containsExactly(Optional.empty());
        assertThat(IND.withExpander(UrlExpander.offline()).checkUrlBatches(batches))
                .containsExactly(Optional.empty());
        assertThat(UrlExpander.offline().expand("https://bit.ly/x")).isEmpty();
        assertThat(requests).isEmpty();
    }

    @Test
    void googleMapsLinksAreNeverRequested() {
        Indicators ind = IND.withExpander(expander(2));
        assertThat(ind.checkUrl("https://goo.gl/maps/example")).isEmpty();
        assertThat(requests).isEmpty();
    }

    @Test
    void relativeLocationAndRedirectLoopsAreBounded() {
        redirects.put("bit.ly/rel", "/landing");
        redirects.put("bit.ly/a", "https://t.co/b");
        redirects.put("t.co/b", "https://bit.ly/a");
        UrlExpander expander = expander(2);
        assertThat(expander.expand("https://bit.ly/rel")).contains("https://bit.ly/landing");
        Optional<String> loop = expander.expand("https://bit.ly/a");
        assertThat(loop).contains("https://bit.ly/a");
        // bit.ly/landing is a shortener URL again: asked once (404), so the chain ends there.
        assertThat(requests).containsExactlyInAnyOrder("HEAD bit.ly/rel", "HEAD bit.ly/landing",
                "HEAD bit.ly/a", "HEAD t.co/b");
        // Not a shortener: nothing to expand.
        assertThat(expander.expand("https://example.org/x")).isEmpty();
        assertThat(requests).hasSize(4);
    }
}
