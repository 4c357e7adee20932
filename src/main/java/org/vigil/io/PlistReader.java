package org.vigil.io;

import com.dd.plist.ASCIIPropertyListParser;
import com.dd.plist.BinaryPropertyListParser;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSSet;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import com.dd.plist.XMLPropertyListParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.vigil.core.CorruptArtifactException;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.ext.DeclHandler;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads property lists (binary {@code bplist00}, XML and ASCII/OpenStep) from evidence into plain
 * Java values, with dd-plist underneath.
 *
 * <p>Values: a dictionary is an unmodifiable {@code Map<String, Object>} in the order the plist
 * gives; an array or set is an unmodifiable {@code List<Object>}; strings are {@link String};
 * integers {@link Long}; reals {@link Double}; booleans {@link Boolean}; data {@code byte[]}; dates
 * {@link java.time.Instant} (millisecond precision, as dd-plist keeps them); NSKeyedArchiver
 * references {@link Uid}. Decode NSKeyedArchiver graphs with {@link KeyedArchive}.
 *
 * <p>Hostile input: files above {@link #MAX_BYTES} are refused; nesting deeper than
 * {@link #MAX_DEPTH} is refused before dd-plist recurses into it (binary object graphs are walked
 * iteratively first, XML and ASCII nesting is counted first); binary reference cycles are refused.
 * XML is first read by a hardened SAX pass that loads no external DTD, resolves no external entity,
 * and refuses any entity declaration or undeclared entity; only then does dd-plist (itself
 * configured without external entities) build the values. Every failure is a
 * {@link CorruptArtifactException} naming the file.
 */
public final class PlistReader {
    /** Largest plist read, in bytes. */
    public static final long MAX_BYTES = 256L * 1024 * 1024;
    /** Deepest nesting of containers accepted. */
    public static final int MAX_DEPTH = 256;

    private static final byte[] BPLIST = "bplist".getBytes(StandardCharsets.US_ASCII);

    /**
     * An NSKeyedArchiver object reference (a binary plist UID): an index into {@code $objects}.
     *
     * @param index the object index
     */
    public record Uid(long index) {}

    private PlistReader() {}

    /**
     * Reads a plist file.
     *
     * @param file the file (only read)
     * @param name how to name it in messages (e.g. {@code Info.plist})
     * @return the root value
     * @throws CorruptArtifactException when the file is too large or not a valid plist
     * @throws IOException when the file cannot be read
     */
    public static Object read(Path file, String name) throws CorruptArtifactException, IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw tooLarge(name, size);
        }
        return parse(Files.readAllBytes(file), name);
    }

    /** Reads a plist whose root must be a dictionary. */
    public static Map<String, Object> readDict(Path file, String name) throws CorruptArtifactException, IOException {
        return asDict(read(file, name), name);
    }

    /** Reads a plist from a stream (not closed), at most {@link #MAX_BYTES}. */
    public static Object read(InputStream in, String name) throws CorruptArtifactException, IOException {
        byte[] data = in.readNBytes((int) MAX_BYTES + 1);
        if (data.length > MAX_BYTES) {
            throw tooLarge(name, data.length);
        }
        return parse(data, name);
    }

    /** Parses a plist whose root must be a dictionary. */
    public static Map<String, Object> parseDict(byte[] data, String name) throws CorruptArtifactException {
        return asDict(parse(data, name), name);
    }

    /**
     * Parses a plist held in memory (binary, XML or ASCII, detected from the content).
     *
     * @param data the plist bytes
     * @param name how to name it in messages
     * @return the root value (never null)
     * @throws CorruptArtifactException when the data is not a valid plist or breaks a limit
     */
    public static Object parse(byte[] data, String name) throws CorruptArtifactException {
        if (data.length == 0) {
            throw new CorruptArtifactException(name + ": empty file (0 bytes), not a property list");
        }
        if (data.length > MAX_BYTES) {
            throw tooLarge(name, data.length);
        }
        NSObject root;
        try {
            if (startsWith(data, BPLIST)) {
                BinaryPlistCheck.check(data, MAX_DEPTH, name);
                root = BinaryPropertyListParser.parse(data);
            } else if (looksLikeXml(data)) {
                checkXml(data, name);
                root = XMLPropertyListParser.parse(data);
            } else {
                checkAsciiDepth(data, name);
                root = ASCIIPropertyListParser.parse(data);
            }
        } catch (CorruptArtifactException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new CorruptArtifactException(name + ": property list nested too deeply");
        } catch (Exception e) {
            throw new CorruptArtifactException(name + ": not a valid property list (" + describe(e) + ")", e);
        }
        if (root == null) {
            throw new CorruptArtifactException(name + ": property list has no root object");
        }
        return new Converter(name).convert(root, 0);
    }

    private static Map<String, Object> asDict(Object root, String name) throws CorruptArtifactException {
        if (root instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> dict = (Map<String, Object>) m;
            return dict;
        }
        throw new CorruptArtifactException(name + ": property list root is not a dictionary but "
                + typeName(root));
    }

    /** A short type name for messages. */
    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "a dictionary";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof byte[]) {
            return "data";
        }
        return "a " + value.getClass().getSimpleName();
    }

    private static CorruptArtifactException tooLarge(String name, long size) {
        return new CorruptArtifactException(name + ": property list too large (" + size + " bytes, limit "
                + MAX_BYTES + ")");
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        String text = msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when the first non-blank character (after a BOM, UTF-8 or UTF-16) is '<'. */
    private static boolean looksLikeXml(byte[] d) {
        int i = 0;
        int step = 1;
        int lead = 0;
        if (d.length >= 3 && (d[0] & 0xff) == 0xEF && (d[1] & 0xff) == 0xBB && (d[2] & 0xff) == 0xBF) {
            i = 3;
        } else if (d.length >= 2 && (d[0] & 0xff) == 0xFE && (d[1] & 0xff) == 0xFF) {
            i = 2;
            step = 2;
            lead = 1; // big endian: the ASCII byte is the second of each pair
        } else if (d.length >= 2 && (d[0] & 0xff) == 0xFF && (d[1] & 0xff) == 0xFE) {
            i = 2;
            step = 2;
        }
        for (; i + lead < d.length; i += step) {
            int c = d[i + lead] & 0xff;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            return c == '<';
        }
        return false;
    }

    /**
     * The hardened SAX pass run before dd-plist sees an XML plist: no external DTD or entity is
     * ever fetched, any entity declaration or undeclared entity is refused, and element nesting is
     * bounded.
     */
    static void checkXml(byte[] data, String name) throws CorruptArtifactException {
        XmlGuard guard = new XmlGuard();
        try {
            SAXParserFactory f = SAXParserFactory.newInstance();
            f.setNamespaceAware(false);
            f.setValidating(false);
            f.setXIncludeAware(false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            SAXParser parser = f.newSAXParser();
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            XMLReader reader = parser.getXMLReader();
            reader.setProperty("http://xml.org/sax/properties/declaration-handler", guard);
            reader.setEntityResolver(guard);
            reader.setContentHandler(guard);
            reader.setErrorHandler(guard);
            reader.parse(new InputSource(new ByteArrayInputStream(data)));
        } catch (XmlRefused e) {
            throw new CorruptArtifactException(name + ": XML property list refused (" + e.getMessage() + ")");
        } catch (SAXException | IOException e) {
            throw new CorruptArtifactException(name + ": not a valid XML property list (" + describe(e) + ")", e);
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException("the platform XML parser cannot be hardened", e);
        }
    }

    /** A rule of the hardened XML pass was broken. */
    private static final class XmlRefused extends SAXException {
        private static final long serialVersionUID = 1L;

        XmlRefused(String message) {
            super(message);
        }
    }

    private static final class XmlGuard extends DefaultHandler implements DeclHandler {
        private int depth;

        @Override
        public InputSource resolveEntity(String publicId, String systemId) {
            // never fetch anything: an empty document stands in for any external resource
            return new InputSource(new StringReader(""));
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes)
                throws SAXException {
            if (++depth > MAX_DEPTH + 1) {
                throw new XmlRefused("elements nested deeper than " + MAX_DEPTH);
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            depth--;
        }

        @Override
        public void skippedEntity(String entity) throws SAXException {
            throw new XmlRefused("undeclared entity &" + entity + ";");
        }

        @Override
        public void internalEntityDecl(String entity, String value) throws SAXException {
            throw new XmlRefused("entity declaration " + entity);
        }

        @Override
        public void externalEntityDecl(String entity, String publicId, String systemId) throws SAXException {
            throw new XmlRefused("external entity declaration " + entity);
        }

        @Override
        public void elementDecl(String elementName, String model) {}

        @Override
        public void attributeDecl(String eName, String aName, String type, String mode, String value) {}

        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void error(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
        }
    }

    /** Counts bracket nesting of an ASCII plist (outside strings and comments). */
    static void checkAsciiDepth(byte[] d, String name) throws CorruptArtifactException {
        int depth = 0;
        int i = 0;
        while (i < d.length) {
            int c = d[i] & 0xff;
            if (c == '"' || c == '\'') {
                i++;
                while (i < d.length && (d[i] & 0xff) != c) {
                    i += (d[i] & 0xff) == '\\' ? 2 : 1;
                }
            } else if (c == '/' && i + 1 < d.length && d[i + 1] == '/') {
                while (i < d.length && d[i] != '\n' && d[i] != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 1 < d.length && d[i + 1] == '*') {
                i += 2;
                while (i + 1 < d.length && !(d[i] == '*' && d[i + 1] == '/')) {
                    i++;
                }
                i++;
            } else if (c == '(' || c == '{') {
                if (++depth > MAX_DEPTH) {
                    throw new CorruptArtifactException(name + ": property list nested deeper than " + MAX_DEPTH);
                }
            } else if (c == ')' || c == '}') {
                depth--;
            }
            i++;
        }
    }

    /** dd-plist objects to plain values; shared sub-objects are converted once. */
    private static final class Converter {
        private final String name;
        private final IdentityHashMap<NSObject, Object> done = new IdentityHashMap<>();

        Converter(String name) {
            this.name = name;
        }

        Object convert(NSObject o, int depth) throws CorruptArtifactException {
            if (o == null) {
                return null;
            }
            if (o instanceof NSString s) {
                return s.getContent();
            }
            if (o instanceof NSNumber n) {
                if (n.isBoolean()) {
                    return n.boolValue();
                }
                return n.isInteger() ? (Object) n.longValue() : (Object) n.doubleValue();
            }
            if (o instanceof NSData d) {
                return d.bytes();
            }
            if (o instanceof NSDate d) {
                return d.getDate().toInstant();
            }
            if (o instanceof UID u) {
                return new Uid(new BigInteger(1, u.getBytes()).longValue());
            }
            if (!(o instanceof NSDictionary || o instanceof NSArray || o instanceof NSSet)) {
                return null; // NSNull and unknown kinds
            }
            if (depth >= MAX_DEPTH) {
                throw new CorruptArtifactException(name + ": property list nested deeper than " + MAX_DEPTH);
            }
            if (done.containsKey(o)) {
                return done.get(o);
            }
            Object result;
            if (o instanceof NSDictionary d) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Map.Entry<String, NSObject> e : d.getHashMap().entrySet()) {
                    m.put(e.getKey(), convert(e.getValue(), depth + 1));
                }
                result = Collections.unmodifiableMap(m);
            } else {
                NSObject[] items = o instanceof NSArray a ? a.getArray() : ((NSSet) o).allObjects();
                List<Object> l = new ArrayList<>(items.length);
                for (NSObject item : items) {
                    l.add(convert(item, depth + 1));
                }
                result = Collections.unmodifiableList(l);
            }
            done.put(o, result);
            return result;
        }
    }
}
