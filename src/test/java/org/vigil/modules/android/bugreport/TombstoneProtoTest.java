package org.vigil.modules.android.bugreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vigil.modules.android.bugreport.Fixtures.androidData;
import static org.vigil.modules.android.bugreport.Fixtures.json;
import static org.vigil.modules.android.bugreport.Fixtures.run;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.ModuleResult;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class TombstoneProtoTest {
    @TempDir
    Path tmp;

    /** A protobuf message written field by field (the test's own encoder of tombstone.proto). */
    static final class Msg {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Msg str(int field, String v) throws IOException {
            out.writeString(field, v);
            return this;
        }

        Msg u32(int field, int v) throws IOException {
            out.writeUInt32(field, v);
            return this;
        }

        Msg i32(int field, int v) throws IOException {
            out.writeInt32(field, v);
            return this;
        }

        Msg msg(int field, Msg m) throws IOException {
            out.writeByteArray(field, m.bytes());
            return this;
        }

        Msg raw(byte[] b) throws IOException {
            out.writeRawBytes(b);
            return this;
        }

        byte[] bytes() throws IOException {
            out.flush();
            return bytes.toByteArray();
        }
    }

    /** A tombstone like Android 12+ writes: crashing thread 31, another thread 32. */
    static Msg tombstone() throws IOException {
        return new Msg()
                .u32(1, 1) // arch ARM64
                .str(2, "google/oriole/oriole:14/AP1A/123:user/release-keys")
                .str(3, "MP1.0")
                .str(4, "2024-05-01 10:11:12.123456789+0200")
                .u32(5, 30).u32(6, 31).u32(7, 1000)
                .str(8, "u:r:system_server:s0")
                .str(9, "/system/bin/surfaceflinger").str(9, "--flag")
                .msg(10, new Msg().i32(1, 11).str(2, "SIGSEGV").i32(3, 1).str(4, "SEGV_MAPERR"))
                .str(14, "abort here")
                .msg(15, new Msg().str(1, "null pointer dereference"))
                .msg(15, new Msg().str(1, "use-after-free").msg(2, new Msg().u32(1, 1).u32(2, 1)
                        .msg(3, new Msg().u32(1, 4096).u32(2, 64))))
                .msg(16, new Msg().u32(1, 32).msg(2, new Msg().i32(1, 32).str(2, "other")))
                .msg(16, new Msg().u32(1, 31).msg(2, new Msg().i32(1, 31).str(2, "RenderThread")))
                .msg(17, new Msg().u32(1, 5).str(7, "/system/lib64/libc.so")) // memory mapping: skipped
                .u32(20, 42);
    }

    @Test
    void decodesTheFieldsMvtKeeps() throws Exception {
        Map<String, Object> t = TombstoneProto.parse("tombstone_03.pb", "2024-05-01 08:11:13.000000",
                tombstone().bytes());
        assertThat(json(t).toString()).isEqualTo("{\"file_name\":\"tombstone_03.pb\","
                + "\"file_timestamp\":\"2024-05-01 08:11:13.000000\","
                + "\"build_fingerprint\":\"google/oriole/oriole:14/AP1A/123:user/release-keys\",\"revision\":\"MP1.0\","
                + "\"arch\":\"ARM64\",\"timestamp\":\"2024-05-01 10:11:12.123456\",\"process_uptime\":42,"
                + "\"command_line\":[\"/system/bin/surfaceflinger\",\"--flag\"],\"pid\":30,\"tid\":31,"
                + "\"process_name\":\"RenderThread\",\"binary_path\":null,\"selinux_label\":\"u:r:system_server:s0\","
                + "\"uid\":1000,\"signal_info\":{\"code\":1,\"code_name\":\"SEGV_MAPERR\",\"name\":\"SIGSEGV\","
                + "\"number\":11},\"cause\":null,\"causes\":[{\"human_readable\":\"null pointer dereference\","
                + "\"memory_error\":null},{\"human_readable\":\"use-after-free\",\"memory_error\":{\"tool\":\"SCUDO\","
                + "\"type\":\"USE_AFTER_FREE\",\"heap\":{\"address\":4096,\"size\":64,\"allocation_tid\":0,"
                + "\"deallocation_tid\":0}}}],\"abort_message\":\"abort here\",\"extra\":null}");
        // same record keys, in the same order, as a text tombstone
        Map<String, Object> text = Tombstones.parseText("t", "", "Build fingerprint: 'x'\nRevision: '0'\n"
                + "Timestamp: 2024-01-01 00:00:00+0000\npid: 1, tid: 1, name: a  >>> b <<<\nuid: 0\n"
                + "signal 11 (SIGSEGV), code 1 (X)\n");
        assertThat(List.copyOf(t.keySet())).isEqualTo(List.copyOf(text.keySet()));
    }

    @Test
    void defaultsWhenFieldsAreAbsent() throws Exception {
        Map<String, Object> t = TombstoneProto.parse("t.pb", "", new Msg().str(4, "2024-05-01 10:11:12").bytes());
        assertThat(t.get("arch")).isEqualTo("ARM32");
        assertThat(t.get("process_name")).isEqualTo("Unknown");
        assertThat(t.get("abort_message")).isEqualTo("");
        assertThat(t.get("command_line")).isEqualTo(List.of());
        assertThat(json(t.get("signal_info")).toString())
                .isEqualTo("{\"code\":0,\"code_name\":\"\",\"name\":\"\",\"number\":0}");
    }

    @Test
    void realSampleMatchesItsTextTwin() throws Exception {
        byte[] pb = Files.readAllBytes(androidData("tombstone_process.pb"));
        Map<String, Object> t = TombstoneProto.parse("tombstone_process.pb", "", pb);
        assertThat(t.get("command_line")).isEqualTo(List.of("/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek"));
        assertThat(t.get("uid")).isEqualTo(1046);
        assertThat(t.get("pid")).isEqualTo(25541);
        assertThat(t.get("process_name")).isEqualTo("mtk.ape.decoder");
        assertThat(t.get("timestamp")).isEqualTo("2023-04-12 12:32:40.518290");
    }

    @Test
    void malformedProtobufIsUnreadable() throws Exception {
        byte[] good = tombstone().bytes();
        assertThatThrownBy(() -> TombstoneProto.parse("cut.pb", "", Arrays.copyOf(good, good.length - 4)))
                .isInstanceOf(CorruptArtifactException.class).hasMessageStartingWith("cut.pb: not a valid protobuf"
                        + " tombstone (");
        assertThatThrownBy(() -> TombstoneProto.parse("junk.pb", "", new byte[] {(byte) 0xff, (byte) 0xff}))
                .isInstanceOf(CorruptArtifactException.class);
        assertThatThrownBy(() -> TombstoneProto.parse("nots.pb", "", new Msg().u32(5, 1).bytes()))
                .isInstanceOf(CorruptArtifactException.class)
                .hasMessage("nots.pb: no readable timestamp in the protobuf tombstone (\"\")");
    }

    @Test
    void deeplyNestedGroupsAreRefusedNotRecursed() throws Exception {
        byte[] groups = new byte[200_000];
        Arrays.fill(groups, (byte) 0x5b); // field 11, wire type 3 (start group), nested over and over
        byte[] data = new Msg().str(4, "2024-05-01 10:11:12").raw(groups).bytes();
        assertThatThrownBy(() -> TombstoneProto.parse("g.pb", "", data))
                .isInstanceOf(CorruptArtifactException.class).hasMessageContaining("unexpected group field 11");
    }

    @Test
    void moduleReadsProtobufCountsBadFilesAndFallsBackToTheTwin() throws Exception {
        Path pbOnly = Files.write(tmp.resolve("a"), tombstone().bytes());
        Path brokenText = Files.writeString(tmp.resolve("b"), "garbage\n");
        Path twin = Files.write(tmp.resolve("c"), tombstone().str(2, "twin").bytes());
        Path broken = Files.write(tmp.resolve("d"), new byte[] {(byte) 0xff});
        FakeSource s = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp)
                .add("1", "", "FS/data/tombstones/tombstone_00.pb", pbOnly)
                .add("2", "", "FS/data/tombstones/tombstone_01", brokenText)
                .add("3", "", "FS/data/tombstones/tombstone_01.pb", twin)
                .add("4", "", "FS/data/tombstones/tombstone_02.pb", broken);
        ModuleResult res = run(new Tombstones(), s);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> r = (List<Map<String, Object>>) res.results();
        assertThat(r).extracting(t -> t.get("file_name")).containsExactly("tombstone_00.pb", "tombstone_01.pb");
        assertThat(r.get(1).get("build_fingerprint")).isEqualTo("twin");
        assertThat(res.timeline()).hasSize(2);

        FakeSource allBad = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp)
                .add("4", "", "FS/data/tombstones/tombstone_02.pb", broken);
        assertThatThrownBy(() -> run(new Tombstones(), allBad)).isInstanceOf(CorruptArtifactException.class)
                .hasMessageStartingWith("none of the 1 tombstone files could be read (tombstone_02.pb: ");
    }

    @Test
    void textAndProtobufTwinsCountOnce() throws Exception {
        Path text = Files.copy(androidData("tombstone_process.txt"), tmp.resolve("t"));
        Path pb = Files.copy(androidData("tombstone_process.pb"), tmp.resolve("t.pb"));
        FakeSource s = new FakeSource(SourceKind.ANDROID_BUGREPORT, tmp)
                .add("1", "", "FS/data/tombstones/tombstone_07", text)
                .add("2", "", "FS/data/tombstones/tombstone_07.pb", pb);
        ModuleResult res = run(new Tombstones(), s);
        assertThat(res.recordCount()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> r = (List<Map<String, Object>>) res.results();
        assertThat(r.get(0).get("file_name")).isEqualTo("tombstone_07");
    }
}
