package org.vigil.source.sysdiagnose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Builds tar and tar.gz archives byte by byte in tests (ustar, GNU long names, pax, base-256 sizes). */
public final class TarFixture {
    private final ByteArrayOutputStream tar = new ByteArrayOutputStream();

    public TarFixture file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public TarFixture file(String name, byte[] content) {
        return entry(name.getBytes(StandardCharsets.UTF_8), '0', content.length, "", content);
    }

    public TarFixture dir(String name) {
        return entry(name.getBytes(StandardCharsets.UTF_8), '5', 0, "", new byte[0]);
    }

    public TarFixture symlink(String name, String target) {
        return entry(name.getBytes(StandardCharsets.UTF_8), '2', 0, target, new byte[0]);
    }

    public TarFixture hardlink(String name, String target) {
        return entry(name.getBytes(StandardCharsets.UTF_8), '1', 0, target, new byte[0]);
    }

    public TarFixture charDevice(String name) {
        return entry(name.getBytes(StandardCharsets.UTF_8), '3', 0, "", new byte[0]);
    }

    /** A file whose raw (possibly non-UTF-8) name bytes are given. */
    public TarFixture rawName(byte[] name, byte[] content) {
        return entry(name, '0', content.length, "", content);
    }

    /** A file whose name is stored with a GNU 'L' record. */
    public TarFixture gnuLongName(String name, String content) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        entry("././@LongLink".getBytes(StandardCharsets.UTF_8), 'L', n.length, "", n);
        byte[] c = content.getBytes(StandardCharsets.UTF_8);
        return entry(name.substring(0, Math.min(99, name.length())).getBytes(StandardCharsets.UTF_8), '0', c.length,
                "", c);
    }

    /** A file whose name is stored with a pax 'x' record (path=). */
    public TarFixture paxName(String name, String content) {
        byte[] rec = paxRecord("path", name);
        entry("PaxHeaders/x".getBytes(StandardCharsets.UTF_8), 'x', rec.length, "", rec);
        byte[] c = content.getBytes(StandardCharsets.UTF_8);
        return entry("short-name".getBytes(StandardCharsets.UTF_8), '0', c.length, "", c);
    }

    private static byte[] paxRecord(String key, String value) {
        byte[] body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
        int len = body.length + 1;
        while (Integer.toString(len).length() + body.length != len) {
            len = Integer.toString(len).length() + body.length;
        }
        return (len + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A header claiming {@code claimed} bytes (base-256 when large), followed by {@code data} only. */
    public TarFixture claimed(String name, long claimed, byte[] data) {
        byte[] h = header(name.getBytes(StandardCharsets.UTF_8), '0', claimed, "");
        tar.writeBytes(h);
        tar.writeBytes(data);
        return this;
    }

    private TarFixture entry(byte[] name, char type, long size, String link, byte[] data) {
        tar.writeBytes(header(name, type, size, link));
        tar.writeBytes(data);
        int pad = (int) ((512 - data.length % 512) % 512);
        tar.writeBytes(new byte[pad]);
        return this;
    }

    static byte[] header(byte[] name, char type, long size, String link) {
        byte[] h = new byte[512];
        byte[] prefix = new byte[0];
        if (name.length > 100) {
            int cut = -1;
            for (int i = name.length - 1; i >= 0; i--) {
                if (name[i] == '/' && name.length - i - 1 <= 100 && i <= 155) {
                    cut = i;
                    break;
                }
            }
            if (cut < 0) {
                throw new IllegalArgumentException("name too long for ustar");
            }
            prefix = Arrays.copyOfRange(name, 0, cut);
            name = Arrays.copyOfRange(name, cut + 1, name.length);
        }
        System.arraycopy(name, 0, h, 0, name.length);
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        if (size > 077777777777L) {
            h[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) {
                h[135 - i] = (byte) (size >>> (8 * i));
            }
        } else {
            put(h, 124, String.format("%011o\0", size));
        }
        put(h, 136, String.format("%011o\0", 1700000000L));
        put(h, 148, "        ");
        h[156] = (byte) type;
        byte[] l = link.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(l, 0, h, 157, l.length);
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        System.arraycopy(prefix, 0, h, 345, prefix.length);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /** The tar bytes with the two end blocks. */
    public byte[] tar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tar.toByteArray());
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** The tar without end blocks (as cut). */
    public byte[] tarWithoutEnd() {
        return tar.toByteArray();
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** Writes the .tar.gz to {@code file} and returns it. */
    public Path writeTarGz(Path file) throws IOException {
        Files.write(file, gzip(tar()));
        return file;
    }
}
