package org.vigil.demo;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;

/**
 * The demo's STIX 2.1 indicators file ({@value #FILE_NAME}): one identity, one malware
 * {@value #MALWARE_NAME}, and one indicator per value below, each linked to the malware by an
 * {@code indicates} relationship (the linkage MVT and Vigil use to name the collection).
 *
 * <p>All values are fictional: domains are sub-domains of the RFC 2606 reserved {@code example.net}
 * and {@code example.org}; the process name and path belong to no real software. Ids are
 * name-based UUIDv5 and all timestamps are fixed, so the file is byte-identical on every run.
 */
public final class DemoIndicators {
    /** File name the demo uses. */
    public static final String FILE_NAME = "demo-campaign.stix2";
    /** Name of the malware object, which is also the collection name in matches. */
    public static final String MALWARE_NAME = "DemoSpy (fictional)";
    /** Domain of the link in the planted SMS. */
    public static final String SMS_DOMAIN = "secure-login.example.net";
    /** Domain the planted Safari redirect lands on. */
    public static final String SAFARI_DOMAIN = "cdn-delivery.example.net";
    /** Exact URL the planted Safari redirect lands on (a {@code url:value} indicator). */
    public static final String SAFARI_URL = "https://cdn-delivery.example.net/l/4f7a1b";
    /** A campaign domain that appears nowhere in the demo backup. */
    public static final String UNUSED_DOMAIN = "update-check.example.org";
    /** Process name of the fictional implant (in DataUsage.sqlite). */
    public static final String PROCESS = "msgservd";
    /** A file path of the implant; a backup does not contain it, so it matches nothing here. */
    public static final String FILE_PATH = "/private/var/db/msgservd.staging/";
    /** Created/modified/valid_from time of every object. */
    public static final String TIMESTAMP = "2023-09-20T00:00:00.000Z";

    /** Namespace for the name-based ids (a UUIDv5 of "vigil-demo" in the URL namespace). */
    private static final UUID NAMESPACE = uuid5(UUID.fromString("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "vigil-demo");

    /** One indicator of the file: its STIX pattern and a human name. */
    public record DemoIndicator(String pattern, String name, String description) {}

    private DemoIndicators() {}

    /** The indicators, in file order. */
    public static List<DemoIndicator> indicators() {
        return List.of(
                new DemoIndicator("[domain-name:value='" + SMS_DOMAIN + "']", "Phishing domain (SMS lure)",
                        "Domain of the one-click links sent by SMS."),
                new DemoIndicator("[domain-name:value='" + SAFARI_DOMAIN + "']", "Exploit delivery domain",
                        "Domain that serves the exploit after a network injection redirect."),
                new DemoIndicator("[domain-name:value='" + UNUSED_DOMAIN + "']", "Command and control domain",
                        "Domain contacted by the implant (not present in the demo backup)."),
                new DemoIndicator("[url:value='" + SAFARI_URL + "']", "Exploit delivery URL",
                        "Landing URL of the injected redirect."),
                new DemoIndicator("[process:name='" + PROCESS + "']", "Implant process",
                        "Process name of the implant, seen in network usage databases."),
                new DemoIndicator("[file:path='" + FILE_PATH + "']", "Implant staging folder",
                        "Folder the implant writes to (visible only in a full file-system dump)."));
    }

    /** The STIX2 JSON, UTF-8, LF line ends. */
    public static byte[] bytes() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode bundle = mapper.createObjectNode();
        bundle.put("type", "bundle");
        bundle.put("id", "bundle--" + id("bundle"));
        ArrayNode objects = bundle.putArray("objects");

        String identityId = "identity--" + id("identity");
        ObjectNode identity = sdo(objects, "identity", identityId);
        identity.put("name", "Vigil demo (fictional research group)");
        identity.put("identity_class", "organization");

        String malwareId = "malware--" + id("malware");
        ObjectNode malware = sdo(objects, "malware", malwareId);
        malware.put("created_by_ref", identityId);
        malware.put("name", MALWARE_NAME);
        malware.put("description", "A fictional spyware family invented for Vigil's demo. "
                + "Nothing here refers to real software, people or infrastructure.");
        malware.putArray("malware_types").add("spyware");
        malware.put("is_family", false);

        List<DemoIndicator> list = indicators();
        for (DemoIndicator i : list) {
            ObjectNode ind = sdo(objects, "indicator", "indicator--" + id("indicator:" + i.pattern()));
            ind.put("created_by_ref", identityId);
            ind.put("name", i.name());
            ind.put("description", i.description());
            ind.putArray("indicator_types").add("malicious-activity");
            ind.put("pattern", i.pattern());
            ind.put("pattern_type", "stix");
            ind.put("pattern_version", "2.1");
            ind.put("valid_from", TIMESTAMP);
        }
        for (DemoIndicator i : list) {
            ObjectNode rel = sdo(objects, "relationship", "relationship--" + id("relationship:" + i.pattern()));
            rel.put("created_by_ref", identityId);
            rel.put("relationship_type", "indicates");
            rel.put("source_ref", "indicator--" + id("indicator:" + i.pattern()));
            rel.put("target_ref", malwareId);
        }
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            String json = mapper.writer(printer).writeValueAsString(bundle) + "\n";
            return json.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the demo STIX bundle", e);
        }
    }

    /** Writes the file (replacing it if it exists). */
    public static void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, bytes());
    }

    private static ObjectNode sdo(ArrayNode objects, String type, String id) {
        ObjectNode o = objects.addObject();
        o.put("type", type);
        o.put("spec_version", "2.1");
        o.put("id", id);
        o.put("created", TIMESTAMP);
        o.put("modified", TIMESTAMP);
        return o;
    }

    private static String id(String name) {
        return uuid5(NAMESPACE, name).toString();
    }

    /** RFC 4122 name-based UUID, version 5 (SHA-1). */
    static UUID uuid5(UUID namespace, String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            java.nio.ByteBuffer ns = java.nio.ByteBuffer.allocate(16);
            ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
            sha1.update(ns.array());
            byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            h[6] = (byte) ((h[6] & 0x0f) | 0x50);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(h, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
