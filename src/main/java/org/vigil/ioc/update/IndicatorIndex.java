package org.vigil.ioc.update;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An index of indicator collections in the mvt-indicators {@code indicators.yaml} format
 * (mvt-behaviour.md 4.6):
 * <pre>
 * indicators:
 *   - type: github
 *     name: ...
 *     sources: [...]
 *     references: [...]
 *     github: {owner: ..., repo: ..., branch: main, path: dir/file.stix2}
 *   - type: other
 *     name: ...
 *     download_url: https://...
 * </pre>
 * A {@code github} entry is fetched from
 * {@code https://raw.githubusercontent.com/{owner}/{repo}/{branch}/{path}} (branch defaults to
 * {@code main}); any other type from its {@code download_url}. Only {@code http} and {@code https}
 * URLs are accepted. An entry that cannot be turned into a URL is kept in {@link #rejected()} with
 * the reason; the other entries stay usable.
 *
 * @param entries usable entries, in index order
 * @param rejected unusable entries, in index order
 */
public record IndicatorIndex(List<Entry> entries, List<Rejected> rejected) {

    /** The public mvt-indicators index, used when no other index is given. */
    public static final String DEFAULT_INDEX =
            "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml";

    /** Most entries taken from one index; later ones are rejected. */
    static final int MAX_ENTRIES = 1000;

    /** Longest file name produced by {@link #fileNameFor(URI)}. */
    static final int MAX_FILE_NAME = 200;

    public IndicatorIndex {
        entries = List.copyOf(entries);
        rejected = List.copyOf(rejected);
    }

    /**
     * One downloadable collection.
     *
     * @param name the entry's name (or its URL when the index gives none)
     * @param type {@code github} or the other type given
     * @param url where the STIX file is downloaded from
     * @param sources organisations credited
     * @param references report URLs
     */
    public record Entry(String name, String type, URI url, List<String> sources,
            List<String> references) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(url, "url");
            sources = List.copyOf(sources);
            references = List.copyOf(references);
        }

        /** The file name the download is saved under ({@link #fileNameFor(URI)}). */
        public String fileName() {
            return fileNameFor(url);
        }
    }

    /**
     * An index entry that cannot be downloaded.
     *
     * @param position 1-based position in the index
     * @param name its name, or {@code entry #<position>}
     * @param reason why
     */
    public record Rejected(int position, String name, String reason) {}

    /**
     * Parses an index.
     *
     * @param yaml the YAML text
     * @param origin where it came from, for messages
     * @throws IndicatorUpdateException when the text is not YAML or has no {@code indicators} list
     */
    public static IndicatorIndex parse(byte[] yaml, String origin) throws IndicatorUpdateException {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JacksonException e) {
            throw new IndicatorUpdateException("Invalid indicator index " + origin + ": "
                    + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IndicatorUpdateException("Cannot read indicator index " + origin + ": "
                    + e.getMessage(), e);
        }
        JsonNode list = root == null ? null : root.get("indicators");
        if (list == null || !list.isArray()) {
            throw new IndicatorUpdateException("Invalid indicator index " + origin
                    + ": no 'indicators' list");
        }
        List<Entry> entries = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        int position = 0;
        for (JsonNode item : list) {
            position++;
            String name = text(item, "name");
            String label = name != null ? name : "entry #" + position;
            if (position > MAX_ENTRIES) {
                rejected.add(new Rejected(position, label, "more than " + MAX_ENTRIES
                        + " entries in the index"));
                continue;
            }
            if (!item.isObject()) {
                rejected.add(new Rejected(position, label, "not a mapping"));
                continue;
            }
            String type = text(item, "type");
            try {
                URI url = urlOf(item, type);
                entries.add(new Entry(name != null ? name : url.toString(),
                        type == null ? "" : type, url, strings(item.get("sources")),
                        strings(item.get("references"))));
            } catch (IllegalArgumentException e) {
                rejected.add(new Rejected(position, label, e.getMessage()));
            }
        }
        return new IndicatorIndex(entries, rejected);
    }

    private static URI urlOf(JsonNode item, String type) {
        String url;
        if ("github".equals(type)) {
            JsonNode gh = item.get("github");
            if (gh == null || !gh.isObject()) {
                throw new IllegalArgumentException("type github without a 'github' mapping");
            }
            String owner = required(gh, "owner");
            String repo = required(gh, "repo");
            String branch = text(gh, "branch");
            String path = required(gh, "path");
            branch = branch == null || branch.isBlank() ? "main" : branch;
            for (String part : new String[] {owner, repo}) {
                if (part.contains("/") || part.equals(".") || part.equals("..")) {
                    throw new IllegalArgumentException("invalid github owner or repo: " + part);
                }
            }
            while (path.startsWith("/")) {
                path = path.substring(1);
            }
            url = "https://raw.githubusercontent.com/" + owner + "/" + repo + "/" + branch + "/"
                    + path;
        } else {
            url = text(item, "download_url");
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("no download_url (type "
                        + (type == null ? "missing" : type) + ")");
            }
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL " + url + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("only http and https URLs are downloaded: " + url);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URL without a host: " + url);
        }
        return uri;
    }

    private static String required(JsonNode node, String field) {
        String v = text(node, field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("github." + field + " is missing");
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isValueNode() || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            for (JsonNode n : node) {
                if (n.isValueNode() && !n.isNull()) {
                    out.add(n.asText());
                }
            }
        }
        return out;
    }

    /**
     * The file name a URL is saved under, as MVT builds it: the URL without its scheme and
     * {@code ://}, {@code /} replaced by {@code _}; then every character other than ASCII letters,
     * digits, {@code .}, {@code -} and {@code _} replaced by {@code _}, a leading {@code .}
     * replaced by {@code _}, {@code .stix2} appended when the name does not end with it, and a name
     * longer than {@value #MAX_FILE_NAME} characters shortened and made unique with a digest of the
     * URL. For example
     * {@code https://raw.githubusercontent.com/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2}
     * gives {@code raw.githubusercontent.com_AmnestyTech_investigations_master_2021-07-18_nso_pegasus.stix2}.
     */
    public static String fileNameFor(URI url) {
        String s = url.toString();
        int sep = s.indexOf("://");
        if (sep >= 0) {
            s = s.substring(sep + 3);
        }
        StringBuilder b = new StringBuilder(s.length() + 6);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                    || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
            b.append(safe ? ch : '_');
        }
        if (b.length() == 0 || b.charAt(0) == '.') {
            b.insert(0, '_');
        }
        String name = b.toString();
        if (!name.endsWith(".stix2")) {
            name = name + ".stix2";
        }
        if (name.length() > MAX_FILE_NAME) {
            String digest = sha256(url.toString()).substring(0, 16);
            int keep = MAX_FILE_NAME - ".stix2".length() - digest.length() - 1;
            name = name.substring(0, keep) + "_" + digest + ".stix2";
        }
        return name;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
