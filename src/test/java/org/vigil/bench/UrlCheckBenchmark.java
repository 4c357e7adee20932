package org.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.vigil.ioc.IndicatorMatch;
import org.vigil.ioc.Indicators;

/**
 * Indicator check costs with every public IOC file loaded (../shared/iocs/*.stix2, about 10,000
 * indicators; override the folder with -Dvigil.iocs=DIR). Run with bench/ioc-bench.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UrlCheckBenchmark {

    private Indicators indicators;

    /** Loads the indicator files once per fork. */
    @Setup
    public void load() throws IOException {
        Path dir = Path.of(System.getProperty("vigil.iocs", "../shared/iocs"));
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".stix2")).sorted()
                    .collect(Collectors.toList());
        }
        Indicators.LoadResult r = Indicators.load(files);
        if (!r.errors().isEmpty() || r.indicators().totalCount() < 1000) {
            throw new IllegalStateException("indicators not loaded from " + dir + ": "
                    + r.errors() + " total=" + r.indicators().totalCount());
        }
        indicators = r.indicators();
        // Sanity: the benchmark inputs behave as named.
        require(indicators.checkUrl("https://www.google.com/search?q=weather+tomorrow").isEmpty());
        require(indicators.checkUrl("https://a1.weather4free.com/path/index.html").isPresent());
        require(indicators.checkUrl("https://bit.ly/3xAmPle-link").isEmpty());
        require(indicators.checkDomain("cdn.example-benign.net").isEmpty());
        require(indicators.checkProcess("accountpfd").isPresent());
        require(indicators.checkProcess("ReminderIntentsU").isPresent());
        require(indicators.checkProcess("com.apple.WebKit").isEmpty());
    }

    private static void require(boolean ok) {
        if (!ok) {
            throw new IllegalStateException("benchmark input does not behave as expected");
        }
    }

    /** A common URL that matches nothing (host, parent walk, PSL lookup). */
    @Benchmark
    public Optional<IndicatorMatch> checkUrlNoMatch() {
        return indicators.checkUrl("https://www.google.com/search?q=weather+tomorrow");
    }

    /** A sub-domain of a domain indicator (amnesty-pegasus). */
    @Benchmark
    public Optional<IndicatorMatch> checkUrlSubDomainMatch() {
        return indicators.checkUrl("https://a1.weather4free.com/path/index.html");
    }

    /** An unresolved shortener (offline): the token fallback over the URL text. */
    @Benchmark
    public Optional<IndicatorMatch> checkUrlShortenerFallback() {
        return indicators.checkUrl("https://bit.ly/3xAmPle-link");
    }

    /** A bare domain, no match. */
    @Benchmark
    public Optional<IndicatorMatch> checkDomainNoMatch() {
        return indicators.checkDomain("cdn.example-benign.net");
    }

    /** A process name that matches (amnesty-pegasus "accountpfd"). */
    @Benchmark
    public Optional<IndicatorMatch> checkProcessMatch() {
        return indicators.checkProcess("accountpfd");
    }

    /** A kernel-truncated (16-character) name of a process indicator. */
    @Benchmark
    public Optional<IndicatorMatch> checkProcessTruncatedMatch() {
        return indicators.checkProcess("ReminderIntentsU");
    }

    /** A 16-character process name, no match. */
    @Benchmark
    public Optional<IndicatorMatch> checkProcessNoMatch() {
        return indicators.checkProcess("com.apple.WebKit");
    }
}
