package org.vigil.ioc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.model.IndicatorFileInfo;

/**
 * All loaded indicators, immutable and indexed, shared by every module of a run.
 *
 * <p>Semantics are MVT's (mvt-behaviour.md 4.4) with its known matching bugs fixed (see
 * {@code docs/differences-from-mvt.md}, "Indicators and matching"). Every check is a few hash
 * lookups: its cost does not grow with the number of indicators. Messages use MVT's wording.
 *
 * <p>URL checks never use the network unless the instance was made with
 * {@link #withExpander(UrlExpander)} and an online expander. Thread-safe.
 */
public final class Indicators {
    private static final Logger LOG = LoggerFactory.getLogger(Indicators.class);

    private static final Indicators EMPTY =
            new Indicators(List.of(), List.of(), UrlExpander.offline());

    private final List<IndicatorFileInfo> files;
    private final List<IndicatorCollection> collections;
    private final IndicatorIndex index;
    private final UrlExpander expander;
    private final int totalCount;
    /** Memo of Public Suffix List lookups per host (pure; shared with {@link #withExpander} copies). */
    private final HostSuffixes suffixes;

    private Indicators(List<IndicatorCollection> collections, List<IndicatorFileInfo> files,
            UrlExpander expander) {
        this.files = List.copyOf(files);
        this.collections = List.copyOf(collections);
        this.index = new IndicatorIndex(this.collections);
        this.expander = expander;
        int total = 0;
        for (IndicatorCollection c : this.collections) {
            total += c.count();
        }
        this.totalCount = total;
        // the shared empty instance keeps nothing (no state behind a static)
        this.suffixes = new HostSuffixes(this.collections.isEmpty() ? 0 : HostSuffixes.MAX_ENTRIES);
    }

    private Indicators(Indicators base, UrlExpander expander) {
        this.files = base.files;
        this.collections = base.collections;
        this.index = base.index;
        this.totalCount = base.totalCount;
        this.suffixes = base.suffixes;
        this.expander = expander;
    }

    /** No indicators. */
    public static Indicators empty() {
        return EMPTY;
    }

    /**
     * Loads STIX 2.1 files in order. A file that cannot be read or parsed is reported in
     * {@link LoadResult#errors()} (naming the file and the cause) and does not stop the others.
     * A directory stands for the {@code *.stix2} files directly inside it, in name order.
     */
    public static LoadResult load(List<java.nio.file.Path> files) {
        List<IndicatorCollection> collections = new ArrayList<>();
        List<IndicatorFileInfo> infos = new ArrayList<>();
        List<LoadError> errors = new ArrayList<>();
        List<Path> paths = expandDirectories(files, errors);
        for (Path path : paths) {
            if (Files.isRegularFile(path)) {
                LOG.info("Parsing STIX2 indicators file at path {}", path);
            }
        }
        // files are parsed in parallel (a few MB of JSON each), then taken in the given order
        List<Object> parsed = paths.parallelStream().map(path -> {
            if (!Files.isRegularFile(path)) {
                return (Object) new LoadError(path, "No indicators file exists at path " + path);
            }
            try {
                return Stix2Reader.read(path);
            } catch (Stix2Reader.StixFormatException e) {
                return new LoadError(path, e.getMessage());
            }
        }).toList();
        for (Object o : parsed) {
            if (o instanceof Stix2Reader.ParsedFile file) {
                collections.addAll(file.collections());
                infos.add(file.info());
            } else {
                LoadError error = (LoadError) o;
                LOG.warn("{}", error.message());
                errors.add(error);
            }
        }
        Indicators indicators = new Indicators(collections, infos, UrlExpander.offline());
        LOG.info("Loaded a total of {} unique indicators", indicators.totalCount());
        return new LoadResult(indicators, errors);
    }

