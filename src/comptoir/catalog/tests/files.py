"""Real tiny files for the picture and 3D tests, made on the fly (no binaries in the repository)."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

from PIL import Image


def png_bytes(width: int = 320, height: int = 240, colour=(200, 60, 40)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, format="PNG")
    return output.getvalue()


def jpeg_with_exif_rotation(width: int = 400, height: int = 200) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90° clockwise to display" (orientation 6) and holds a GPS position:
    shown upright it is portrait (height × width), and the position must not survive."""
    picture = Image.new("RGB", (width, height), (30, 120, 200))
    picture.paste((250, 250, 0), (0, 0, width // 4, height // 4))  # a mark in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}  # GPSInfo
    output = io.BytesIO()
    picture.save(output, format="JPEG", exif=exif, quality=90)
    return output.getvalue()


def webp_bytes(width: int = 300, height: int = 300) -> bytes:
    output = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 90, 255)).save(output, format="WEBP")
    return output.getvalue()


def png_bomb_header(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG signature and header announcing `width` × `height` pixels, followed by a tiny compressed stream:
    a few hundred bytes that would expand to gigabytes if decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * 3 * 1000
    data = compressor.compress(row * 10) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def text_named_jpeg() -> bytes:
    """What a file called photo.jpg holds when it is not a picture at all."""
    return b"This is not a picture, whatever its name says.\n" * 20


def glb_bytes(*, version: int = 2, length_delta: int = 0) -> bytes:
    """A minimal binary glTF: header, a JSON chunk (padded with spaces to 4 bytes) and an empty-ish BIN chunk."""
    document = json.dumps({"asset": {"version": "2.0"}, "scenes": [{"nodes": []}], "scene": 0}).encode()
    document += b" " * (-len(document) % 4)
    binary = b"\x00" * 8
    body = struct.pack("<II", len(document), 0x4E4F534A) + document + struct.pack("<II", len(binary), 0x004E4942)
    body += binary
    length = 12 + len(body)
    return struct.pack("<4sII", b"glTF", version, length + length_delta) + body


def usdz_bytes(*, first: str = "model.usdc", compressed: bool = False) -> bytes:
    output = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(output, "w", compression=method) as archive:
        archive.writestr(first, b"PXR-USDC" + b"\x00" * 64)
        archive.writestr("textures/colour.png", png_bytes(16, 16))
    return output.getvalue()
