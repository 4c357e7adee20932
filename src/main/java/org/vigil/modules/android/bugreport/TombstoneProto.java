package org.vigil.modules.android.bugreport;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vigil.core.CorruptArtifactException;

/**
 * Decodes the fields MVT reads from an Android protobuf tombstone ({@code tombstone_NN.pb},
 * message {@code Tombstone} of AOSP's {@code system/core/debuggerd/proto/tombstone.proto}) with
 * protobuf-java's {@link CodedInputStream}, by field number; every other field (registers,
 * backtraces, memory maps, logs, open files, ...) is skipped unread.
 *
 * <p>Hand-decoding rather than generated classes: the record needs about fifteen scalar fields of
 * four messages; generated code for the whole schema would be thousands of lines (or a protoc
 * binary at build time) to read them, and it would parse, allocate and keep every skipped field
 * (memory dumps, log buffers) in memory. Field numbers used (stable in AOSP since Android 12):
 * Tombstone {@code arch=1 build_fingerprint=2 revision=3 timestamp=4 pid=5 tid=6 uid=7
 * selinux_label=8 command_line=9 signal_info=10 abort_message=14 causes=15 threads=16
 * process_uptime=20}; Signal {@code number=1 name=2 code=3 code_name=4}; Cause
 * {@code human_readable=1 memory_error=2}; MemoryError {@code tool=1 type=2 heap=3}; HeapObject
 * {@code address=1 size=2 allocation_tid=3 deallocation_tid=5}; Thread {@code id=1 name=2}; the
 * threads map entry {@code key=1 value=2}.
 *
 * <p>The record has the shape of a text tombstone's ({@link Tombstones#parseText}), as MVT's
 * {@code TombstoneCrashResult}: proto3 defaults for absent fields ({@code ""}, {@code 0},
 * {@code arch "ARM32"}), {@code process_name} the name of the thread whose id is the crashing
 * {@code tid} (else {@code "Unknown"}), {@code binary_path}, {@code cause} and {@code extra}
 * null, {@code causes} as {@code [{human_readable, memory_error}]}.
 */
final class TombstoneProto {
    /** Nesting limit for the messages read (the schema needs 4 levels). */
    private static final int RECURSION_LIMIT = 16;
    private static final String[] ARCH = {"ARM32", "ARM64", "X86", "X86_64", "RISCV64", "NONE"};
    private static final String[] TOOL = {"GWP_ASAN", "SCUDO"};
    private static final String[] ERROR_TYPE = {"UNKNOWN", "USE_AFTER_FREE", "DOUBLE_FREE", "INVALID_FREE",
        "BUFFER_OVERFLOW", "BUFFER_UNDERFLOW"};

    private TombstoneProto() {}

