package org.vigil.io.archive;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;

/**
 * UTF-8 that never fails and never loses a byte: valid sequences decode as UTF-8; each byte that
 * is not part of a valid sequence decodes to the lone low surrogate {@code U+DC00 + byte}
 * (U+DC80..U+DCFF, Python's "surrogateescape"), which valid UTF-8 never produces. Archive readers
 * decode entry names with it, so that a name which was not UTF-8 is recognised
 * ({@link EntryNames#isValidUtf8}) instead of being silently altered.
 *
 * <p>Registered as {@value #NAME} by {@link RawUtf8CharsetProvider} (Apache Commons Compress takes
 * encodings by name). The decoder expects whole names in one call (an incomplete sequence at the
 * end of the input is escaped, not carried over).
 */
public final class RawUtf8Charset extends Charset {
    /** The charset's name. */
    public static final String NAME = "X-VIGIL-UTF-8-RAW";

    /** The instance. */
    public static final RawUtf8Charset INSTANCE = new RawUtf8Charset();

    private RawUtf8Charset() {
        super(NAME, new String[0]);
    }

    @Override
    public boolean contains(Charset cs) {
        return cs instanceof RawUtf8Charset || "UTF-8".equals(cs.name()) || "US-ASCII".equals(cs.name());
    }

    @Override
    public CharsetDecoder newDecoder() {
        return new Decoder(this);
    }

    @Override
    public CharsetEncoder newEncoder() {
        return new Encoder(this);
    }

    private static final class Decoder extends CharsetDecoder {
        Decoder(Charset cs) {
            super(cs, 1.0f, 2.0f);
        }

        @Override
        protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
            while (in.hasRemaining()) {
                int start = in.position();
                int b0 = in.get(start) & 0xff;
                int need;
                int min;
                int lo = 0x80;
                int hi = 0xbf;
                if (b0 < 0x80) {
                    need = 0;
                    min = 0;
                } else if (b0 >= 0xc2 && b0 <= 0xdf) {
                    need = 1;
                    min = 0x80;
                } else if (b0 >= 0xe0 && b0 <= 0xef) {
                    need = 2;
                    min = 0x800;
                    if (b0 == 0xe0) {
                        lo = 0xa0;
                    } else if (b0 == 0xed) {
                        hi = 0x9f;
                    }
                } else if (b0 >= 0xf0 && b0 <= 0xf4) {
                    need = 3;
                    min = 0x10000;
                    if (b0 == 0xf0) {
                        lo = 0x90;
                    } else if (b0 == 0xf4) {
                        hi = 0x8f;
                    }
                } else {
                    need = -1;
                    min = 0;
                }
                int cp = -1;
                if (need == 0) {
                    cp = b0;
                } else if (need > 0 && in.remaining() > need) {
                    int v = b0 & (0x3f >> need);
                    boolean ok = true;
                    for (int k = 1; k <= need; k++) {
                        int b = in.get(start + k) & 0xff;
                        int l = k == 1 ? lo : 0x80;
                        int h = k == 1 ? hi : 0xbf;
                        if (b < l || b > h) {
                            ok = false;
                            break;
                        }
                        v = (v << 6) | (b & 0x3f);
                    }
                    cp = ok && v >= min ? v : -1;
                }
                int chars = cp < 0 ? 1 : Character.charCount(cp);
                if (out.remaining() < chars) {
                    return CoderResult.OVERFLOW;
                }
                if (cp < 0) {
                    out.put((char) (0xdc00 | b0));
                    in.position(start + 1);
                } else {
                    if (chars == 2) {
                        out.put(Character.highSurrogate(cp)).put(Character.lowSurrogate(cp));
                    } else {
                        out.put((char) cp);
                    }
                    in.position(start + 1 + Math.max(need, 0));
                }
            }
            return CoderResult.UNDERFLOW;
        }
    }

    private static final class Encoder extends CharsetEncoder {
        Encoder(Charset cs) {
            super(cs, 1.1f, 4.0f);
        }

        @Override
        protected CoderResult encodeLoop(CharBuffer in, ByteBuffer out) {
            while (in.hasRemaining()) {
                int p = in.position();
                char c = in.get(p);
                byte[] bytes;
                int used = 1;
                if (Character.isHighSurrogate(c) && in.remaining() > 1 && Character.isLowSurrogate(in.get(p + 1))) {
                    bytes = new String(new char[] {c, in.get(p + 1)}).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    used = 2;
                } else if (c >= 0xdc80 && c <= 0xdcff) {
                    bytes = new byte[] {(byte) (c & 0xff)};
                } else if (Character.isSurrogate(c)) {
                    return CoderResult.unmappableForLength(1);
                } else {
                    bytes = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                if (out.remaining() < bytes.length) {
                    return CoderResult.OVERFLOW;
                }
                out.put(bytes);
                in.position(p + used);
            }
            return CoderResult.UNDERFLOW;
        }
    }
}
