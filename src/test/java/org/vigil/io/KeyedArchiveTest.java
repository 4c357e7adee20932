package org.vigil.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vigil.core.CorruptArtifactException;

class KeyedArchiveTest {

    static UID uid(int i) {
        return new UID("u" + i, BigInteger.valueOf(i));
    }

    static NSDictionary dict(Object... kv) {
        NSDictionary d = new NSDictionary();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            d.put((String) kv[i], v instanceof NSObject o ? o : NSObject.fromJavaObject(v));
        }
        return d;
    }

    static NSDictionary cls(String name) {
        return dict("$classname", name, "$classes", new NSArray(new NSString(name), new NSString("NSObject")));
    }

    /** An archive with the given $objects and $top = {root: UID(1)}. */
    static byte[] archive(NSObject... objects) throws Exception {
        NSDictionary a = dict("$version", 100000, "$archiver", "NSKeyedArchiver", "$top", dict("root", uid(1)),
                "$objects", new NSArray(objects));
        return BinaryPropertyListWriter.writeToArray(a);
    }

    @Test
    void decodesDictionariesArraysStringsDataAndDates() throws Exception {
        byte[] blob = archive(
                new NSString("$null"),
                dict("NS.keys", new NSArray(uid(2), uid(3), uid(4), uid(5), uid(6)),
                        "NS.objects", new NSArray(uid(7), uid(8), uid(10), uid(11), uid(0)), "$class", uid(13)),
                new NSString("name"), new NSString("items"), new NSString("when"), new NSString("bytes"),
                new NSString("nothing"),
                dict("NS.string", new NSString("mutable"), "$class", uid(14)),
                dict("NS.objects", new NSArray(uid(9), uid(9)), "$class", uid(15)),
                new NSString("shared"),
                dict("NS.time", new NSNumber(662_931_193.5), "$class", uid(16)),
                dict("NS.data", new NSData(new byte[] {9, 8}), "$class", uid(17)),
                new NSString("unused"),
                cls("NSDictionary"), cls("NSMutableString"), cls("NSArray"), cls("NSDate"), cls("NSMutableData"));

        Object root = KeyedArchive.decode(blob, "test blob");

        assertThat(root).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) root;
        assertThat(m.keySet().stream().map(Object::toString).toList()).containsExactly("name", "items", "when", "bytes", "nothing");
        assertThat(m.get("name")).isEqualTo("mutable");
        assertThat(m.get("items")).isEqualTo(List.of("shared", "shared"));
        assertThat(m.get("when")).isEqualTo(Instant.parse("2022-01-03T19:33:13.500Z"));
        assertThat((byte[]) m.get("bytes")).containsExactly(9, 8);
        assertThat(m.containsKey("nothing")).isTrue();
        assertThat(m.get("nothing")).isNull();
    }

    @Test
    void decodesMbFileLikeObjectsIntoFieldMaps() throws Exception {
        byte[] blob = archive(
                new NSString("$null"),
                dict("LastModified", 1610674669L, "Birth", 1610674000L, "Mode", 33188, "UserID", 501,
                        "Size", 1234, "RelativePath", uid(2), "$class", uid(3)),
                new NSString("Library/SMS/sms.db"),
                cls("MBFile"));

        Map<?, ?> m = (Map<?, ?>) KeyedArchive.decode(blob, "blob");

        assertThat(m.get(KeyedArchive.CLASS_KEY)).isEqualTo("MBFile");
        assertThat(m.get("RelativePath")).isEqualTo("Library/SMS/sms.db");
        assertThat(m.get("Mode")).isEqualTo(33188L);
        assertThat(m.get("Birth")).isEqualTo(1610674000L);
    }

    @Test
    void loopingGraphIsCorrupt() throws Exception {
        byte[] blob = archive(
                new NSString("$null"),
                dict("NS.objects", new NSArray(uid(2)), "$class", uid(3)),
                dict("NS.objects", new NSArray(uid(1)), "$class", uid(3)),
                cls("NSArray"));

        assertThatThrownBy(() -> KeyedArchive.decode(blob, "Manifest.db file metadata of abc"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("Manifest.db file metadata of abc: NSKeyedArchiver object graph loops "
                        + "(object 1 contains itself)");
    }

    @Test
    void referenceOutOfRangeIsCorrupt() throws Exception {
        byte[] blob = archive(new NSString("$null"), dict("NS.objects", new NSArray(uid(99)), "$class", uid(2)),
                cls("NSArray"));

        assertThatThrownBy(() -> KeyedArchive.decode(blob, "x"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("x: NSKeyedArchiver reference 99 out of range (3 objects)");
    }

    @Test
    void deepChainIsCorrupt() throws Exception {
        NSObject[] objects = new NSObject[402];
        objects[0] = new NSString("$null");
        for (int i = 1; i < 401; i++) {
            objects[i] = dict("NS.objects", new NSArray(uid(i + 1)), "$class", uid(401));
        }
        objects[401] = cls("NSArray");
        // the last array refers to the class object itself, which decodes as a plain dictionary
        byte[] blob = archive(objects);

        assertThatThrownBy(() -> KeyedArchive.decode(blob, "deep"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("deep: NSKeyedArchiver objects nested deeper than 256");
    }

    @Test
    void notAnArchiveIsCorrupt() throws Exception {
        byte[] plain = BinaryPropertyListWriter.writeToArray(dict("a", "b"));

        assertThatThrownBy(() -> KeyedArchive.decode(plain, "plain"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("plain: not an NSKeyedArchiver archive (no $objects/$top)");
    }
}