    /**
     * Decodes a protobuf tombstone into MVT's record.
     *
     * @throws CorruptArtifactException when the bytes are not a valid protobuf message, or the
     *     tombstone has no parseable timestamp
     */
    static Map<String, Object> parse(String fileName, String fileTimestamp, byte[] data)
            throws CorruptArtifactException {
        CodedInputStream in = CodedInputStream.newInstance(data);
        in.setRecursionLimit(RECURSION_LIMIT);
        String arch = ARCH[0];
        String fingerprint = "";
        String revision = "";
        String timestamp = "";
        int pid = 0;
        int tid = 0;
        int uid = 0;
        String selinux = "";
        List<String> commandLine = new ArrayList<>();
        long uptime = 0;
        Map<String, Object> signal = null;
        String abort = "";
        List<Map<String, Object>> causes = new ArrayList<>();
        Map<Integer, String> threadNames = new HashMap<>();
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> arch = name(ARCH, in.readEnum());
                    case 2 -> fingerprint = in.readString();
                    case 3 -> revision = in.readString();
                    case 4 -> timestamp = in.readString();
                    case 5 -> pid = in.readUInt32();
                    case 6 -> tid = in.readUInt32();
                    case 7 -> uid = in.readUInt32();
                    case 8 -> selinux = in.readString();
                    case 9 -> commandLine.add(in.readString());
                    case 10 -> signal = signal(message(in));
                    case 14 -> abort = in.readString();
                    case 15 -> causes.add(cause(message(in)));
                    case 16 -> thread(message(in), threadNames);
                    case 20 -> uptime = in.readUInt32() & 0xffffffffL;
                    default -> skip(in, tag);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptArtifactException(fileName + ": not a valid protobuf tombstone (" + e.getMessage() + ")",
                    e);
        } catch (IOException | RuntimeException e) {
            throw new CorruptArtifactException(fileName + ": not a valid protobuf tombstone (" + e + ")", e);
        }
        if (signal == null) {
            signal = signalRecord(0, "", 0, "");
        }
        String ts;
        try {
            ts = Tombstones.timestamp(timestamp);
        } catch (IllegalArgumentException e) {
            throw new CorruptArtifactException(fileName + ": no readable timestamp in the protobuf tombstone (\""
                    + timestamp + "\")");
        }
        String processName = threadNames.getOrDefault(tid, "");
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("file_name", fileName);
        t.put("file_timestamp", fileTimestamp);
        t.put("build_fingerprint", fingerprint);
        t.put("revision", revision);
        t.put("arch", arch);
        t.put("timestamp", ts);
        t.put("process_uptime", uptime);
        t.put("command_line", commandLine);
        t.put("pid", pid & 0xffffffffL);
        t.put("tid", tid & 0xffffffffL);
        t.put("process_name", processName.isEmpty() ? "Unknown" : processName);
        t.put("binary_path", null);
        t.put("selinux_label", selinux);
        t.put("uid", uid < 0 ? (Object) (uid & 0xffffffffL) : (Object) uid);
        t.put("signal_info", signal);
        t.put("cause", null);
        t.put("causes", causes);
        t.put("abort_message", abort);
        t.put("extra", null);
        // int fields as Integer when they fit (same JSON as text tombstones; uid checks compare Integers)
        for (String k : List.of("process_uptime", "pid", "tid")) {
            long v = (Long) t.get(k);
            t.put(k, v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v);
        }
        return t;
    }

    /** The bytes of a length-delimited field, as its own stream. */
    private static CodedInputStream message(CodedInputStream in) throws IOException {
        CodedInputStream sub = CodedInputStream.newInstance(in.readByteArray());
        sub.setRecursionLimit(RECURSION_LIMIT);
        return sub;
    }

    private static Map<String, Object> signal(CodedInputStream in) throws IOException {
        int number = 0;
        String name = "";
        int code = 0;
        String codeName = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> number = in.readInt32();
                case 2 -> name = in.readString();
                case 3 -> code = in.readInt32();
                case 4 -> codeName = in.readString();
                default -> skip(in, tag);
            }
        }
        return signalRecord(number, name, code, codeName);
    }

    private static Map<String, Object> signalRecord(int number, String name, int code, String codeName) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("code", code);
        s.put("code_name", codeName);
        s.put("name", name);
        s.put("number", number);
        return s;
    }

    private static Map<String, Object> cause(CodedInputStream in) throws IOException {
        String text = "";
        Map<String, Object> memoryError = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> text = in.readString();
                case 2 -> memoryError = memoryError(message(in));
                default -> skip(in, tag);
            }
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("human_readable", text);
        c.put("memory_error", memoryError);
        return c;
    }

    private static Map<String, Object> memoryError(CodedInputStream in) throws IOException {
        String tool = TOOL[0];
        String type = ERROR_TYPE[0];
        Map<String, Object> heap = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> tool = name(TOOL, in.readEnum());
                case 2 -> type = name(ERROR_TYPE, in.readEnum());
                case 3 -> heap = heap(message(in));
                default -> skip(in, tag);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", tool);
        m.put("type", type);
        m.put("heap", heap);
        return m;
    }

    private static Map<String, Object> heap(CodedInputStream in) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        for (String k : List.of("address", "size", "allocation_tid", "deallocation_tid")) {
            h.put(k, 0L);
        }
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> h.put("address", unsigned(in.readUInt64()));
                case 2 -> h.put("size", unsigned(in.readUInt64()));
                case 3 -> h.put("allocation_tid", unsigned(in.readUInt64()));
                case 5 -> h.put("deallocation_tid", unsigned(in.readUInt64()));
                default -> skip(in, tag);
            }
        }
        return h;
    }

    /** One {@code map<uint32, Thread>} entry: records the thread's name by its own id (as MVT). */
    private static void thread(CodedInputStream entry, Map<Integer, String> names) throws IOException {
        int id = 0;
        String name = "";
        boolean hasValue = false;
        int tag;
        while ((tag = entry.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 2 -> {
                    hasValue = true;
                    CodedInputStream t = message(entry);
                    int ttag;
                    while ((ttag = t.readTag()) != 0) {
                        switch (WireFormat.getTagFieldNumber(ttag)) {
                            case 1 -> id = t.readInt32();
                            case 2 -> name = t.readString();
                            default -> skip(t, ttag);
                        }
                    }
                }
                default -> skip(entry, tag);
            }
        }
        if (hasValue && !name.isEmpty()) {
            names.putIfAbsent(id, name);
        }
    }

    /**
     * Skips a field. Groups (a proto2 feature no tombstone field uses) are refused: skipping them
     * recurses once per nesting level, which a hostile file could use to exhaust the stack.
     */
    private static void skip(CodedInputStream in, int tag) throws IOException {
        int type = WireFormat.getTagWireType(tag);
        if (type == WireFormat.WIRETYPE_START_GROUP || type == WireFormat.WIRETYPE_END_GROUP) {
            throw new InvalidProtocolBufferException("unexpected group field " + WireFormat.getTagFieldNumber(tag));
        }
        in.skipField(tag);
    }

    private static Object unsigned(long v) {
        return v >= 0 ? (Object) v : (Object) new java.math.BigInteger(Long.toUnsignedString(v));
    }

    private static String name(String[] names, int value) {
        return value >= 0 && value < names.length ? names[value] : Integer.toString(value);
    }
}
