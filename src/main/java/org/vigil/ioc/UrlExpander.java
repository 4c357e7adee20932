package org.vigil.ioc;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves shortened URLs (bit.ly, t.co, ...) to their destination, the only network access of
 * indicator matching, and only when the user allowed it.
 *
 * <p>{@link #offline()} (the default of {@link Indicators}) never sends a request: shortened
 * URLs stay unresolved. An online expander sends an HTTP {@code HEAD} request without following
 * redirects; a 3xx answer's {@code Location} is the destination, followed again while it is a
 * shortener, up to {@link Builder#maxDepth}. Any other answer, an error or a timeout means "not
 * resolved". Each hop is requested at most once per expander (results, failures included, are
 * cached and shared by concurrent callers), at most {@link Builder#maxConcurrency} requests run
 * at once, and every resolved URL is recorded ({@link #expansions()}) for {@code urls.json}'s
 * {@code expanded_url}. Thread-safe.
 */
public final class UrlExpander {
    private static final Logger LOG = LoggerFactory.getLogger(UrlExpander.class);
    private static final UrlExpander OFFLINE = new UrlExpander(null);

    private final Builder config;
    private final HttpClient client;
    private final Semaphore permits;
    private final ConcurrentHashMap<String, CompletableFuture<String>> hops =
            new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> expansions = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    private UrlExpander(Builder config) {
        this.config = config;
        if (config == null) {
            this.client = null;
            this.permits = null;
        } else {
            this.client = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(config.timeout)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            this.permits = new Semaphore(config.maxConcurrency, true);
        }
    }

    /** An expander that never uses the network (no URL is ever resolved). */
    public static UrlExpander offline() {
        return OFFLINE;
    }

    /** Configures an online expander. */
    public static Builder builder() {
        return new Builder();
    }

    /** True when this expander may send requests. */
    public boolean isOnline() {
        return config != null;
    }

    /** True when the URL points at a known URL shortener ({@code goo.gl/maps/} excluded). */
    public static boolean isShortened(String url) {
        return url != null && UrlShorteners.isShortened(url);
    }

    /**
     * The final destination of a shortened URL, following nested shorteners; empty when the URL
     * is not shortened, the expander is offline, or the first request gives no redirect. When a
     * nested hop fails, the last destination reached is returned.
     */
    public Optional<String> expand(String url) {
        if (!isOnline() || url == null || !UrlShorteners.isShortened(url)) {
            return Optional.empty();
        }
        List<String> chain = new ArrayList<>();
        String current = url;
        for (int depth = 0; depth < config.maxDepth && UrlShorteners.isShortened(current);
                depth++) {
            String next = hop(current);
            if (next.isEmpty()) {
                break;
            }
            chain.add(current);
            current = next;
            if (chain.contains(current)) {
                break; // redirect loop
            }
        }
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        for (String shortened : chain) {
            expansions.putIfAbsent(shortened, current);
        }
        return Optional.of(current);
    }

    /**
     * Resolves many URLs at once (non-shortened ones are ignored), with at most
     * {@link Builder#maxConcurrency} requests in flight. Results land in the cache used by
     * {@link #expand} and in {@link #expansions()}.
     */
    public void expandAll(Collection<String> urls) {
        if (!isOnline() || urls == null) {
            return;
        }
        LinkedHashSet<String> todo = new LinkedHashSet<>();
        for (String u : urls) {
            if (u != null && UrlShorteners.isShortened(u)) {
                todo.add(u);
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        if (todo.size() == 1) {
            expand(todo.iterator().next());
            return;
        }
        int threads = Math.min(config.maxConcurrency, todo.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vigil-url-expander");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Optional<String>>> futures = new ArrayList<>();
            for (String u : todo) {
                futures.add(pool.submit(() -> expand(u)));
            }
            for (Future<Optional<String>> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    LOG.warn("URL expansion failed: {}", e.getCause().toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The final destination recorded for a shortened URL, if it was resolved. */
    public Optional<String> expandedUrl(String url) {
        return url == null ? Optional.empty() : Optional.ofNullable(expansions.get(url));
    }

    /** Every shortened URL resolved so far and its final destination (sorted by URL). */
    public Map<String, String> expansions() {
        return Map.copyOf(new TreeMap<>(expansions));
    }

    /** Number of HTTP requests sent so far. */
    public int requestCount() {
        return requests.get();
    }

    /** One HEAD request (cached); the Location of a 3xx answer, or "" when not resolved. */
    private String hop(String url) {
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> existing = hops.putIfAbsent(url, mine);
        if (existing != null) {
            return existing.join();
        }
        String result = "";
        try {
            result = head(url);
        } finally {
            mine.complete(result);
        }
        return result;
    }

    private String head(String url) {
        URI original;
        try {
            original = new URI(url.contains("://") ? url.strip() : "https://" + url.strip());
        } catch (URISyntaxException e) {
            LOG.info("Unable to unshorten URL {}: {}", url, e.getMessage());
            return "";
        }
        String scheme = original.getScheme() == null ? "" : original.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "";
        }
        URI target = config.requestTarget.apply(original);
        boolean acquired = false;
        try {
            permits.acquire();
            acquired = true;
            requests.incrementAndGet();
            HttpRequest request = HttpRequest.newBuilder(target)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .timeout(config.timeout)
                    .header("User-Agent", config.userAgent)
                    .build();
            HttpResponse<Void> response =
                    client.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                Optional<String> location = response.headers().firstValue("Location");
                if (location.isPresent() && !location.get().isBlank()) {
                    String dest = original.resolve(location.get().strip()).toString();
                    LOG.debug("Found a shortened URL {} -> {}", url, dest);
                    return dest;
                }
            }
            LOG.info("Unable to unshorten URL {} (HTTP status {})", url, status);
            return "";
        } catch (IOException | IllegalArgumentException e) {
            LOG.info("Unable to unshorten URL {}: {}", url, e.toString());
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } finally {
            if (acquired) {
                permits.release();
            }
        }
    }

    /** Settings of an online expander. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(15);
        private int maxDepth = 5;
        private int maxConcurrency = 20;
        private UnaryOperator<URI> requestTarget = UnaryOperator.identity();
        private String userAgent = "Vigil";

        private Builder() {}

        /** Connect and request timeout per hop (default 15 s, as MVT). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Most hops followed through nested shorteners (default 5). */
        public Builder maxDepth(int maxDepth) {
            if (maxDepth < 1) {
                throw new IllegalArgumentException("maxDepth must be >= 1");
            }
            this.maxDepth = maxDepth;
            return this;
        }

        /** Most requests in flight at once (default 20, as MVT's pool). */
        public Builder maxConcurrency(int maxConcurrency) {
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency must be >= 1");
            }
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /**
         * Maps the URL to resolve to the URI actually requested (default: itself). Tests use it
         * to send every shortener request to a local server; relative redirects are still
         * resolved against the original URL.
         */
        public Builder requestTarget(UnaryOperator<URI> requestTarget) {
            this.requestTarget = Objects.requireNonNull(requestTarget, "requestTarget");
            return this;
        }

        /** User-Agent header of the requests. */
        public Builder userAgent(String userAgent) {
            this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
            return this;
        }

        /** The online expander. */
        public UrlExpander build() {
            Builder copy = new Builder();
            copy.timeout = timeout;
            copy.maxDepth = maxDepth;
            copy.maxConcurrency = maxConcurrency;
            copy.requestTarget = requestTarget;
            copy.userAgent = userAgent;
            return new UrlExpander(copy);
        }
    }
}
