#!/usr/bin/env python3
"""Copies a PNG with its pixels replaced by black ones and every other chunk kept byte for byte.

    python3 strip_png_pixels.py IN.png OUT.png

Other tools' PNGs (tests/data/foreign/tools/) carry their metadata in text chunks; their pixels
are a megabyte or more. This writes the same chunks in the same order (IHDR, tEXt, iTXt, ... and
IEND, each with its original length, data and CRC) and one IDAT of an all-zero image of the
IHDR's own size, colour type and bit depth, so the file stays a valid PNG of the same size that
any reader opens, a few kilobytes long. Only non-interlaced images are taken. Standard library
only.
"""
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


def chunks(data):
    if not data.startswith(SIGNATURE):
        raise SystemExit("not a PNG")
    offset = len(SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        kind = data[offset + 4:offset + 8]
        yield kind, data[offset + 8:offset + 8 + length], data[offset:offset + 12 + length]
        offset += 12 + length


def black_idat(ihdr):
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    if interlace:
        raise SystemExit("interlaced PNGs are not handled")
    row = 1 + (width * CHANNELS[colour] * depth + 7) // 8  # filter byte + samples
    body = zlib.compress(bytes(row * height), 9)
    return struct.pack(">I", len(body)) + b"IDAT" + body + struct.pack(
        ">I", zlib.crc32(b"IDAT" + body) & 0xFFFFFFFF)


def main():
    source, target = sys.argv[1:3]
    data = open(source, "rb").read()
    out = [SIGNATURE]
    wrote_idat = False
    for kind, body, raw in chunks(data):
        if kind == b"IDAT":
            if not wrote_idat:
                out.append(black_idat(ihdr))
                wrote_idat = True
            continue
        if kind == b"IHDR":
            ihdr = body
        out.append(raw)
    open(target, "wb").write(b"".join(out))


if __name__ == "__main__":
    main()
