package org.vigil.ioc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.model.IndicatorFileInfo;

/**
 * Reads one STIX 2.1 bundle into indicator collections, the way MVT does (mvt-behaviour.md 4.2,
 * 4.3), with a real pattern parser ({@link StixPattern}).
 *
 * <p>Objects read: {@code malware} and {@code report} (collections, in that order, then a
 * "Default collection" kept only when it received an indicator), {@code indicator} and
 * {@code relationship}. An indicator goes to the first report whose {@code object_refs} holds
 * it, else to the malware of its first {@code indicates} relationship, else to the default
 * collection. Values are deduplicated within one list of one collection. Patterns and
 * comparisons that cannot become indicators are counted by reason, never fatal.
 */
final class Stix2Reader {
    private static final Logger LOG = LoggerFactory.getLogger(Stix2Reader.class);

    /** Largest indicator file accepted (hostile or broken input). */
    static final long MAX_FILE_BYTES = 128L * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .build());
    }

    /** The collections of one file and its summary. */
    record ParsedFile(List<IndicatorCollection> collections, IndicatorFileInfo info) {
        ParsedFile {
            collections = List.copyOf(collections);
        }
    }

    /** A file that is not a readable STIX bundle; the message names the file and the cause. */
    static final class StixFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        StixFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Stix2Reader() {}

    /** Reads and parses one file. */
    static ParsedFile read(Path file) throws StixFormatException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new StixFormatException(file + ": indicator file too large (" + size
                        + " bytes)", null);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new StixFormatException(file + ": cannot read indicator file: " + e, e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new StixFormatException(file + ": not a JSON file: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new StixFormatException(file + ": cannot parse indicator file: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new StixFormatException(file + ": not a STIX 2 bundle (the JSON is not an object)",
                    null);
        }
        JsonNode objects = root.get("objects");
        if (!"bundle".equals(root.path("type").asText()) || objects == null || !objects.isArray()) {
            throw new StixFormatException(file + ": not a STIX 2 bundle (expected \"type\": "
                    + "\"bundle\" with an \"objects\" array)", null);
        }
        return parse(file, objects, sha256(bytes));
    }

    private static ParsedFile parse(Path file, JsonNode objects, String sha256) {
        String fileName = file.getFileName() == null ? file.toString()
                : file.getFileName().toString();
        String filePath = file.toString();

        List<JsonNode> malware = new ArrayList<>();
        List<JsonNode> reports = new ArrayList<>();
        List<JsonNode> indicators = new ArrayList<>();
        List<JsonNode> relationships = new ArrayList<>();
        String updated = "";
        for (JsonNode o : objects) {
            updated = later(updated, o.path("modified").asText(""));
            updated = later(updated, o.path("created").asText(""));
            switch (o.path("type").asText()) {
                case "malware" -> malware.add(o);
                case "report" -> reports.add(o);
                case "indicator" -> indicators.add(o);
                case "relationship" -> relationships.add(o);
                default -> { }
            }
        }

        // Collections: malware first, then reports (MVT's order); the default one last.
        Map<String, Builder> byId = new LinkedHashMap<>();
        for (JsonNode m : malware) {
            String id = m.path("id").asText("");
            byId.putIfAbsent(id, new Builder(id, text(m, "name"), text(m, "description")));
        }
        Map<String, String> malwareIds = new HashMap<>();
        for (String id : byId.keySet()) {
            malwareIds.put(id, id);
        }
        for (JsonNode r : reports) {
            String id = r.path("id").asText("");
            byId.putIfAbsent(id, new Builder(id, text(r, "name"), text(r, "description")));
        }
        Builder defaultCollection = new Builder(IndicatorCollection.DEFAULT_ID,
                IndicatorCollection.DEFAULT_NAME, IndicatorCollection.DEFAULT_DESCRIPTION);

        // indicator id -> collection id: first report listing it, else first indicates rel.
        Map<String, String> reportOf = new HashMap<>();
        for (JsonNode r : reports) {
            String rid = r.path("id").asText("");
            for (JsonNode ref : r.path("object_refs")) {
                reportOf.putIfAbsent(ref.asText(), rid);
            }
        }
        Map<String, String> malwareOf = new HashMap<>();
        for (JsonNode rel : relationships) {
            String type = rel.path("relationship_type").asText("indicates");
            if (!type.equals("indicates")) {
                continue;
            }
            String target = rel.path("target_ref").asText("");
            if (malwareIds.containsKey(target)) {
                malwareOf.putIfAbsent(rel.path("source_ref").asText(""), target);
            }
        }

        Map<String, Integer> skipped = new TreeMap<>();
        for (JsonNode ind : indicators) {
            String id = ind.path("id").asText("");
            String cid = reportOf.get(id);
            if (cid == null) {
                cid = malwareOf.get(id);
            }
            Builder target = cid == null ? defaultCollection : byId.get(cid);
            String patternType = ind.path("pattern_type").asText("stix");
            if (!patternType.equalsIgnoreCase("stix")) {
                skipped.merge("pattern_type " + patternType, 1, Integer::sum);
                continue;
            }
            String pattern = ind.path("pattern").asText("");
            StixPattern.Result result = StixPattern.parse(pattern);
            if (result.isSkipped()) {
                LOG.debug("{}: skipping pattern {} ({})", fileName, pattern, result.skipReason());
                skipped.merge(result.skipReason(), 1, Integer::sum);
                continue;
            }
            for (StixPattern.Comparison c : result.comparisons()) {
                String reason = target.add(c.path(), c.value());
                if (reason != null) {
                    LOG.debug("{}: skipping {} = '{}' ({})", fileName, c.path(), c.value(), reason);
                    skipped.merge(reason, 1, Integer::sum);
                }
            }
        }

        List<IndicatorCollection> collections = new ArrayList<>();
        for (Builder b : byId.values()) {
            collections.add(b.build(fileName, filePath));
        }
        if (defaultCollection.count() > 0) {
            collections.add(defaultCollection.build(fileName, filePath));
        }
        Map<String, Integer> counts = new TreeMap<>();
        int total = 0;
        List<String> names = new ArrayList<>();
        for (IndicatorCollection c : collections) {
            names.add(c.name());
            for (IndicatorType t : IndicatorType.values()) {
                int n = c.values(t).size();
                if (n > 0) {
                    counts.merge(t.listName(), n, Integer::sum);
                    total += n;
                }
            }
        }
        if (!skipped.isEmpty()) {
            LOG.info("{}: skipped patterns {}", fileName, skipped);
        }
        IndicatorFileInfo info = new IndicatorFileInfo(file.toAbsolutePath().toString(), sha256,
                total, counts, names, skipped, updated);
        return new ParsedFile(collections, info);
    }

    /** The later of two STIX timestamps ({@code 2021-07-18T00:00:00.000Z}); non-timestamps are ignored. */
    static String later(String current, String candidate) {
        if (candidate.length() < 10 || candidate.length() > 40
                || !candidate.substring(0, 10).matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return current;
        }
        return candidate.compareTo(current) > 0 ? candidate : current;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Maps an object path to its list, or null when unsupported. */
    static IndicatorType typeOf(String rawPath) {
        String path = rawPath.strip();
        int colon = path.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String object = path.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String property = path.substring(colon + 1).strip();
        String lowerProperty = property.toLowerCase(Locale.ROOT);
        switch (object) {
            case "domain-name", "ipv4-addr", "ipv6-addr":
                return lowerProperty.equals("value") ? IndicatorType.DOMAINS : null;
            case "url":
                return lowerProperty.equals("value") ? IndicatorType.URLS : null;
            case "email-addr":
                return lowerProperty.equals("value") ? IndicatorType.EMAILS : null;
            case "process":
                return lowerProperty.equals("name") ? IndicatorType.PROCESSES : null;
            case "file":
                if (lowerProperty.equals("name")) {
                    return IndicatorType.FILE_NAMES;
                }
                if (lowerProperty.equals("path")) {
                    return IndicatorType.FILE_PATHS;
                }
                if (lowerProperty.startsWith("hashes.")) {
                    return switch (hashName(property.substring("hashes.".length()))) {
                        case "md5" -> IndicatorType.FILES_MD5;
                        case "sha1" -> IndicatorType.FILES_SHA1;
                        case "sha256" -> IndicatorType.FILES_SHA256;
                        default -> null;
                    };
                }
                return null;
            case "app":
                if (lowerProperty.equals("id")) {
                    return IndicatorType.APP_IDS;
                }
                if (lowerProperty.startsWith("cert.")) {
                    return switch (hashName(property.substring("cert.".length()))) {
                        case "md5", "sha1", "sha256" -> IndicatorType.APP_CERT_HASHES;
                        default -> null;
                    };
                }
                return null;
            case "configuration-profile":
                return lowerProperty.equals("id") ? IndicatorType.IOS_PROFILE_IDS : null;
            case "android-property":
                return lowerProperty.equals("name") ? IndicatorType.ANDROID_PROPERTY_NAMES : null;
            default:
                return null;
        }
    }

    /** {@code 'SHA-256'}, {@code SHA256}, {@code sha-256} all give {@code sha256}. */
    static String hashName(String raw) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\'' && c != '"' && c != '-' && c != '_' && !Character.isWhitespace(c)) {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    /**
     * Normalises a value for its list as the loader stores it, or returns null with the reason
     * in {@code reason[0]}.
     */
    static String normaliseValue(String rawPath, IndicatorType type, String rawValue,
            String[] reason) {
        String v = rawValue.strip();
        if (v.isEmpty()) {
            reason[0] = "empty value";
            return null;
        }
        String object = rawPath.strip().toLowerCase(Locale.ROOT);
        switch (type) {
            case DOMAINS -> {
                if (object.startsWith("ipv4-addr")) {
                    v = stripHostPrefix(v, "/32");
                    if (v.contains("/")) {
                        reason[0] = "IPv4 CIDR range";
                        return null;
                    }
                    return v;
                }
                if (object.startsWith("ipv6-addr")) {
                    v = stripHostPrefix(v, "/128");
                    if (v.contains("/")) {
                        reason[0] = "IPv6 CIDR range";
                        return null;
                    }
                    String canonical = Hosts.canonicalIp(v);
                    if (canonical == null) {
                        reason[0] = "invalid IPv6 address";
                        return null;
                    }
                    return canonical;
                }
                v = v.toLowerCase(Locale.ROOT);
                if (v.endsWith(".")) {
                    v = v.substring(0, v.length() - 1);
                }
                return v;
            }
            case EMAILS -> {
                return v.toLowerCase(Locale.ROOT);
            }
            case FILE_PATHS -> {
                if (v.replace("/", "").isEmpty()) {
                    reason[0] = "file path indicator is the root directory";
                    return null;
                }
                return v;
            }
            default -> {
                return v;
            }
        }
    }

    private static String stripHostPrefix(String v, String suffix) {
        return v.endsWith(suffix) ? v.substring(0, v.length() - suffix.length()) : v;
    }

    /** A collection being filled. */
    private static final class Builder {
        private final String id;
        private final String name;
        private final String description;
        private final EnumMap<IndicatorType, LinkedHashSet<String>> values =
                new EnumMap<>(IndicatorType.class);

        Builder(String id, String name, String description) {
            this.id = id;
            this.name = name;
            this.description = description;
        }

        /** Adds one comparison; returns a skip reason or null. */
        String add(String path, String rawValue) {
            IndicatorType type = typeOf(path);
            if (type == null) {
                return "unsupported object path " + path.strip();
            }
            String[] reason = new String[1];
            String v = normaliseValue(path, type, rawValue, reason);
            if (v == null) {
                return reason[0];
            }
            values.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(v);
            return null;
        }

        int count() {
            int n = 0;
            for (LinkedHashSet<String> s : values.values()) {
                n += s.size();
            }
            return n;
        }

        IndicatorCollection build(String fileName, String filePath) {
            Map<IndicatorType, List<String>> out = new EnumMap<>(IndicatorType.class);
            values.forEach((t, s) -> out.put(t, List.copyOf(s)));
            return new IndicatorCollection(id, name, description, fileName, filePath, out);
        }
    }
}
