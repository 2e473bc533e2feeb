#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Copyright 2026 The higfa authors
# Writes tests/fixtures/images/: tiny labelled datasets (good, broken, unknown class) for the tests.
"""Write tests/fixtures/images/.

  folder/            ImageFolder tree with the classes a, b, c of the tiny fixture bundle:
    a/0.png a/1.png    GRAY8 8x6, pixel (x, y) = (x * 31 + y * 17 + k * 7) % 256, k = 0, 1
    b/0.png            RGB 5x4 (R = x * 40, G = y * 50, B = 200)
    b/sub/1.png        GRAY8 8x6, k = 2 (a nested file)
    c/0.jpg            RGB 16x16, flat colour (R, G, B) = (200, 100, 50)
    c/1.png            16-bit grey 8x6, value = 257 * pattern(k = 3)
    c/2.png            RGBA 4x4, (R, G, B) = (200, 100, 50), alpha = 255 left half, 0 right half
    .hidden/x.png      ignored (hidden)
  broken/            ImageFolder tree a, b with two good files and four unreadable ones:
    a/0.png (good, k = 0), a/1-zero.png (0 bytes), a/2-corrupt.png (PNG signature, then junk),
    b/0-truncated.png (first half of a good PNG), b/1-truncated.jpg (JPEG cut before its end),
    b/2.png (good, k = 1)
  unknown/           a, z: class z is unknown to the tiny bundle (a/0.png, z/0.png)
  formats/           ImageFolder tree a, b: every format by content, and files that are no images:
    a/gray.png (GRAY8 8x6, k = 0), a/photo.jpg (RGB 16x16), a/rgb.bmp and a/rgb.tiff (the RGB
    5x4 of folder/b/0.png: one stem in two formats), a/lossless.webp (RGB 5x4), a/lossy.webp
    (RGB 64x64), a/gray.pgm (k = 1), a/colour.ppm (RGB 5x4), a/bits.pbm (8x6, 1 bit),
    a/tuple.pam (RGB 5x4), a/float.pfm (RGB 5x4 float), a/sun.ras (RGB 5x4), a/radiance.hdr
    (RGB 5x4 float), a/codestream.jp2 (RGB 64x64, JPEG 2000)
    b/png-named.jpg (a PNG named .jpg, k = 2), b/noext (a PNG without an extension, k = 3),
    b/x.png (a text file), b/notes.txt (a text file), b/truncated.png (half of a PNG),
    b/anim.gif (a 1x1 GIF, which OpenCV 4.6 does not decode), b/.DS_Store (hidden)
  exr/a/img.exr      RGB 5x4 float OpenEXR (decoded only with OPENCV_IO_ENABLE_OPENEXR)
  manifest.csv       header "path,label"; folder/a/0.png a, folder/c/0.jpg c, "folder/b/0.png" b
  manifest.jsonl     the same three rows as {"path": ..., "label": ...}
  labels.txt         a, b, c

Usage: /usr/bin/python3 tools/make_dataset_fixtures.py [--out DIR]
"""
import argparse
import json
import os
import shutil

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pattern(k, w=8, h=6):
    y, x = np.mgrid[0:h, 0:w]
    return ((x * 31 + y * 17 + k * 7) % 256).astype(np.uint8)


def write(path, img, params=()):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, img, list(params)):
        raise RuntimeError("cannot write " + path)


def png_bytes(img):
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return buf.tobytes()


