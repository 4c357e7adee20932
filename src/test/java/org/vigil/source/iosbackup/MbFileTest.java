package org.vigil.source.iosbackup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import com.dd.plist.UID;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.vigil.core.CorruptArtifactException;
import org.vigil.io.SqliteReader;
import org.vigil.source.FileMeta;
import org.vigil.testing.SharedData;

class MbFileTest {

    @Test
    void fastPathReadsTheUsualLayout() throws Exception {
        byte[] blob = BackupFixture.mbFile("Library/SMS/sms.db", 278528, 0100644, 501, 1566918489L, 1638501497L,
                1638559914L);
        FileMeta expected = new FileMeta(278528, 0100644, 501, 1566918489L, 1638501497L, 1638559914L);

        assertThat(MbFileFastPath.read(blob)).isEqualTo(expected);
        assertThat(MbFile.decodeGraph(blob, "x")).isEqualTo(expected);
        assertThat(MbFile.decode(blob, "x")).isEqualTo(expected);
    }

    @Test
    void unusualLayoutsFallBackToTheGeneralDecoder() throws Exception {
        NSDictionary file = new NSDictionary();
        file.put("Birth", 1566918489.75); // a real, not an integer
        file.put("Mode", 0100644);
        file.put("$class", new UID("c", BigInteger.valueOf(2)));
        NSDictionary cls = new NSDictionary();
        cls.put("$classname", "MBFile");
        NSDictionary top = new NSDictionary();
        top.put("root", new UID("r", BigInteger.ONE));
        NSDictionary archive = new NSDictionary();
        archive.put("$top", top);
        archive.put("$objects", new NSArray(new NSString("$null"), file, cls));
        byte[] blob = BackupFixture.bytes(archive);

        assertThat(MbFileFastPath.read(blob)).isNull();
        assertThat(MbFile.decode(blob, "x")).isEqualTo(new FileMeta(-1, 0100644, -1, 1566918489L, null, null));
    }

    @Test
    void damagedBlobsAreCorrupt() {
        byte[] blob = BackupFixture.mbFile("a", 1, 0100644, 501, 1, 2, 3);
        byte[] cut = Arrays.copyOf(blob, blob.length - 40);

        assertThat(MbFileFastPath.read(cut)).isNull();
        assertThatThrownBy(() -> MbFile.decode(cut, "Manifest.db file metadata of abc"))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("Manifest.db file metadata of abc: ");
    }

    @Test
    void fastPathAgreesWithTheGeneralDecoderOnTheSample() throws Exception {
        int rows = 0;
        try (SqliteReader r = SqliteReader.open(SharedData.iosBackup().resolve("Manifest.db"), "Manifest.db");
                var st = r.connection().createStatement();
                ResultSet rs = st.executeQuery("SELECT fileID, file FROM Files")) {
            while (rs.next()) {
                byte[] blob = rs.getBytes(2);
                FileMeta fast = MbFileFastPath.read(blob);
                assertThat(fast).as(rs.getString(1)).isNotNull().isEqualTo(MbFile.decodeGraph(blob, "x"));
                rows++;
            }
        }
        assertThat(rows).isEqualTo(3721);
    }
}
