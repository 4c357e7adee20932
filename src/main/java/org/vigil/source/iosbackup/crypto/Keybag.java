package org.vigil.source.iosbackup.crypto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vigil.core.CorruptArtifactException;
import org.vigil.core.Progress;
import org.vigil.core.WrongPasswordException;

/**
 * The backup keybag ({@code BackupKeyBag} of {@code Manifest.plist}): a TLV blob of 4-byte ASCII
 * tags, 4-byte big-endian lengths and values. The first {@code UUID} and {@code WRAP} (and
 * {@code TYPE}, {@code VERS}, {@code SALT}, {@code ITER}, {@code DPSL}, {@code DPIC}, ...) describe
 * the keybag; every later {@code UUID} starts a class key holding {@code CLAS}, {@code WRAP},
 * {@code KTYP}, {@code WPKY} and {@code PBKY}.
 *
 * <p>The passcode key: {@code PBKDF2-HMAC-SHA256(password, DPSL, DPIC, 32)} then
 * {@code PBKDF2-HMAC-SHA1(that, SALT, ITER, 32)} when the keybag has {@code DPSL} and
 * {@code DPIC} (iOS 10.2 and later), else only the SHA-1 stage on the password. Class keys wrapped
 * with the passcode ({@code WRAP == 2}) are unwrapped with it (RFC 3394); a failed unwrap means a
 * wrong password.
 */
public final class Keybag {
    private static final Logger LOG = LoggerFactory.getLogger(Keybag.class);
    /** Class key wrapped by the passcode key. */
    static final int WRAP_PASSCODE = 2;
    private static final List<String> CLASS_KEY_TAGS = List.of("CLAS", "WRAP", "WPKY", "KTYP", "PBKY");
    /** Most TLV entries accepted (a real keybag has about 70). */
    private static final int MAX_ENTRIES = 4096;

    /**
     * One class key.
     *
     * @param protectionClass {@code CLAS}
     * @param wrap {@code WRAP} flags (2 = wrapped by the passcode key)
     * @param keyType {@code KTYP}, -1 when absent
     * @param wrappedKey {@code WPKY}, empty when absent
     */
    public record ClassKey(int protectionClass, int wrap, int keyType, byte[] wrappedKey) {
        public ClassKey {
            wrappedKey = wrappedKey.clone();
        }

        @Override
        public byte[] wrappedKey() {
            return wrappedKey.clone();
        }
    }

    private final Map<String, byte[]> attributes;
    private final List<ClassKey> classKeys;

    private Keybag(Map<String, byte[]> attributes, List<ClassKey> classKeys) {
        this.attributes = Collections.unmodifiableMap(attributes);
        this.classKeys = List.copyOf(classKeys);
    }

    /**
     * Parses a keybag.
     *
     * @param tlv the {@code BackupKeyBag} data
     * @param name how to name it in messages
     * @throws CorruptArtifactException when an entry runs past the end, or salts or counts are missing
     */
    public static Keybag parse(byte[] tlv, String name) throws CorruptArtifactException {
        Map<String, byte[]> attrs = new LinkedHashMap<>();
        List<ClassKey> keys = new ArrayList<>();
        Map<String, byte[]> current = null;
        int pos = 0;
        int entries = 0;
        while (pos < tlv.length) {
            if (tlv.length - pos < 8) {
                throw new CorruptArtifactException(name + ": keybag truncated at byte " + pos);
            }
            if (++entries > MAX_ENTRIES) {
                throw new CorruptArtifactException(name + ": keybag has more than " + MAX_ENTRIES + " entries");
            }
            String tag = new String(tlv, pos, 4, StandardCharsets.ISO_8859_1);
            long len = ((tlv[pos + 4] & 0xFFL) << 24) | ((tlv[pos + 5] & 0xFF) << 16) | ((tlv[pos + 6] & 0xFF) << 8)
                    | (tlv[pos + 7] & 0xFF);
            pos += 8;
            if (len > tlv.length - pos) {
                throw new CorruptArtifactException(name + ": keybag entry " + printable(tag) + " of " + len
                        + " bytes runs past the end");
            }
            byte[] value = java.util.Arrays.copyOfRange(tlv, pos, pos + (int) len);
            pos += (int) len;
            if (tag.equals("UUID") && attrs.containsKey("UUID")) {
                if (current != null) {
                    keys.add(classKey(current, name));
                }
                current = new LinkedHashMap<>();
                current.put(tag, value);
            } else if (current != null && CLASS_KEY_TAGS.contains(tag)) {
                current.put(tag, value);
            } else if (!attrs.containsKey(tag)) {
                attrs.put(tag, value);
            }
        }
        if (current != null) {
            keys.add(classKey(current, name));
        }
        Keybag bag = new Keybag(attrs, keys);
        for (String required : List.of("SALT", "ITER")) {
            if (!attrs.containsKey(required)) {
                throw new CorruptArtifactException(name + ": keybag has no " + required);
            }
        }
        if (bag.attribute("ITER") < 1 || (attrs.containsKey("DPIC") && bag.attribute("DPIC") < 1)) {
            throw new CorruptArtifactException(name + ": keybag has an iteration count below 1");
        }
        return bag;
    }