    private static List<Path> expandDirectories(List<Path> files, List<LoadError> errors) {
        List<Path> out = new ArrayList<>();
        for (Path p : files) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT)
                                    .endsWith(".stix2"))
                            .filter(Files::isRegularFile)
                            .sorted()
                            .forEach(out::add);
                } catch (IOException e) {
                    errors.add(new LoadError(p, p + ": cannot list indicator folder: " + e));
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /** What {@link #load} gives: the indicators and one message per file that failed. */
    public record LoadResult(Indicators indicators, List<LoadError> failures) {
        public LoadResult {
            failures = List.copyOf(failures);
        }

        /** One message per file that failed, naming the file and the cause. */
        public List<String> errors() {
            return failures.stream().map(LoadError::message).toList();
        }
    }

    /**
     * A file that could not be loaded.
     *
     * @param file the path as given (or the folder that could not be listed)
     * @param message what went wrong, naming the file
     */
    public record LoadError(Path file, String message) {}

    /** A builder for indicators made in code (tests, the demo). */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects indicators; {@link #build()} indexes them. */
    public static final class Builder {
        private final Map<List<String>, Map<IndicatorType, LinkedHashSet<String>>> byCollection =
                new LinkedHashMap<>();

        private Builder() {}

        /** Adds one indicator to a collection (values are normalised as the STIX loader does). */
        public Builder add(IndicatorType type, String value, String collection, String stixFile) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
            String path = switch (type) {
                case DOMAINS -> value.indexOf(':') >= 0 ? "ipv6-addr:value" : "domain-name:value";
                default -> "x:y";
            };
            String[] reason = new String[1];
            String v = Stix2Reader.normaliseValue(path, type, value, reason);
            if (v == null) {
                throw new IllegalArgumentException("unusable " + type.listName() + " indicator '"
                        + value + "': " + reason[0]);
            }
            List<String> key = List.of(collection == null ? "" : collection,
                    stixFile == null ? "" : stixFile);
            byCollection.computeIfAbsent(key, k -> new EnumMap<>(IndicatorType.class))
                    .computeIfAbsent(type, t -> new LinkedHashSet<>())
                    .add(v);
            return this;
        }

        /** The indexed, immutable indicators. */
        public Indicators build() {
            List<IndicatorCollection> collections = new ArrayList<>();
            int n = 0;
            for (Map.Entry<List<String>, Map<IndicatorType, LinkedHashSet<String>>> e
                    : byCollection.entrySet()) {
                Map<IndicatorType, List<String>> values = new EnumMap<>(IndicatorType.class);
                e.getValue().forEach((t, s) -> values.put(t, List.copyOf(s)));
                collections.add(new IndicatorCollection("builder-" + n++, e.getKey().get(0), "",
                        e.getKey().get(1), e.getKey().get(1), values));
            }
            return new Indicators(collections, List.of(), UrlExpander.offline());
        }
    }

    /**
     * The same indicators, resolving shortened URLs with {@code expander} (share one expander
     * per run so that its cache and {@link UrlExpander#expansions()} cover every module).
     */
    public Indicators withExpander(UrlExpander expander) {
        return new Indicators(this, Objects.requireNonNull(expander, "expander"));
    }

    /** The expander used by URL checks ({@link UrlExpander#offline()} by default). */
    public UrlExpander expander() {
        return expander;
    }

    /** Total number of indicators (MVT's total_ioc_count). */
    public int totalCount() {
        return totalCount;
    }

    /** True when no indicator is loaded. */
    public boolean isEmpty() {
        return totalCount() == 0;
    }

    /** The files loaded, in load order. */
    public List<IndicatorFileInfo> files() {
        return files;
    }

    /** The collections, in load order (what MVT calls ioc_collections). */
    public List<IndicatorCollection> collections() {
        return collections;
    }

    /** Indicators per type, over all collections (zero counts omitted). */
    public Map<IndicatorType, Integer> countsByType() {
        Map<IndicatorType, Integer> out = new EnumMap<>(IndicatorType.class);
        for (IndicatorCollection c : collections) {
            for (IndicatorType t : IndicatorType.values()) {
                int n = c.values(t).size();
                if (n > 0) {
                    out.merge(t, n, Integer::sum);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Patterns or comparisons skipped while loading, by reason, over all files. */
    public Map<String, Integer> skipped() {
        Map<String, Integer> out = new TreeMap<>();
        for (IndicatorFileInfo f : files) {
            f.skipped().forEach((k, v) -> out.merge(k, v, Integer::sum));
        }
        return Collections.unmodifiableMap(out);
    }

    // ------------------------------------------------------------------ URLs and domains

    /**
     * URL check: URL indicators (scheme and host case-insensitive), then the host, its parent
     * domains down to the registered domain (eTLD+1), IP literals exactly; shortened URLs are
     * first resolved through the expander; URLs without a usable host (and unresolved short
     * URLs) fall back to domain indicators appearing as whole tokens of the text.
     */
    public Optional<IndicatorMatch> checkUrl(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        Optional<IndicatorMatch> m = urlIndicator(url);
        if (m.isPresent()) {
            return m;
        }
        Hosts.UrlParts parts = Hosts.parse(url);
        if (!parts.hasHost()) {
            return tokenFallback(url);
        }
        if (UrlShorteners.isShortened(parts)) {
            Optional<String> dest = expander.expand(url);
            if (dest.isEmpty()) {
                LOG.debug("Unable to unshorten URL {}", url);
                return tokenFallback(url);
            }
            String finalUrl = dest.get();
            m = urlIndicator(finalUrl);
            if (m.isPresent()) {
                return m;
            }
            Hosts.UrlParts finalParts = Hosts.parse(finalUrl);
            if (!finalParts.hasHost() || UrlShorteners.isShortened(finalParts)) {
                return tokenFallback(finalUrl);
            }
            return domainMatch(finalParts, finalUrl, url);
        }
        return domainMatch(parts, url, null);
    }

    /** Domain check: the same as {@link #checkUrl} on a bare domain (MVT's check_domain). */
    public Optional<IndicatorMatch> checkDomain(String domain) {
        return checkUrl(domain);
    }

    /** The first match among several URLs, in order (MVT's check_urls). */
    public Optional<IndicatorMatch> checkUrls(Collection<String> urls) {
        if (urls == null) {
            return Optional.empty();
        }
        for (String u : urls) {
            Optional<IndicatorMatch> m = checkUrl(u);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    /**
     * Checks batches of URLs (e.g. the links of each message) in one go: unique URLs are checked
     * once, shortened ones are resolved concurrently first when the expander is online, and the
     * result holds, per batch and in batch order, the first match of the batch (empty for a null
     * or empty batch).
     */
    public List<Optional<IndicatorMatch>> checkUrlBatches(
            List<? extends Collection<String>> batches) {
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (Collection<String> b : batches) {
            if (b != null) {
                for (String u : b) {
                    if (u != null && !u.isBlank()) {
                        unique.add(u);
                    }
                }
            }
        }
        if (expander.isOnline()) {
            expander.expandAll(unique);
        }
        Map<String, Optional<IndicatorMatch>> results = new HashMap<>();
        for (String u : unique) {
            results.put(u, checkUrl(u));
        }
        List<Optional<IndicatorMatch>> out = new ArrayList<>(batches.size());
        for (Collection<String> b : batches) {
            Optional<IndicatorMatch> first = Optional.empty();
            if (b != null) {
                for (String u : b) {
                    Optional<IndicatorMatch> r = results.getOrDefault(u, Optional.empty());
                    if (r.isPresent()) {
                        first = r;
                        break;
                    }
                }
            }
            out.add(first);
        }
        return out;
    }

    private Optional<IndicatorMatch> urlIndicator(String url) {
        IndicatorIndex.Hit hit = index.get(IndicatorType.URLS, Hosts.urlKey(url));
        if (hit == null) {
            return Optional.empty();
        }
        return match(hit, "Found a known suspicious URL " + url + " matching indicator \""
                + hit.indicator().value() + "\" from \"" + hit.indicator().collection() + "\"");
    }

    private Optional<IndicatorMatch> domainMatch(Hosts.UrlParts parts, String shown,
            String shortenedAs) {
        String host = parts.host();
        IndicatorIndex.Hit hit = index.get(IndicatorType.DOMAINS, host);
        if (hit != null) {
            String msg = shortenedAs == null
                    ? "Found a known suspicious domain " + shown
                    : "Found a known suspicious domain " + shown + " shortened as " + shortenedAs;
            return match(hit, msg + " matching indicator \"" + hit.indicator().value()
                    + "\" from \"" + hit.indicator().collection() + "\"");
        }
        if (parts.ip()) {
            return Optional.empty();
        }
        HostSuffixes.Info suffix = suffixes.of(host);
        String registered = suffix.registered();
        // Parent domains, nearest first, down to the registered domain (or two labels when the
        // suffix is unknown).
        int minLength = registered != null ? registered.length() : -1;
        for (int i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
            String parent = host.substring(i + 1);
            if (registered != null ? parent.length() < minLength : parent.indexOf('.') < 0) {
                break;
            }
            hit = index.get(IndicatorType.DOMAINS, parent);
            if (hit != null) {
                String msg = shortenedAs == null
                        ? "Found a sub-domain with a suspicious top level " + shown
                        : "Found a sub-domain with suspicious top level " + shown
                                + " shortened as " + shortenedAs;
                return match(hit, msg + " matching indicator \"" + hit.indicator().value()
                        + "\" from \"" + hit.indicator().collection() + "\"");
            }
        }
        if (registered == null && !suffix.publicSuffix()) {
            // Hosts MVT cannot parse (localhost, unknown suffix): its substring fallback.
            return tokenFallback(shown);
        }
        return Optional.empty();
    }

    /**
     * MVT's fallback for text it cannot parse as a URL, restricted to whole tokens: a domain
     * indicator matches when it appears delimited by characters a host name cannot hold (or a
     * '.' on its left, for sub-domains). One pass over the text, a few hash lookups per token.
     */
    private Optional<IndicatorMatch> tokenFallback(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        int n = s.length();
        int i = 0;
        while (i < n) {
            while (i < n && !isHostChar(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && isHostChar(s.charAt(i))) {
                i++;
            }
            int end = i;
            while (start < end && (s.charAt(start) == '.' || s.charAt(start) == '-')) {
                start++;
            }
            while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == '-')) {
                end--;
            }
            if (start >= end) {
                continue;
            }
            String token = s.substring(start, end);
            IndicatorIndex.Hit hit = tokenHit(token);
            if (hit != null) {
                return match(hit, "Maybe found a known suspicious domain " + text
                        + " matching indicator \"" + hit.indicator().value() + "\" from \""
                        + hit.indicator().collection() + "\"");
            }
        }
        return Optional.empty();
    }

    private IndicatorIndex.Hit tokenHit(String token) {
        String key = token.startsWith("www.") ? token.substring(4) : token;
        IndicatorIndex.Hit hit = index.get(IndicatorType.DOMAINS, key);
        if (hit != null || Hosts.isIpv4(key)) {
            return hit;
        }
        for (int d = key.indexOf('.'); d >= 0; d = key.indexOf('.', d + 1)) {
            String suffix = key.substring(d + 1);
            if (suffix.indexOf('.') < 0) {
                break;
            }
            hit = index.get(IndicatorType.DOMAINS, suffix);
            if (hit != null && !Hosts.isIpv4(suffix)) {
                return hit;
            }
        }
        return null;
    }

    private static boolean isHostChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                || c > 0x7f;
    }

    // ------------------------------------------------------------------ processes and files

    /** Process name check (basename; 16-char truncated names match by prefix). */
    public Optional<IndicatorMatch> checkProcess(String process) {
        if (process == null || process.isEmpty()) {
            return Optional.empty();
        }
        String name = basename(process);
        IndicatorIndex.Hit hit = index.get(IndicatorType.PROCESSES, name);
        if (hit != null) {
            return match(hit, "Found a known suspicious process name \"" + process
                    + "\" matching indicators from \"" + hit.indicator().collection() + "\"");
        }
        if (name.length() == IndicatorIndex.TRUNCATED_PROCESS_LENGTH) {
            hit = index.processByPrefix(name);
            if (hit != null) {
                return match(hit, "Found a truncated known suspicious process name \"" + process
                        + "\" matching indicators from \"" + hit.indicator().collection() + "\"");
            }
        }
        return Optional.empty();
    }

    /** File path check: file-name indicators on the basename, then path prefixes. */
    public Optional<IndicatorMatch> checkFilePath(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        Optional<IndicatorMatch> byName = checkFileName(basename(path));
        if (byName.isPresent()) {
            return byName;
        }
        // Every prefix of the path ending at a '/' boundary, and the whole path.
        String p = IndicatorIndex.stripTrailingSlashes(path);
        IndicatorIndex.Hit best = null;
        for (int i = p.indexOf('/', 1); i >= 0; i = p.indexOf('/', i + 1)) {
            best = earliest(best, index.get(IndicatorType.FILE_PATHS, p.substring(0, i)));
        }
        best = earliest(best, index.get(IndicatorType.FILE_PATHS, p));
        if (best == null) {
            return Optional.empty();
        }
        return match(best, "Found a known suspicious file path \"" + path
                + "\" matching indicators form \"" + best.indicator().collection() + "\"");
    }

    /** File name check (exact). */
    public Optional<IndicatorMatch> checkFileName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        IndicatorIndex.Hit hit = index.get(IndicatorType.FILE_NAMES, name);
        if (hit == null) {
            return Optional.empty();
        }
        return match(hit, "Found a known suspicious file name \"" + name
                + "\" matching indicators from \"" + hit.indicator().collection() + "\"");
    }

    /** Any process indicator equal to a {@code /}-separated component of the path. */
    public Optional<IndicatorMatch> checkFilePathProcess(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        IndicatorIndex.Hit best = null;
        for (String part : path.split("/", -1)) {
            if (!part.isEmpty()) {
                best = earliest(best, index.get(IndicatorType.PROCESSES, part));
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return match(best, "Found known suspicious process name mentioned in file at path \""
                + path + "\" matching indicators from \"" + best.indicator().collection() + "\"");
    }

    // ------------------------------------------------------------------ ids and hashes

    /** E-mail address check (case-insensitive). */
    public Optional<IndicatorMatch> checkEmail(String email) {
        return simple(IndicatorType.EMAILS, email,
                "Found a known suspicious email address \"%s\" matching indicators from \"%s\"");
    }

    /** App id / package name check (case-insensitive). */
    public Optional<IndicatorMatch> checkAppId(String appId) {
        return simple(IndicatorType.APP_IDS, appId,
                "Found a known suspicious app with ID \"%s\" matching indicators from \"%s\"");
    }

    /** iOS configuration profile id check (exact, case-insensitive). */
    public Optional<IndicatorMatch> checkProfileId(String uuid) {
        return simple(IndicatorType.IOS_PROFILE_IDS, uuid,
                "Found a known suspicious profile ID \"%s\" matching indicators from \"%s\"");
    }

    /** Android property name check (case-insensitive). */
    public Optional<IndicatorMatch> checkAndroidProperty(String name) {
        return simple(IndicatorType.ANDROID_PROPERTY_NAMES, name,
                "Found a known suspicious Android property \"%s\" matching indicators from \"%s\"");
    }

    /** File hash check (MD5, SHA-1 or SHA-256 by length; case-insensitive). */
    public Optional<IndicatorMatch> checkFileHash(String hash) {
        if (hash == null || hash.isEmpty()) {
            return Optional.empty();
        }
        String h = hash.strip();
        IndicatorType type = switch (h.length()) {
            case 32 -> IndicatorType.FILES_MD5;
            case 40 -> IndicatorType.FILES_SHA1;
            default -> IndicatorType.FILES_SHA256;
        };
        return simple(type, hash,
                "Found a known suspicious file with hash \"%s\" matching indicators from \"%s\"");
    }

    /** App signing certificate hash check (case-insensitive, ':' separators ignored). */
    public Optional<IndicatorMatch> checkAppCertHash(String hash) {
        return simple(IndicatorType.APP_CERT_HASHES, hash,
                "Found a known suspicious app certificate with hash \"%s\" matching indicators"
                        + " from \"%s\"");
    }

    private Optional<IndicatorMatch> simple(IndicatorType type, String value, String format) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        IndicatorIndex.Hit hit = index.get(type, IndicatorIndex.key(type, value));
        if (hit == null) {
            return Optional.empty();
        }
        return match(hit, String.format(Locale.ROOT, format, value,
                hit.indicator().collection()));
    }

    // ------------------------------------------------------------------ helpers

    private static Optional<IndicatorMatch> match(IndicatorIndex.Hit hit, String message) {
        LOG.debug("{}", message);
        return Optional.of(new IndicatorMatch(hit.indicator(), message));
    }

    private static IndicatorIndex.Hit earliest(IndicatorIndex.Hit a, IndicatorIndex.Hit b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.ordinal() < a.ordinal() ? b : a;
    }

    private static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