# A 1x1 GIF89a (one white pixel); OpenCV 4.6 has no GIF reader.
GIF_1X1 = bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c000000000100"
                        "0100000202440100" "3b")


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def write_formats(j):
    y, x = np.mgrid[0:4, 0:5]
    bgr = np.dstack([np.full_like(x, 200), y * 50, x * 40]).astype(np.uint8)
    big = np.dstack([np.mgrid[0:64, 0:64][1] * 4, np.mgrid[0:64, 0:64][0] * 4,
                     np.full((64, 64), 90)]).astype(np.uint8)
    a = lambda name: j("formats", "a", name)  # noqa: E731
    b = lambda name: j("formats", "b", name)  # noqa: E731
    write(a("gray.png"), pattern(0))
    write(a("photo.jpg"), np.full((16, 16, 3), (50, 100, 200), np.uint8),
          (cv2.IMWRITE_JPEG_QUALITY, 95))
    write(a("rgb.bmp"), bgr)
    write(a("rgb.tiff"), bgr)
    write(a("lossless.webp"), bgr, (cv2.IMWRITE_WEBP_QUALITY, 101))
    write(a("lossy.webp"), big, (cv2.IMWRITE_WEBP_QUALITY, 80))
    write(a("gray.pgm"), pattern(1))
    write(a("colour.ppm"), bgr)
    write(a("bits.pbm"), (pattern(2) > 127).astype(np.uint8) * 255)
    write(a("tuple.pam"), bgr)
    write(a("float.pfm"), bgr.astype(np.float32) / 255.0)
    write(a("sun.ras"), bgr)
    write(a("radiance.hdr"), bgr.astype(np.float32) / 255.0)
    write(a("codestream.jp2"), big)
    write_bytes(b("png-named.jpg"), png_bytes(pattern(2)))
    write_bytes(b("noext"), png_bytes(pattern(3)))
    write_bytes(b("x.png"), b"path,label\nthis is a text file named x.png\n")
    write_bytes(b("notes.txt"), b"notes about class b\n")
    good = png_bytes(pattern(5, 32, 32))
    write_bytes(b("truncated.png"), good[: len(good) // 2])
    write_bytes(b("anim.gif"), GIF_1X1)
    write_bytes(b(".DS_Store"), b"\0\0\0\1Bud1")
    write(j("exr", "a", "img.exr"), bgr.astype(np.float32) / 255.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "images"))
    out = ap.parse_args().out
    shutil.rmtree(out, ignore_errors=True)
    j = lambda *p: os.path.join(out, *p)  # noqa: E731

    write(j("folder", "a", "0.png"), pattern(0))
    write(j("folder", "a", "1.png"), pattern(1))
    y, x = np.mgrid[0:4, 0:5]
    rgb = np.dstack([x * 40, y * 50, np.full_like(x, 200)]).astype(np.uint8)
    write(j("folder", "b", "0.png"), rgb[:, :, ::-1])
    write(j("folder", "b", "sub", "1.png"), pattern(2))
    write(j("folder", "c", "0.jpg"), np.full((16, 16, 3), (50, 100, 200), np.uint8),
          (cv2.IMWRITE_JPEG_QUALITY, 95))
    write(j("folder", "c", "1.png"), pattern(3).astype(np.uint16) * 257)
    bgra = np.zeros((4, 4, 4), np.uint8)
    bgra[:, :, :3] = (50, 100, 200)
    bgra[:, :2, 3] = 255
    write(j("folder", "c", "2.png"), bgra)
    write(j("folder", ".hidden", "x.png"), pattern(4))

    write(j("broken", "a", "0.png"), pattern(0))
    open(j("broken", "a", "1-zero.png"), "wb").close()
    with open(j("broken", "a", "2-corrupt.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 2)
    good = png_bytes(pattern(5, 32, 32))
    os.makedirs(j("broken", "b"), exist_ok=True)
    with open(j("broken", "b", "0-truncated.png"), "wb") as f:
        f.write(good[: len(good) // 2])
    ok, jpg = cv2.imencode(".jpg", np.full((32, 32), 128, np.uint8))
    with open(j("broken", "b", "1-truncated.jpg"), "wb") as f:
        f.write(jpg.tobytes()[: len(jpg) * 2 // 3])
    write(j("broken", "b", "2.png"), pattern(1))

    write_formats(j)

    write(j("unknown", "a", "0.png"), pattern(0))
    write(j("unknown", "z", "0.png"), pattern(1))

    rows = [("folder/a/0.png", "a"), ("folder/c/0.jpg", "c"), ("folder/b/0.png", "b")]
    with open(j("manifest.csv"), "w", encoding="utf-8") as f:
        f.write("path,label\n")
        for p, lab in rows:
            f.write('"%s",%s\n' % (p, lab) if p.startswith("folder/b") else "%s,%s\n" % (p, lab))
    with open(j("manifest.jsonl"), "w", encoding="utf-8") as f:
        for p, lab in rows:
            f.write(json.dumps({"path": p, "label": lab}) + "\n")
    with open(j("labels.txt"), "w", encoding="utf-8") as f:
        f.write("a\nb\nc\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