    private static ClassKey classKey(Map<String, byte[]> fields, String name) throws CorruptArtifactException {
        if (!fields.containsKey("CLAS")) {
            throw new CorruptArtifactException(name + ": keybag class key without CLAS");
        }
        return new ClassKey((int) number(fields.get("CLAS"), name), fields.containsKey("WRAP")
                ? (int) number(fields.get("WRAP"), name) : 0,
                fields.containsKey("KTYP") ? (int) number(fields.get("KTYP"), name) : -1,
                fields.getOrDefault("WPKY", new byte[0]));
    }

    private static long number(byte[] v, String name) throws CorruptArtifactException {
        if (v.length == 0 || v.length > 8) {
            throw new CorruptArtifactException(name + ": keybag number of " + v.length + " bytes");
        }
        long n = 0;
        for (byte b : v) {
            n = (n << 8) | (b & 0xFF);
        }
        return n;
    }

    private static String printable(String tag) {
        return tag.chars().allMatch(c -> c >= 0x20 && c < 0x7F) ? tag : "(binary tag)";
    }

    /** A keybag attribute as a big-endian number, -1 when absent or unreadable. */
    public long attribute(String tag) {
        byte[] v = attributes.get(tag);
        try {
            return v == null ? -1 : number(v, "keybag");
        } catch (CorruptArtifactException e) {
            return -1;
        }
    }

    /** A keybag attribute's raw value (a copy). */
    public Optional<byte[]> rawAttribute(String tag) {
        byte[] v = attributes.get(tag);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** The class keys, in keybag order. */
    public List<ClassKey> classKeys() {
        return classKeys;
    }

    /** True when the passcode key is derived in two stages (DPSL and DPIC present: iOS 10.2 and later). */
    public boolean twoStageDerivation() {
        return attributes.containsKey("DPSL") && attributes.containsKey("DPIC");
    }

    /** The passcode key derived from the password (UTF-8 bytes); slow with real iteration counts. */
    public byte[] deriveKey(byte[] password) {
        return deriveKey(password, Progress.none());
    }

    /**
     * The passcode key derived from the password, reported to {@code progress} as one step
     * counting the HMAC rounds of both PBKDF2 stages (on iOS 10.2+, 10,000,000 SHA-256 rounds, then
     * 10,000 SHA-1 iterations for each of the two 20-byte blocks of the 32-byte key).
     */
    public byte[] deriveKey(byte[] password, Progress progress) {
        long total = Pbkdf2.sha1Rounds(Math.max(0, attribute("ITER")), 32)
                + (twoStageDerivation() ? Pbkdf2.sha256Rounds(Math.max(0, attribute("DPIC")), 32) : 0);
        try (Progress.Step step = progress.start("Deriving the backup key", total, Progress.Unit.ITERATIONS)) {
            byte[] first = password;
            if (twoStageDerivation()) {
                long t = System.nanoTime();
                first = Pbkdf2.sha256(password, attributes.get("DPSL"), attribute("DPIC"), 32, step);
                LOG.debug("keybag: PBKDF2-SHA256 stage ({} iterations) in {} ms", attribute("DPIC"),
                        (System.nanoTime() - t) / 1_000_000);
            }
            return Pbkdf2.sha1(first, attributes.get("SALT"), attribute("ITER"), 32, step);
        }
    }

    /**
     * Unwraps the passcode-wrapped class keys with the passcode key.
     *
     * @return protection class to its 32-byte key
     * @throws WrongPasswordException when no class key unwraps (the password or key is wrong)
     */
    public Map<Integer, byte[]> unlock(byte[] passcodeKey, String name) throws WrongPasswordException {
        Map<Integer, byte[]> out = new TreeMap<>();
        int wrapped = 0;
        List<Integer> failed = new ArrayList<>();
        for (ClassKey k : classKeys) {
            if (k.wrappedKey.length == 0 || (k.wrap & WRAP_PASSCODE) == 0) {
                continue;
            }
            wrapped++;
            Optional<byte[]> key = AesKeyWrap.unwrap(passcodeKey, k.wrappedKey);
            if (key.isPresent()) {
                out.put(k.protectionClass, key.get());
            } else {
                failed.add(k.protectionClass);
            }
        }
        if (wrapped > 0 && out.isEmpty()) {
            throw new WrongPasswordException(name + ": wrong backup password or key (the keybag's class keys"
                    + " do not unwrap with it)");
        }
        if (!failed.isEmpty()) {
            LOG.warn("{}: class keys {} do not unwrap; files of those classes cannot be decrypted", name, failed);
        }
        return out;
    }
}
