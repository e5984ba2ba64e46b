"""gen_old_saves.py — the older form of a cnn save file, for the loader's
test of old files: tests/golden/saves/cnn_v2_both.plsave was written by
paramlab when a cnn's image shape went both into section CONV and at the
end of section DATA (format version 2, December 2026); this script strips
the DATA trailer (recipe and image shape) from it, giving the form the
first cnn files had (the shape in CONV only), and fixes the lengths and
the checksum. Run from the repository root:
    /usr/bin/python3 tests/gen_old_saves.py
"""
import struct

SRC = "tests/golden/saves/cnn_v2_both.plsave"
DST = "tests/golden/saves/cnn_v2_conv.plsave"


def fnv1a(b):
    h = 0xcbf29ce484222325
    for c in b:
        h ^= c
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    p = open(SRC, "rb").read()
    assert p[:8] == b"PLABSAVE"
    version, count, total = struct.unpack_from("<IIQ", p, 8)
    assert version == 2 and total == len(p)
    at, out = 24, bytearray(p[:24])
    for _ in range(count):
        tag = p[at:at + 4]
        n, = struct.unpack_from("<Q", p, at + 4)
        body = p[at + 12:at + 12 + n]
        at += 12 + n
        if tag == b"DATA":
            c, h, w = struct.unpack_from("<qqq", body, len(body) - 24)
            assert (c, h, w) == (1, 4, 4)
            for L in range(0, 200):  # the recipe string: u32 length, then its bytes
                s = len(body) - 24 - L - 4
                if s >= 0 and struct.unpack_from("<I", body, s)[0] == L:
                    break
            else:
                raise SystemExit("no recipe string before the image shape")
            body = body[:s]
        out += tag + struct.pack("<Q", len(body)) + body
    assert at == len(p) - 8
    struct.pack_into("<Q", out, 16, len(out) + 8)
    out += struct.pack("<Q", fnv1a(bytes(out)))
    open(DST, "wb").write(out)


if __name__ == "__main__":
    main()
