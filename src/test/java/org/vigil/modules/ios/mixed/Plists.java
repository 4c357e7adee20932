package org.vigil.modules.ios.mixed;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: property lists built with dd-plist, written in @TempDir. */
final class Plists {
    private Plists() {}

    static byte[] binary(Object value) throws IOException {
        return BinaryPropertyListWriter.writeToArray(NSObject.fromJavaObject(value));
    }

    static byte[] xml(Object value) {
        return NSObject.fromJavaObject(value).toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }

    static Path writeBinary(Path file, Object value) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, binary(value));
    }

    static Path writeXml(Path file, Object value) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, xml(value));
    }
}
